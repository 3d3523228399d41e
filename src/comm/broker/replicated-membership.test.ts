// Consumer groups in the replicated broker's machines (replicated-membership.ts inside the
// metadata machine, the fence in the partition machine), as Raft applies them with the log
// time of each entry: joins and leaves bump the generation and split the partitions as the
// single-broker assignor does, heartbeats move a member's deadline, expiry removes only
// members whose deadline passed by the entry's log time, the fence query refuses an old
// generation, an unknown member and a partition not assigned, a partition refuses a commit
// from a generation older than one that committed there, snapshots (through the codec)
// restore equal groups, and malformed operations and snapshots are refused.

import { describe, expect, it } from 'vitest';
import type { MachineOp } from '../../algorithms/consensus/raft/machine.js';
import { roundTrip } from '../../core/codec.js';
import { assign } from './assign.js';
import { brokerConfig } from './config.js';
import { type PartitionMachine, partitionMachineDef } from './replicated-machine.js';
import { type MetaMachine, metaMachineDef } from './replicated-meta.js';

const limits = { sessionTimeoutMs: 600_000, maxSessions: 64 };
const config = brokerConfig({ maxMembersPerGroup: 3 });
const topic = { partitions: 4, retentionBytes: 0, retentionMs: 0 };
const write = (op: unknown): MachineOp => ({ type: 'machine', read: false, op });
const read = (op: unknown): MachineOp => ({ type: 'machine', read: true, op });

/** A metadata machine with topics t (4 partitions) and u (2), applying at explicit log times. */
function meta() {
  const def = metaMachineDef(config);
  const m = def.restore(def.emptySnapshot, limits) as MetaMachine;
  let seq = 0;
  const apply = (op: unknown, atMs: number) => {
    const out = m.apply(1, ++seq, write(op), atMs);
    expect(out.kind).toBe('applied');
    return (out as { result: { value: unknown } }).result.value as Record<string, unknown>;
  };
  apply({ type: 'create', topic: 't', config: topic }, 0);
  apply({ type: 'create', topic: 'u', config: { ...topic, partitions: 2 } }, 0);
  const join = (member: string, atMs: number, topics = ['t'], sessionTimeoutMs = 1000) =>
    apply({ type: 'join', group: 'g', member, topics, sessionTimeoutMs, assignor: 'range' }, atMs);
  const fence = (member: string, generation: number, partition: number, t = 't') =>
    def.read(m, read({ type: 'fence', group: 'g', member, generation, topic: t, partition }));
  return { def, m, apply, join, fence };
}

const parts = (r: Record<string, unknown>) =>
  (r.partitions as { topic: string; partition: number }[]).map((p) => `${p.topic}/${p.partition}`);

describe('replicated consumer groups (metadata machine)', () => {
  it('bumps the generation on each membership change and assigns as the single-broker assignor', () => {
    const { join, apply } = meta();
    expect(join('a', 0)).toMatchObject({ ok: true, generation: 1 });
    expect(parts(join('a', 10))).toEqual(['t/0', 't/1', 't/2', 't/3']);
    // A join again with the same topics (a retry) is no rebalance.
    expect(join('a', 20)).toMatchObject({ generation: 1 });
    const b = join('b', 30);
    expect(b).toMatchObject({ generation: 2 });
    const expected = assign(
      'range',
      [
        { id: 'a', topics: ['t'] },
        { id: 'b', topics: ['t'] },
      ],
      new Map([['t', 4]]),
    );
    expect(parts(b)).toEqual(expected.get('b')?.map((p) => `${p.topic}/${p.partition}`));
    expect(parts(apply({ type: 'heartbeat', group: 'g', member: 'a' }, 40))).toEqual([
      't/0',
      't/1',
    ]);
    // Another topic for b: a rebalance; its partitions of u are b's alone.
    expect(parts(join('b', 50, ['t', 'u']))).toEqual(['t/2', 't/3', 'u/0', 'u/1']);
    expect(apply({ type: 'leave', group: 'g', member: 'b' }, 60)).toMatchObject({ ok: true });
    expect(apply({ type: 'heartbeat', group: 'g', member: 'a' }, 70)).toMatchObject({
      generation: 4,
      partitions: [0, 1, 2, 3].map((partition) => ({ topic: 't', partition })),
    });
    expect(apply({ type: 'heartbeat', group: 'g', member: 'b' }, 80)).toMatchObject({
      ok: false,
      code: 'unknown-member',
    });
  });

  it('expires only members whose deadline passed by the log time of the expiry', () => {
    const { join, apply, m } = meta();
    join('a', 0);
    join('b', 0, ['t'], 5000);
    apply({ type: 'heartbeat', group: 'g', member: 'a' }, 900); // a's deadline: 1900.
    // The leader named both at log time 1500: a's heartbeat saved it, b is within 5000.
    expect(apply({ type: 'expire', group: 'g', members: ['a', 'b'] }, 1500)).toEqual({
      ok: true,
      expired: 0,
    });
    expect(m.membership.overdue(2000, 0).map((o) => o.members)).toEqual([['a']]);
    // A leader elected at 1500 waits a session timeout before naming anyone.
    expect(m.membership.overdue(2000, 1500)).toEqual([]);
    expect(apply({ type: 'expire', group: 'g', members: ['a'] }, 2000)).toEqual({
      ok: true,
      expired: 1,
    });
    expect(apply({ type: 'heartbeat', group: 'g', member: 'b' }, 2100)).toMatchObject({
      generation: 3,
      partitions: [0, 1, 2, 3].map((partition) => ({ topic: 't', partition })),
    });
  });

  it('fences by generation, membership and assignment', () => {
    const { join, fence } = meta();
    join('a', 0);
    expect(fence('a', 1, 3)).toMatchObject({ ok: true, generation: 1 });
    join('b', 10);
    expect(fence('a', 1, 3)).toMatchObject({ ok: false, code: 'illegal-generation' });
    expect(fence('a', 2, 3)).toMatchObject({ ok: false, code: 'not-assigned' });
    expect(fence('a', 2, 1)).toMatchObject({ ok: true });
    expect(fence('z', 2, 1)).toMatchObject({ ok: false, code: 'unknown-member' });
  });

  it('refuses unknown topics, bad timeouts, a full group and a mismatched assignor', () => {
    const { join, apply } = meta();
    expect(join('a', 0, ['nope'])).toMatchObject({ ok: false, code: 'unknown-topic' });
    expect(join('a', 0, ['t'], 1)).toMatchObject({ ok: false, code: 'invalid-argument' });
    join('a', 0);
    join('b', 0);
    join('c', 0);
    expect(join('d', 0)).toMatchObject({ ok: false, code: 'limit-exceeded' });
    const rr = { type: 'join', group: 'g', member: 'a', topics: ['t'], sessionTimeoutMs: 1000 };
    expect(apply({ ...rr, assignor: 'round-robin' }, 0)).toMatchObject({
      ok: false,
      code: 'invalid-argument',
    });
  });

  it('restores equal groups from a snapshot, and refuses malformed input', () => {
    const { def, m, join } = meta();
    join('a', 0);
    join('b', 5, ['t', 'u'], 3000);
    const snap = roundTrip(m.snapshot());
    expect(def.isSnapshot(snap)).toBe(true);
    const copy = def.restore(snap, limits) as MetaMachine;
    expect(copy.snapshot()).toEqual(m.snapshot());
    expect(copy.membership.groups.get('g')?.assignment).toEqual(
      m.membership.groups.get('g')?.assignment,
    );
    const bad = (groups: unknown) => def.isSnapshot({ ...(snap as object), groups });
    expect(bad([['g', 'range', 1, [['a', ['t'], 1000, 0]]]])).toBe(true);
    expect(bad([['g', 'sticky', 1, []]])).toBe(false);
    expect(bad([['g', 'range', -1, []]])).toBe(false);
    expect(
      bad([
        [
          'g',
          'range',
          1,
          [
            ['a', ['t'], 1000, 0],
            ['a', ['t'], 1000, 0],
          ],
        ],
      ]),
    ).toBe(false);
    for (const op of [
      {
        type: 'join',
        group: 'g',
        member: 'a',
        topics: [],
        sessionTimeoutMs: 1000,
        assignor: 'range',
      },
      { type: 'join', group: 'g', member: 'a', topics: ['t'], sessionTimeoutMs: 1000 },
      { type: 'heartbeat', group: 'bad name', member: 'a' },
      { type: 'expire', group: 'g', members: 'a' },
    ])
      expect(def.opProblem(write(op) as never)).toBeTypeOf('string');
    expect(def.opProblem(write({ type: 'fence', group: 'g', member: 'a' }) as never)).toMatch(
      /read/,
    );
  });
});

describe('replicated consumer groups (partition fence)', () => {
  function partition() {
    const def = partitionMachineDef(topic, config);
    const m = def.restore(def.emptySnapshot, limits) as PartitionMachine;
    let seq = 0;
    const apply = (op: unknown) =>
      (m.apply(1, ++seq, write(op), 0) as { result: { value: unknown } }).result.value;
    apply({ type: 'append', messages: [1, 2, 3, 4].map(() => ({ k: null, v: Buffer.from('x') })) });
    return { def, m, apply };
  }

  it('refuses a commit from a generation older than one that committed here', () => {
    const { def, m, apply } = partition();
    expect(apply({ type: 'commit', group: 'g', offset: 2, generation: 3 })).toMatchObject({
      ok: true,
    });
    expect(apply({ type: 'commit', group: 'g', offset: 1, generation: 2 })).toMatchObject({
      ok: false,
      code: 'illegal-generation',
    });
    expect(apply({ type: 'commit', group: 'g', offset: 3, generation: 3 })).toMatchObject({
      ok: true,
    });
    // Another group has its own fence; a commit without a generation is not fenced.
    expect(apply({ type: 'commit', group: 'h', offset: 1, generation: 1 })).toMatchObject({
      ok: true,
    });
    expect(def.read(m, read({ type: 'committed', group: 'g' }))).toEqual({ ok: true, offset: 3 });
    // The fence survives a snapshot.
    const copy = def.restore(roundTrip(m.snapshot()), limits);
    expect(copy.snapshot()).toEqual(m.snapshot());
    const again = copy.apply(
      2,
      1,
      write({ type: 'commit', group: 'g', offset: 4, generation: 2 }),
      0,
    );
    expect(again).toMatchObject({ result: { value: { ok: false, code: 'illegal-generation' } } });
    expect(
      def.opProblem(write({ type: 'commit', group: 'g', offset: 1, generation: -1 }) as never),
    ).toBeTypeOf('string');
  });
});
