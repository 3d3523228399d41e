// The broker's durable state on the runtime's WAL and its records in segments: a crash can cut
// the log's last write at any byte; reopening recovers exactly the steps that were whole — the
// group's committed offset and acks — beside every record whose flush resolved (the segments'
// own cuts: record-segments.test.ts), and a restart delivers again what was not
// acknowledged, and nothing that was.

import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openWalStorage } from '../../runtime/wal/index.js';
import { brokerConfig } from './config.js';
import { BrokerMachine } from './machine.js';
import { RecordSegments } from './record-segments.js';

const dirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cohort-broker-wal-'));
  dirs.push(dir);
  return dir;
}
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

const config = brokerConfig();
const bytes = (s: string) => new TextEncoder().encode(s);

async function onlySegment(dir: string): Promise<string> {
  const segs = (await readdir(dir)).filter((n) => n.endsWith('.wal'));
  expect(segs).toHaveLength(1);
  return segs[0] as string;
}

describe('comm/broker durable log', () => {
  it('recovers whole steps only when the tail is cut at any byte', async () => {
    const dir = await tempDir();
    const w = await openWalStorage(dir);
    const records = await RecordSegments.open(await tempDir());
    const m = new BrokerMachine(w, config, 0, records);
    m.createTopic('t', { partitions: 2 }, 0);
    const member = m.groups.join({ group: 'g', topics: ['t'] }, 0).memberId;
    w.endStep();
    await w.sync();
    const seg = await onlySegment(dir);
    // After each step: its size on disk and what a recovery must then see.
    const marks: { size: number; committed: number }[] = [];
    let published = 0;
    let committed = 0;
    const mark = async () => {
      w.endStep();
      await w.sync();
      await records.flush();
      marks.push({ size: (await readFile(join(dir, seg))).length, committed });
    };
    await mark();
    for (let i = 0; i < 6; i++) {
      m.publish('t', [{ partition: 0, value: bytes(`v${i}-${'x'.repeat(i * 7)}`) }], i);
      published += 1;
      await mark();
      if (i % 2 === 1) {
        for (const d of m.groups.pull(member, i))
          m.groups.ack(member, d.topic, d.partition, d.offset);
        committed = published;
        await mark();
      }
    }
    await w.close();
    await records.close();
    const full = await readFile(join(dir, seg));
    const first = marks[0] as (typeof marks)[number];
    for (let cut = first.size; cut <= full.length; cut++) {
      const copy = await tempDir();
      await writeFile(join(copy, seg), full.subarray(0, cut));
      const expected = [...marks].reverse().find((x) => x.size <= cut) as (typeof marks)[number];
      const r = await openWalStorage(copy);
      const again = new BrokerMachine(r, config, 100, await RecordSegments.open(records.dir));
      expect(again.partitions('t')[0]?.next, `cut at ${cut}`).toBe(published);
      expect(again.groups.committedOf('g', 't', 0), `cut at ${cut}`).toBe(expected.committed);
      await r.close();
      await rm(copy, { recursive: true, force: true });
    }
  });

  it('keeps committed offsets, acks and unacknowledged messages across a restart', async () => {
    const dir = await tempDir();
    const w = await openWalStorage(dir);
    const records = await RecordSegments.open(join(dir, 'records'));
    const m = new BrokerMachine(w, config, 0, records);
    m.createTopic('t', {}, 0);
    m.publish(
      't',
      ['a', 'b', 'c', 'd', 'e'].map((v) => ({ value: bytes(v) })),
      0,
    );
    const member = m.groups.join({ group: 'g', topics: ['t'] }, 0).memberId;
    const ds = m.groups.pull(member, 0);
    expect(ds.map((d) => d.offset)).toEqual([0, 1, 2, 3, 4]);
    // Acked: 0, 1 and 3. Committed: 2. Unacked: 2 and 4.
    for (const o of [0, 1, 3]) m.groups.ack(member, 't', 0, o);
    const tx = m.prepare('p', 't', { value: bytes('half') }, 0);
    w.endStep();
    await w.sync();
    await records.flush();
    await w.close();
    await records.close();

    const r = await openWalStorage(dir);
    const again = new BrokerMachine(r, config, 10, await RecordSegments.open(join(dir, 'records')));
    expect(again.incarnation).toBe(m.incarnation + 1);
    expect(again.groups.committedOf('g', 't', 0)).toBe(2);
    expect(() => again.groups.heartbeat(member, 10)).toThrow(
      expect.objectContaining({ code: 'unknown-member' }),
    );
    const fresh = again.groups.join({ group: 'g', topics: ['t'] }, 10).memberId;
    const redelivered = again.groups.pull(fresh, 10);
    expect(redelivered.map((d) => new TextDecoder().decode(d.value))).toEqual(['c', 'e']);
    // The half message survived, still invisible until committed.
    expect(again.endTransaction(tx, 'commit', 11)).toMatchObject({ outcome: 'commit', offset: 5 });
    expect(again.groups.pull(fresh, 11).map((d) => d.offset)).toEqual([5]);
    await r.close();
  });
});
