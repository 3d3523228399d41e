// Property tests against a reference model that keeps the whole key space at every revision
// (a Map per revision, no cleverness): random puts, deletes, range deletes, guarded txns and
// compactions. After every step, reads at any revision the machine still serves equal the
// model's (so compaction never changes a read at or after the compact revision), older
// ones are refused, and replaying `events(from)` on the model's state at from - 1 gives the
// current state. A second property checks that snapshot → codec → restore yields a machine
// that answers every later command exactly as the original does.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decode, encode } from '../../core/codec.js';
import { EtcdError } from '../errors.js';
import { MvccMachine } from './machine.js';
import { b, s } from './test-helpers.js';
import type { Event } from './types.js';

interface ModelKv {
  readonly value: string;
  readonly create: number;
  readonly mod: number;
  readonly version: number;
}
type State = Map<string, ModelKv>;

type Op =
  | { readonly t: 'put'; readonly key: string; readonly value: string }
  | { readonly t: 'del'; readonly key: string; readonly end?: string }
  | {
      readonly t: 'txn';
      readonly guard: string;
      readonly version: number;
      readonly puts: readonly string[];
      readonly del: string;
    }
  | { readonly t: 'compact'; readonly back: number }
  | { readonly t: 'restore' };

const keyArb = fc.constantFrom('a', 'b', 'c', 'd', 'a\u0000', '\u00ff');
const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      t: fc.constant('put' as const),
      key: keyArb,
      value: fc.constantFrom('x', 'y', ''),
    }),
  },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('del' as const), key: keyArb }) },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant('del' as const),
      key: keyArb,
      end: fc.constantFrom('c', '\u0000', 'zz'),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('txn' as const),
      guard: keyArb,
      version: fc.integer({ min: 0, max: 2 }),
      puts: fc.uniqueArray(keyArb, { maxLength: 3 }),
      del: keyArb,
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant('compact' as const),
      back: fc.integer({ min: 0, max: 4 }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ t: 'restore' as const }) },
);

const inRange = (key: string, start: string, end: string | undefined) =>
  end === undefined ? key === start : key >= start && (end === '\u0000' || key < end);

/** The model: states[r] is the key space at revision r. */
class Model {
  readonly states: State[] = [new Map(), new Map()]; // Revisions 0 (unused) and 1.
  get revision() {
    return this.states.length - 1;
  }
  get current(): State {
    return this.states[this.revision] as State;
  }

  /** Applies writes at revision + 1 on a copy; commits a revision only if something changed. */
  write(body: (s: State, rev: number) => boolean): void {
    const next = new Map(this.current);
    if (body(next, this.revision + 1)) this.states.push(next);
  }

  static put(st: State, rev: number, key: string, value: string): boolean {
    const prev = st.get(key);
    st.set(key, {
      value,
      create: prev?.create ?? rev,
      mod: rev,
      version: (prev?.version ?? 0) + 1,
    });
    return true;
  }

  static del(st: State, key: string, end: string | undefined): boolean {
    let changed = false;
    for (const k of [...st.keys()]) if (inRange(k, key, end) && st.delete(k)) changed = true;
    return changed;
  }
}

/** A write's own events are the history's events at its revision (none if it changed nothing). */
function expectEventsLogged(m: MvccMachine, before: number, events: readonly Event[]): void {
  if (m.revision === before) expect(events).toEqual([]);
  else expect(norm(events)).toEqual(norm(m.events(m.revision, m.revision)));
}

function applyBoth(m: MvccMachine, model: Model, op: Op): MvccMachine {
  const before = m.revision;
  switch (op.t) {
    case 'put':
      expectEventsLogged(m, before, m.put({ key: b(op.key), value: b(op.value) }).events);
      model.write((st, rev) => Model.put(st, rev, op.key, op.value));
      return m;
    case 'del': {
      const { key, end } = op;
      const span = end === undefined ? { key: b(key) } : { key: b(key), rangeEnd: b(end) };
      expectEventsLogged(m, before, m.deleteRange(span).events);
      model.write((st) => Model.del(st, key, end));
      return m;
    }
    case 'txn': {
      const del = op.puts.includes(op.del) ? [] : [{ requestDeleteRange: { key: b(op.del) } }];
      const r = m.txn({
        compare: [{ key: b(op.guard), target: 'VERSION', result: 'EQUAL', version: op.version }],
        success: [...op.puts.map((k) => ({ requestPut: { key: b(k), value: b('t') } })), ...del],
        failure: [{ requestPut: { key: b(op.guard), value: b('f') } }],
      });
      expectEventsLogged(m, before, r.events);
      const holds = (model.current.get(op.guard)?.version ?? 0) === op.version;
      model.write((st, rev) => {
        if (!holds) return Model.put(st, rev, op.guard, 'f');
        let changed = false;
        for (const k of op.puts) changed = Model.put(st, rev, k, 't') || changed;
        if (del.length > 0) changed = Model.del(st, op.del, undefined) || changed;
        return changed;
      });
      return m;
    }
    case 'compact': {
      const rev = Math.max(1, model.revision - op.back);
      if (rev <= m.compactRevision) {
        expect(() => m.compact({ revision: rev })).toThrow(EtcdError);
      } else {
        m.compact({ revision: rev });
      }
      return m;
    }
    case 'restore':
      return MvccMachine.restore(decode(encode(m.snapshot())));
  }
}

const read = (m: MvccMachine, revision: number) =>
  m
    .range({ key: b('\u0000'), rangeEnd: b('\u0000'), revision })
    .kvs.map((kv) => [
      s(kv.key),
      { value: s(kv.value), create: kv.createRevision, mod: kv.modRevision, version: kv.version },
    ]);
const modelRead = (st: State) => [...st.entries()].sort(([x], [y]) => (x < y ? -1 : 1));

function checkAgainst(m: MvccMachine, model: Model, from: number): void {
  expect(m.revision).toBe(model.revision);
  const oldest = Math.max(1, m.compactRevision);
  for (let r = oldest; r <= model.revision; r++) {
    expect(read(m, r)).toEqual(modelRead(model.states[r] as State));
  }
  if (oldest > 1) expect(() => read(m, oldest - 1)).toThrow('compacted');
  // Replaying history from `from` on the model's state just before it gives the present.
  const start = Math.max(from, oldest, 1);
  const replay = new Map(model.states[start - 1] ?? new Map());
  for (const e of m.events(start)) {
    const key = s(e.kv.key);
    if (e.type === 'DELETE') replay.delete(key);
    else {
      const { createRevision: create, modRevision: mod, version } = e.kv;
      replay.set(key, { value: s(e.kv.value), create, mod, version });
    }
  }
  expect(modelRead(replay)).toEqual(modelRead(model.current));
}

/** Plain data for comparing answers: bytes and bigints spelled out. */
function norm(x: unknown): unknown {
  if (x instanceof Uint8Array) return `bytes:${s(x)}`;
  if (typeof x === 'bigint') return `n:${x}`;
  if (Array.isArray(x)) return x.map(norm);
  if (x !== null && typeof x === 'object') {
    return Object.fromEntries(Object.entries(x).map(([k, v]) => [k, norm(v)]));
  }
  return x;
}

describe('MVCC machine against a reference model', () => {
  it('reads at every retained revision, refuses older ones, and replays its history', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 40 }), fc.nat(), (ops, seed) => {
        let m = MvccMachine.create();
        const model = new Model();
        ops.forEach((op, i) => {
          m = applyBoth(m, model, op);
          checkAgainst(m, model, 1 + ((seed + i) % (model.revision + 1)));
        });
      }),
      { numRuns: 200 },
    );
  });

  it('a restored snapshot answers every later command as the original', () => {
    fc.assert(
      fc.property(
        fc.array(opArb, { maxLength: 25 }),
        fc.array(opArb, { maxLength: 25 }),
        (before, after) => {
          let m = MvccMachine.create();
          const model = new Model();
          for (const op of before) m = applyBoth(m, model, op);
          const copy = MvccMachine.restore(decode(encode(m.snapshot())));
          const twin = new Model();
          twin.states.splice(0, twin.states.length, ...model.states);
          const answers = (machine: MvccMachine, mdl: Model) => {
            let cur = machine;
            const out: unknown[] = [];
            for (const op of after) {
              if (op.t === 'restore') continue; // Both sides would restore; pointless here.
              const before = cur.revision;
              cur = applyBoth(cur, mdl, op);
              out.push(norm(cur.events(Math.max(before + 1, cur.compactRevision))));
              out.push(norm(cur.range({ key: b('\u0000'), rangeEnd: b('\u0000') })));
              out.push(cur.hashKV(0));
            }
            return { out, snapshot: norm(cur.snapshot()) };
          };
          expect(answers(copy, twin)).toEqual(answers(m, model));
        },
      ),
      { numRuns: 100 },
    );
  });

  it('compacts to the same state through the log or by walking the tree', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 40 }), fc.nat(), (ops, back) => {
        let m = MvccMachine.create();
        const model = new Model();
        for (const op of ops) m = applyBoth(m, model, op);
        const rev = Math.max(m.compactRevision + 1, m.revision - (back % 6));
        if (rev > m.revision) return;
        const viaLog = MvccMachine.restore(m.snapshot());
        const viaWalk = MvccMachine.restore(m.snapshot());
        viaLog.store.compact(rev, 'log');
        viaWalk.store.compact(rev, 'walk');
        expect(norm(viaLog.snapshot())).toEqual(norm(viaWalk.snapshot()));
        expect(viaLog.store.log).toEqual(viaWalk.store.log);
      }),
      { numRuns: 200 },
    );
  });
});
