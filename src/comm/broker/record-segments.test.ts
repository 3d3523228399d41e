// The record segments on a real disk: every record must come back exactly as added — from
// memory before its flush, from the last round's block, through read-ahead, in order and at
// random, across rounds of different sizes, records larger than the read-ahead block, a
// reopen, a tail cut at any byte or followed by zeros (whole frames kept, the rest cut) and a
// gap after one.

import { appendFile, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RecordSegments, SegmentCorruptionError } from './record-segments.js';
import type { OffsetRecord } from './record-store.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cohort-segments-'));
  dirs.push(dir);
  return dir;
}

/** A record whose bytes say which offset it is (sizes vary, some beyond 256 KiB). */
function recordAt(offset: number): OffsetRecord {
  const size = offset % 17 === 0 ? 300 * 1024 + offset : (offset * 131) % 5000;
  const value = Buffer.alloc(size, offset % 251);
  if (size >= 8) value.writeDoubleLE(offset, 0);
  return { offset, key: offset % 3 === 0 ? null : `k${offset}`, value, time: 1000 + offset };
}

function expectRecord(s: RecordSegments, offset: number): void {
  const want = recordAt(offset);
  const got = s.read('t', 0, offset);
  expect(got?.k).toBe(want.key);
  expect(got?.t).toBe(want.time);
  expect(Buffer.from(got?.v ?? []).equals(Buffer.from(want.value))).toBe(true);
}

describe('comm/broker record segments', () => {
  it('reads back every record before and after its flush, in order, at random and after a reopen', async () => {
    const dir = await tempDir();
    const a = await RecordSegments.open(dir);
    // Rounds of 1, 7, 40 … records; each is readable from memory before its flush.
    for (let i = 0, n = 1; i < 200; i += n, n = (n * 7) % 41) {
      const run = Array.from({ length: Math.min(n, 200 - i) }, (_, j) => recordAt(i + j));
      for (const r of run) a.add('t', 0, r);
      expect(a.durableNext('t', 0) ?? 0).toBe(i);
      expectRecord(a, i);
      await a.flush();
      expect(a.durableNext('t', 0)).toBe(i + run.length);
    }
    for (let o = 0; o < 200; o++) expectRecord(a, o);
    for (let i = 0; i < 300; i++) expectRecord(a, (i * 97) % 200);
    expect(a.read('t', 0, 200)).toBeUndefined();
    // Flushes that arrive while a round writes share the next round.
    const rounds = a.writes;
    for (let o = 200; o < 210; o++) {
      a.add('t', 0, recordAt(o));
      void a.flush();
    }
    await a.flush();
    expect(a.writes - rounds).toBeLessThanOrEqual(2);
    await a.close();
    const b = await RecordSegments.open(dir);
    expect(b.takeEntries('t', 0).map((e) => e.offset)).toEqual(
      Array.from({ length: 210 }, (_, i) => i),
    );
    for (let o = 209; o >= 0; o--) expectRecord(b, o);
    b.add('t', 0, recordAt(210));
    await b.flush();
    expectRecord(b, 210);
    await b.close();
  });

  it('keeps the whole frames of a tail cut at any byte, and appends after them', async () => {
    const dir = await tempDir();
    const a = await RecordSegments.open(dir);
    const sizes: number[] = [];
    const seg = join(dir, 't-t', '0', `${'0'.repeat(16)}.rec`);
    for (let o = 0; o < 6; o++) {
      a.add('t', 0, { offset: o, key: `k${o}`, value: Buffer.alloc(o * 5, o), time: o });
      await a.flush();
      sizes.push((await readFile(seg)).length);
    }
    await a.close();
    const full = await readFile(seg);
    for (let cut = 0; cut <= full.length; cut++) {
      const copy = await tempDir();
      const to = join(copy, 't-t', '0');
      await mkdir(to, { recursive: true });
      await writeFile(join(to, `${'0'.repeat(16)}.rec`), full.subarray(0, cut));
      const whole = sizes.filter((s) => s <= cut).length;
      // What a crash can leave after the cut: nothing, or zeros the file system extended with.
      const zeros = cut % 3 === 0 ? Buffer.alloc(64) : Buffer.alloc(0);
      await appendFile(join(to, `${'0'.repeat(16)}.rec`), zeros);
      const b = await RecordSegments.open(copy);
      expect(b.takeEntries('t', 0).length, `cut at ${cut}`).toBe(whole);
      b.add('t', 0, { offset: whole, key: null, value: Buffer.from('next'), time: 9 });
      await b.flush();
      await b.close();
      const c = await RecordSegments.open(copy);
      expect(c.takeEntries('t', 0).map((e) => e.offset)).toEqual(
        Array.from({ length: whole + 1 }, (_, i) => i),
      );
      expect(Buffer.from(c.read('t', 0, whole)?.v ?? []).toString()).toBe('next');
      await c.close();
    }
  });

  it('starts a segment after a gap, drops passed segments but the tail, and refuses corruption', async () => {
    const dir = await tempDir();
    const a = await RecordSegments.open(dir);
    for (const o of [0, 1, 2]) a.add('t', 0, recordAt(o));
    await a.flush();
    // After a recovery that cut records retention had passed, offsets resume past a gap.
    for (const o of [5, 6]) a.add('t', 0, recordAt(o));
    await a.flush();
    const segs = join(dir, 't-t', '0');
    expect((await readdir(segs)).sort()).toEqual(
      [0, 5].map((b) => `${String(b).padStart(16, '0')}.rec`),
    );
    expect(a.read('t', 0, 3)).toBeUndefined();
    expectRecord(a, 6);
    await a.dropBelow('t', 0, 7); // Everything is below 7, but the tail stays.
    expect(await readdir(segs)).toEqual([`${'5'.padStart(16, '0')}.rec`]);
    await a.close();
    const b = await RecordSegments.open(dir);
    expect(b.takeEntries('t', 0).map((e) => e.offset)).toEqual([5, 6]);
    await b.close();
    // A bad byte in a segment that is not the last (a later one exists) damaged acknowledged
    // records: the open fails instead of cutting them.
    const first = join(segs, `${'5'.padStart(16, '0')}.rec`);
    const bytes = await readFile(first);
    bytes[20] = (bytes[20] as number) ^ 0xff;
    await writeFile(first, bytes);
    await writeFile(join(segs, `${'9'.padStart(16, '0')}.rec`), Buffer.alloc(0));
    await expect(RecordSegments.open(dir)).rejects.toBeInstanceOf(SegmentCorruptionError);
  });
});
