// The replicated partition machine (replicated-machine.ts) and the metadata machine
// (replicated-meta.ts) as Raft applies them: appends get consecutive offsets, a command
// applied twice (a retry through a new leader) appends once, fetch returns what was appended
// in order and respects its limits, retention deletes by size and by log time, committed
// offsets are kept per group, a snapshot through the codec restores an equal machine, and
// peer input (operations, snapshots) that is malformed is refused.

import { describe, expect, it } from 'vitest';
import type { MachineOp } from '../../algorithms/consensus/raft/machine.js';
import { roundTrip } from '../../core/codec.js';
import { brokerConfig } from './config.js';
import { type PartitionMachine, partitionMachineDef } from './replicated-machine.js';
import { type MetaMachine, metaMachineDef } from './replicated-meta.js';

const limits = { sessionTimeoutMs: 600_000, maxSessions: 64 };
const config = brokerConfig({ maxBatchMessages: 10, maxMessageBytes: 100 });
const topic = { partitions: 1, retentionBytes: 0, retentionMs: 0 };

const write = (op: unknown): MachineOp => ({ type: 'machine', read: false, op });
const read = (op: unknown): MachineOp => ({ type: 'machine', read: true, op });
const msg = (k: string | null, v: string) => ({ k, v: Buffer.from(v) });

function fresh(t = topic) {
  const def = partitionMachineDef(t, config);
  return { def, m: def.restore(def.emptySnapshot, limits) };
}

function applied(m: PartitionMachine, client: number, seq: number, op: unknown, atMs = 0) {
  const out = m.apply(client, seq, write(op), atMs);
  expect(out.kind === 'applied' || out.kind === 'duplicate').toBe(true);
  return (out as { result: { value: unknown } }).result.value as Record<string, unknown>;
}

function values(def: ReturnType<typeof fresh>['def'], m: PartitionMachine, from = 0) {
  const r = def.read(m, read({ type: 'fetch', from, max: 1000, maxBytes: 1 << 20 })) as {
    records: [number, string | null, Uint8Array, number][];
  };
  return r.records.map(([o, , v]) => `${o}:${Buffer.from(v).toString()}`);
}

describe('replicated partition machine', () => {
  it('appends in order and applies a retried command once', () => {
    const { def, m } = fresh();
    expect(applied(m, 7, 1, { type: 'append', messages: [msg('a', 'x'), msg(null, 'y')] })).toEqual(
      { ok: true, first: 0, count: 2 },
    );
    // The same (client, seq) reaching the log again: the cached answer, nothing appended.
    expect(applied(m, 7, 1, { type: 'append', messages: [msg('a', 'x'), msg(null, 'y')] })).toEqual(
      { ok: true, first: 0, count: 2 },
    );
    expect(applied(m, 7, 2, { type: 'append', messages: [msg('b', 'z')] })).toEqual({
      ok: true,
      first: 2,
      count: 1,
    });
    expect(values(def, m)).toEqual(['0:x', '1:y', '2:z']);
    expect(values(def, m, 2)).toEqual(['2:z']);
    expect(def.read(m, read({ type: 'fetch', from: 4, max: 1, maxBytes: 1 }))).toMatchObject({
      ok: false,
      code: 'offset-out-of-range',
    });
  });

  it('bounds a fetch by count and bytes, but always returns one record', () => {
    const { def, m } = fresh();
    applied(m, 1, 1, { type: 'append', messages: [msg(null, 'aaaa'), msg(null, 'bbbb')] });
    const f = (max: number, maxBytes: number) =>
      (def.read(m, read({ type: 'fetch', from: 0, max, maxBytes })) as { records: unknown[] })
        .records.length;
    expect(f(1, 1000)).toBe(1);
    expect(f(10, 1)).toBe(1);
    expect(f(10, 8)).toBe(2);
  });

  it('keeps committed offsets per group and refuses one beyond the log end', () => {
    const { def, m } = fresh();
    applied(m, 1, 1, { type: 'append', messages: [msg(null, 'a'), msg(null, 'b')] });
    expect(def.read(m, read({ type: 'committed', group: 'g' }))).toEqual({ ok: true, offset: -1 });
    applied(m, 1, 2, { type: 'commit', group: 'g', offset: 2 });
    expect(applied(m, 1, 3, { type: 'commit', group: 'h', offset: 3 })).toMatchObject({
      ok: false,
      code: 'offset-out-of-range',
    });
    expect(def.read(m, read({ type: 'committed', group: 'g' }))).toEqual({ ok: true, offset: 2 });
    expect(def.read(m, read({ type: 'committed', group: 'h' }))).toEqual({ ok: true, offset: -1 });
  });

  it('retains by size and by log time; offsets keep growing', () => {
    const bySize = fresh({ partitions: 1, retentionBytes: 4, retentionMs: 0 });
    applied(bySize.m, 1, 1, { type: 'append', messages: [msg(null, 'aa'), msg(null, 'bb')] });
    applied(bySize.m, 1, 2, { type: 'append', messages: [msg(null, 'cc')] });
    expect(values(bySize.def, bySize.m)).toEqual(['1:bb', '2:cc']);
    const byAge = fresh({ partitions: 1, retentionBytes: 0, retentionMs: 1000 });
    applied(byAge.m, 1, 1, { type: 'append', messages: [msg(null, 'old')] }, 100);
    applied(byAge.m, 1, 2, { type: 'append', messages: [msg(null, 'new')] }, 2000);
    expect(values(byAge.def, byAge.m)).toEqual(['1:new']);
    expect(byAge.def.read(byAge.m, read({ type: 'info' }))).toEqual({
      ok: true,
      start: 1,
      next: 2,
      bytes: 3,
    });
  });

  it('restores an equal machine from its snapshot (through the codec)', () => {
    const { def, m } = fresh({ partitions: 1, retentionBytes: 6, retentionMs: 0 });
    for (let i = 1; i <= 5; i++)
      applied(m, 3, i, { type: 'append', messages: [msg(`k${i}`, `v${i}`)] }, i);
    applied(m, 3, 6, { type: 'commit', group: 'g', offset: 4 }, 6);
    const snap = roundTrip(m.snapshot());
    expect(def.isSnapshot(snap)).toBe(true);
    const copy = def.restore(snap, limits);
    expect(values(def, copy)).toEqual(values(def, m));
    expect(copy.snapshot()).toEqual(m.snapshot());
    // The session survives: the last command again is a duplicate, not a second append.
    expect(copy.apply(3, 6, write({ type: 'commit', group: 'g', offset: 4 }), 7).kind).toBe(
      'duplicate',
    );
  });

  it.each([
    [{ type: 'append', messages: [] }],
    [{ type: 'append', messages: Array.from({ length: 11 }, () => msg(null, 'x')) }],
    [{ type: 'append', messages: [{ k: null, v: 'not bytes' }] }],
    [{ type: 'append', messages: [{ k: 5, v: Buffer.from('x') }] }],
    [{ type: 'append', messages: [msg(null, 'x'.repeat(101))] }],
    [{ type: 'commit', group: 'bad name!', offset: 1 }],
    [{ type: 'commit', group: 'g', offset: -1 }],
    [{ type: 'drop-everything' }],
  ])('refuses the malformed operation %j', (op) => {
    const { def } = fresh();
    expect(def.opProblem(write(op) as never)).toBeTypeOf('string');
  });

  it('refuses a read marked as a write, and malformed snapshots', () => {
    const { def } = fresh();
    expect(def.opProblem(write({ type: 'info' }) as never)).toMatch(/read/);
    expect(def.opProblem(read({ type: 'info' }) as never)).toBeUndefined();
    const good = def.emptySnapshot as Record<string, unknown>;
    for (const bad of [
      null,
      { ...good, start: -1 },
      { ...good, records: [['k', 'not bytes', 0]] },
      {
        ...good,
        committed: [
          ['g', 1],
          ['g', 2],
        ],
      },
      { ...good, sessions: 'none' },
    ])
      expect(def.isSnapshot(bad)).toBe(false);
  });
});

describe('replicated metadata machine', () => {
  it('creates topics once, refuses a different configuration, and restores', () => {
    const def = metaMachineDef(config);
    const m = def.restore(def.emptySnapshot, limits) as MetaMachine;
    const create = (seq: number, partitions: number) =>
      (
        m.apply(
          1,
          seq,
          write({ type: 'create', topic: 't', config: { ...topic, partitions } }),
          0,
        ) as {
          result: { value: unknown };
        }
      ).result.value;
    expect(create(1, 3)).toMatchObject({ ok: true });
    expect(create(2, 3)).toMatchObject({ ok: true });
    expect(create(3, 4)).toMatchObject({ ok: false, code: 'topic-exists' });
    expect(def.read(m, read({ type: 'topics' }))).toEqual([['t', { ...topic, partitions: 3 }]]);
    const snap = roundTrip(m.snapshot());
    expect(def.isSnapshot(snap)).toBe(true);
    expect((def.restore(snap, limits) as MetaMachine).topics.get('t')?.partitions).toBe(3);
    expect(def.isSnapshot({ ...snap, topics: [['t', { partitions: 0 }]] })).toBe(false);
    expect(def.opProblem(write({ type: 'create', topic: '', config: topic }) as never)).toBeTypeOf(
      'string',
    );
  });
});
