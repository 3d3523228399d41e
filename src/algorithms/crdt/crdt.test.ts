// The CRDTs' laws, by property (fast-check): over states reached by random updates at three
// replicas and random merges between them, each merge is commutative, associative and
// idempotent, `leq` is the join's order, deltas shipped in any order with duplicates
// rebuild the replica that made them (Almeida et al.'s δ-mutator law), every reachable state
// survives the codec and its own parser, and junk never parses. Then the semantics: a
// counter's value is the sum of its increments, the OR-set's add wins over a concurrent
// remove, and the register keeps the write with the larger timestamp.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { roundTrip } from '../../core/codec.js';
import { gCounter } from './g-counter.js';
import { type LwwRegister, lwwNextTs, lwwRegister } from './lww-register.js';
import { type OrSetOp, orSet, orSetHas } from './or-set.js';
import { pnCounter } from './pn-counter.js';
import { type Crdt, mutate } from './types.js';

const REPLICAS = 3;

type Action<Op> =
  | { readonly kind: 'op'; readonly r: number; readonly op: Op }
  | { readonly kind: 'sync'; readonly from: number; readonly to: number };

interface Run<S> {
  readonly states: S[];
  /** Each replica's deltas in the order it made them, and its states after each. */
  readonly deltas: S[][];
}

/** Plays `actions` on REPLICAS replicas (node r+1), each numbering its own updates. */
function play<S, Op>(t: Crdt<S, Op>, actions: readonly Action<Op>[], stamp?: (s: S, op: Op) => Op) {
  const states = Array.from({ length: REPLICAS }, () => t.bottom());
  const deltas: S[][] = Array.from({ length: REPLICAS }, () => []);
  const seqs = new Array<number>(REPLICAS).fill(0);
  for (const a of actions) {
    if (a.kind === 'sync') {
      states[a.to] = t.merge(states[a.to] as S, states[a.from] as S);
      continue;
    }
    const s = states[a.r] as S;
    seqs[a.r] = (seqs[a.r] ?? 0) + 1;
    const op = stamp ? stamp(s, a.op) : a.op;
    const m = mutate(t, s, op, { node: a.r + 1, seq: seqs[a.r] as number });
    states[a.r] = m.state;
    deltas[a.r]?.push(m.delta);
  }
  return { states, deltas } satisfies Run<S>;
}

function actions<Op>(op: fc.Arbitrary<Op>): fc.Arbitrary<Action<Op>[]> {
  const r = fc.integer({ min: 0, max: REPLICAS - 1 });
  return fc.array(
    fc.oneof(
      fc.record({ kind: fc.constant('op' as const), r, op }),
      fc.record({ kind: fc.constant('sync' as const), from: r, to: r }),
    ),
    { maxLength: 40 },
  );
}

interface Case<S, Op> {
  readonly t: Crdt<S, Op>;
  readonly op: fc.Arbitrary<Op>;
  readonly stamp?: (s: S, op: Op) => Op;
}

const element = fc.constantFrom('a', 'b', 'c', 'd');
const cases: Case<unknown, unknown>[] = [
  { t: gCounter, op: fc.record({ by: fc.integer({ min: 1, max: 5 }) }) },
  { t: pnCounter, op: fc.record({ by: fc.integer({ min: -5, max: 5 }).filter((x) => x !== 0) }) },
  {
    t: orSet,
    op: fc.oneof(
      fc.record({ kind: fc.constant('add' as const), element }),
      fc.record({ kind: fc.constant('remove' as const), element }),
    ),
  },
  {
    t: lwwRegister,
    // Clocks are arbitrary (they drift); the writer stamps above what it has seen.
    op: fc.record({ value: fc.oneof(fc.string({ maxLength: 3 }), fc.integer()), ts: fc.nat(50) }),
    stamp: (s: LwwRegister, op: { value: string | number; ts: number }) => ({
      value: op.value,
      ts: lwwNextTs(s, op.ts),
    }),
  },
] as never;

describe.each(cases.map((c) => [c.t.name, c] as const))('CRDT %s', (_name, c) => {
  const { t } = c;
  const run = (a: Action<unknown>[]) => play(t, a, c.stamp);
  const three = actions(c.op).map(run);

  it('merge is commutative, associative and idempotent', () => {
    fc.assert(
      fc.property(three, ({ states: [a, b, x] }) => {
        expect(t.merge(a, b)).toEqual(t.merge(b, a));
        expect(t.merge(t.merge(a, b), x)).toEqual(t.merge(a, t.merge(b, x)));
        expect(t.merge(a, a)).toEqual(a);
        expect(t.equals(t.merge(a, b), t.merge(b, a))).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('leq is the order of the join; bottom is least', () => {
    fc.assert(
      fc.property(three, ({ states: [a, b] }) => {
        const j = t.merge(a, b);
        expect(t.leq(a, j) && t.leq(b, j)).toBe(true);
        expect(t.leq(a, b)).toBe(t.equals(t.merge(a, b), b));
        expect(t.leq(t.bottom(), a)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('deltas joined in any order, with duplicates, rebuild the replica that made them', () => {
    const arb = fc.tuple(
      fc.array(c.op, { minLength: 1, maxLength: 30 }),
      fc.array(fc.nat(), { maxLength: 60 }),
    );
    fc.assert(
      fc.property(arb, ([ops, order]) => {
        const { states, deltas } = run(ops.map((op) => ({ kind: 'op', r: 0, op })));
        const ds = deltas[0] as unknown[];
        // Every delta once, plus redundant copies, in an order fast-check chooses.
        const shipped = [...ds, ...order.map((i) => ds[i % ds.length])];
        for (let i = shipped.length - 1; i > 0; i--) {
          const j = (order[i % Math.max(1, order.length)] ?? 0) % (i + 1);
          [shipped[i], shipped[j]] = [shipped[j], shipped[i]];
        }
        const rebuilt = shipped.reduce((s, d) => t.merge(s, d), t.bottom());
        expect(t.equals(rebuilt, states[0])).toBe(true);
        for (const d of ds) expect(t.leq(d, states[0])).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });

  it('every reachable state survives the codec and parses as itself; junk never does', () => {
    fc.assert(
      fc.property(three, ({ states }) => {
        for (const s of states) expect(t.parse(roundTrip(s), REPLICAS)).toEqual(s);
      }),
      { numRuns: 1000 },
    );
    fc.assert(
      fc.property(fc.anything(), (junk) => {
        const parsed = t.parse(junk, REPLICAS);
        if (parsed !== undefined) expect(t.leq(parsed, t.merge(parsed, t.bottom()))).toBe(true);
      }),
      { numRuns: 1000 },
    );
    for (const bad of [null, [], 'x', 7, { ['__proto__']: 1 }])
      expect(t.parse(bad)).toBe(undefined);
  });
});

describe('CRDT semantics', () => {
  const incs = fc.array(
    fc.record({
      r: fc.integer({ min: 0, max: REPLICAS - 1 }),
      by: fc.integer({ min: -9, max: 9 }),
    }),
    { maxLength: 40 },
  );

  it("counters: after every replica has merged every other, the value is the increments' sum", () => {
    fc.assert(
      fc.property(incs, (xs) => {
        const pn = play(
          pnCounter,
          xs.filter((x) => x.by !== 0).map((x) => ({ kind: 'op', ...x, op: { by: x.by } })),
        );
        const g = play(
          gCounter,
          xs.filter((x) => x.by > 0).map((x) => ({ kind: 'op', ...x, op: { by: x.by } })),
        );
        const all = <S>(t: Crdt<S, unknown>, ss: S[]) =>
          ss.reduce((a, b) => t.merge(a, b), t.bottom());
        expect(pnCounter.value(all(pnCounter as never, pn.states))).toBe(
          xs.reduce((sum, x) => sum + x.by, 0),
        );
        expect(gCounter.value(all(gCounter as never, g.states))).toBe(
          xs.filter((x) => x.by > 0).reduce((sum, x) => sum + x.by, 0),
        );
      }),
    );
  });

  it('OR-set: a remove takes only what it observed, so a concurrent add wins', () => {
    const add = (e: string): OrSetOp => ({ kind: 'add', element: e });
    const rm = (e: string): OrSetOp => ({ kind: 'remove', element: e });
    // Replica 1 adds x and syncs to 2; then 2 removes x while 1 adds x again, concurrently.
    const { states } = play(orSet, [
      { kind: 'op', r: 0, op: add('x') },
      { kind: 'sync', from: 0, to: 1 },
      { kind: 'op', r: 1, op: rm('x') },
      { kind: 'op', r: 0, op: add('x') },
    ]);
    expect(orSetHas(states[1] as never, 'x')).toBe(false);
    const merged = orSet.merge(states[0] as never, states[1] as never);
    expect(orSetHas(merged, 'x')).toBe(true);
    // Without the concurrent add the remove holds everywhere.
    const seq = play(orSet, [
      { kind: 'op', r: 0, op: add('x') },
      { kind: 'sync', from: 0, to: 1 },
      { kind: 'op', r: 1, op: rm('x') },
    ]);
    expect(orSetHas(orSet.merge(seq.states[0] as never, seq.states[1] as never), 'x')).toBe(false);
  });

  it('OR-set on one replica behaves as a set', () => {
    const ops = fc.array(
      fc.record({ kind: fc.constantFrom('add' as const, 'remove' as const), element }),
      { maxLength: 40 },
    );
    fc.assert(
      fc.property(ops, (xs) => {
        const { states } = play(
          orSet,
          xs.map((op) => ({ kind: 'op', r: 0, op })),
        );
        const model = new Set<string>();
        for (const x of xs) x.kind === 'add' ? model.add(x.element) : model.delete(x.element);
        expect(orSet.value(states[0] as never)).toEqual([...model].sort());
      }),
    );
  });

  it('LWW-register: the larger timestamp wins, and the writer id breaks ties', () => {
    const w = (value: string, ts: number, node: number) =>
      lwwRegister.delta(lwwRegister.bottom(), { value, ts }, { node, seq: 1 });
    expect(lwwRegister.value(lwwRegister.merge(w('old', 5, 3), w('new', 9, 1)))).toBe('new');
    expect(lwwRegister.value(lwwRegister.merge(w('a', 5, 1), w('b', 5, 2)))).toBe('b');
    expect(lwwNextTs(w('x', 100, 1), 40)).toBe(101);
  });
});
