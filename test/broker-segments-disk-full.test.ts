// The broker's record segments on a real full disk (a small tmpfs): rounds are acknowledged
// until the disk fills — in a round's write or in the preallocation ahead of it — then that
// round and every later flush fail with ENOSPC (a failed write is never retried), nothing is
// acknowledged that is not whole on disk, and a reopen on the same full disk (no cleanup
// first) gives back every acknowledged record exactly. And `cohort broker` itself, its data on
// such a disk, stops with one fatal line naming the failure (exit 1, no stack trace).
//
// Needs root (mount). Outcomes only.

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BrokerClient } from '../src/comm/broker/client.js';
import { RecordSegments, SegmentIoError } from '../src/comm/broker/record-segments.js';
import type { OffsetRecord } from '../src/comm/broker/record-store.js';
import { BrokerProcess } from './support/broker-process.js';

const mounts: string[] = [];
const dirs: string[] = [];
const cleanup: (() => Promise<void> | void)[] = [];

beforeAll(() => {
  if (process.getuid?.() !== 0)
    throw new Error('broker-segments-disk-full.test.ts mounts a tmpfs: run it as root');
});

afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
  // Lazily: a failed assertion may leave a file open on it.
  for (const dir of mounts.splice(0)) execFileSync('umount', ['-l', dir]);
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

const recordAt = (offset: number): OffsetRecord => ({
  offset,
  key: `k${offset}`,
  value: Buffer.alloc(1000 + (offset % 13) * 300, offset % 251),
  time: offset,
});

describe('record segments on a full disk', () => {
  for (const preallocateBytes of [0, 256 * 1024])
    it(`fails every flush from the first ENOSPC on and keeps what was acknowledged (preallocate ${preallocateBytes})`, async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-segments-full-'));
      dirs.push(dir);
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', dir]);
      mounts.push(dir);
      const options = { segmentBytes: 512 * 1024, preallocateBytes };
      const a = await RecordSegments.open(dir, options);
      let acknowledged = 0;
      let failure: unknown;
      for (let o = 0; failure === undefined && o < 10_000; o += 5) {
        for (let k = o; k < o + 5; k++) a.add('t', 0, recordAt(k));
        try {
          await a.flush();
          acknowledged = o + 5;
        } catch (error) {
          failure = error;
        }
      }
      expect(failure).toBeInstanceOf(SegmentIoError);
      expect((failure as SegmentIoError).code).toBe('ENOSPC');
      expect(acknowledged).toBeGreaterThan(100); // It filled 2 MiB, not failed at once.
      a.add('t', 0, recordAt(acknowledged + 5));
      await expect(a.flush()).rejects.toBe(failure);
      await a.close();

      const b = await RecordSegments.open(dir, options);
      const offsets = b.takeEntries('t', 0).map((e) => e.offset);
      // Every acknowledged record, in order; the failed round's may be there whole, or not.
      expect(offsets.slice(0, acknowledged)).toEqual(
        Array.from({ length: acknowledged }, (_, i) => i),
      );
      expect(offsets.length).toBeLessThanOrEqual(acknowledged + 5);
      for (let o = 0; o < offsets.length; o++) {
        const want = recordAt(o);
        const got = b.read('t', 0, o);
        expect(got?.k).toBe(want.key);
        expect(Buffer.compare(got?.v ?? Buffer.alloc(0), want.value)).toBe(0);
      }
      await b.close();
    });

  it('stops `cohort broker` with one fatal line when its disk fills', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-broker-full-'));
    dirs.push(dir);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', dir]);
    mounts.push(dir);
    // The last --data-dir wins: the broker's data goes on the small disk.
    const b = await BrokerProcess.start(['--data-dir', dir]);
    cleanup.push(() => b.stop());
    const client = new BrokerClient(b.address);
    cleanup.push(() => client.close());
    await client.createTopic('full', { partitions: 1 });
    const value = Buffer.alloc(64 * 1024, 7);
    let refused: unknown;
    for (let i = 0; refused === undefined && i < 200; i++)
      await client.publish('full', [{ key: null, value }]).catch((error: unknown) => {
        refused = error;
      });
    expect(refused).toBeDefined();
    const exit = await (b.proc as NonNullable<typeof b.proc>).exited;
    expect(exit.code).toBe(1);
    const log = fs.readFileSync(path.join(b.dir, 'broker.log'), 'utf8');
    const fatal = log.split('\n').filter((line) => line.includes('"level":60'));
    expect(fatal).toHaveLength(1);
    // Almost always a record's write; the WAL's tick may be the one to meet the full disk.
    expect(fatal[0]).toMatch(
      /storage failed: (record segments: .*ENOSPC: no space left on device|write-ahead log: .* failed: ENOSPC \(no space left on device\)).*; broker stopped/,
    );
    expect(log).not.toMatch(/"stack"/);
  });
});
