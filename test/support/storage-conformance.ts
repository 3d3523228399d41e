// One storage conformance suite, run against every DurableStorage (Hono's pattern,
// STYLE.md §3): the in-memory storage, the write-ahead log, and the simulator's storage.
// `create` makes a fresh, empty storage; durable implementations also give `reopen`, which
// opens the same durable state again after the previous instance was closed (or, for a
// simulated disk, crashed). The durable cases are registered only for implementations with
// `reopen`: a storage that keeps nothing across a restart (MemoryStorage) does not claim them.
//
// What every implementation must do: get/set/delete/keys (keys sorted, filtered by prefix),
// copies on set and on get (a caller cannot change what is stored), a step's writes visible
// to its own reads before any sync, sync after close rejects; and, when durable, whole
// sealed steps across reopen and unsealed writes never.

import { describe, expect, it } from 'vitest';
import { roundTrip } from '../../src/core/codec.js';

/** What the suite needs of a storage (DurableStorage, structurally). */
export interface ConformingStorage {
  get<T>(key: string): T | undefined;
  set(key: string, value: unknown): void;
  delete(key: string): void;
  keys(prefix?: string): string[];
  endStep(): void;
  sync(): Promise<void>;
  close(): Promise<void>;
}

export interface StorageConformanceOptions<S extends ConformingStorage> {
  readonly name: string;
  /** A fresh, empty storage. */
  create(): S | Promise<S>;
  /** The same durable state, opened again after `previous` was closed by the test. */
  reopen?(previous: S): S | Promise<S>;
}

type Case<S> = (storage: S, o: StorageConformanceOptions<S & ConformingStorage>) => Promise<void>;

const stateOf = (s: ConformingStorage) => Object.fromEntries(s.keys().map((k) => [k, s.get(k)]));

async function step(s: ConformingStorage, body: () => void): Promise<void> {
  body();
  s.endStep();
  await s.sync();
}

const cases: Record<string, { durable?: boolean; run: Case<ConformingStorage> }> = {
  'get, set and delete': {
    async run(s) {
      expect(s.get('a')).toBeUndefined();
      await step(s, () => {
        s.set('a', 1);
        s.set('b', { x: [1, 'two', null] });
      });
      expect(s.get('a')).toBe(1);
      expect(s.get('b')).toEqual({ x: [1, 'two', null] });
      await step(s, () => {
        s.set('a', 'again');
        s.delete('b');
        s.delete('never-set');
      });
      expect(stateOf(s)).toEqual({ a: 'again' });
    },
  },
  'keys are sorted and filtered by prefix': {
    async run(s) {
      await step(s, () => {
        for (const k of ['log/3', 'hard', 'log/10', 'log/1', 'logs', 'a/log/2']) s.set(k, k);
      });
      expect(s.keys()).toEqual(['a/log/2', 'hard', 'log/1', 'log/10', 'log/3', 'logs']);
      expect(s.keys('log/')).toEqual(['log/1', 'log/10', 'log/3']);
      expect(s.keys('zzz')).toEqual([]);
      await step(s, () => s.delete('log/10'));
      expect(s.keys('log/')).toEqual(['log/1', 'log/3']);
    },
  },
  'set copies the value, and get hands out copies': {
    async run(s) {
      const value = { list: [1] };
      s.set('k', value);
      value.list.push(2);
      expect(s.get('k')).toEqual({ list: [1] });
      s.get<{ list: number[] }>('k')?.list.push(3);
      expect(s.get('k')).toEqual({ list: [1] });
      s.endStep();
      await s.sync();
    },
  },
  'values come back as the codec gives them, before and after a sync': {
    async run(s) {
      s.set('zero', -0);
      s.set('text', 'a\ud800b'); // A lone surrogate: UTF-8 has no encoding for it.
      s.set('list', [-0, 'x']);
      const expected = { zero: 0, text: roundTrip('a\ud800b'), list: [0, 'x'] };
      expect(expected.text).not.toBe('a\ud800b');
      expect(Object.is(s.get('zero'), 0)).toBe(true);
      expect(stateOf(s)).toEqual(expected);
      s.endStep();
      await s.sync();
      expect(stateOf(s)).toEqual(expected);
    },
  },
  "a step's writes are visible to its own reads before it is sealed or synced": {
    async run(s) {
      s.set('a', 1);
      s.set('b', 2);
      s.delete('a');
      expect(s.get('a')).toBeUndefined();
      expect(s.get('b')).toBe(2);
      expect(s.keys()).toEqual(['b']);
      s.endStep();
      expect(s.get('b')).toBe(2);
      await s.sync();
    },
  },
  'sync with nothing to write resolves; an empty step is harmless': {
    async run(s) {
      await s.sync();
      s.endStep();
      s.endStep();
      await s.sync();
      expect(s.keys()).toEqual([]);
    },
  },
  'sync after close rejects, and writes after close throw': {
    async run(s) {
      await step(s, () => s.set('a', 1));
      await s.close();
      await expect(s.sync()).rejects.toThrow(/closed/);
      expect(() => s.set('b', 2)).toThrow(/closed/);
    },
  },
  'synced steps survive a reopen, in full': {
    durable: true,
    async run(s, o) {
      await step(s, () => {
        s.set('a', { n: 1 });
        s.set('b', [1, 2, 3]);
      });
      await step(s, () => {
        s.delete('a');
        s.set('c/1', 'x');
      });
      await s.close();
      const again = await reopened(o, s);
      expect(stateOf(again)).toEqual({ b: [1, 2, 3], 'c/1': 'x' });
      await again.close();
    },
  },
  'a step is atomic across reopen: sealed steps whole, unsealed writes never': {
    durable: true,
    async run(s, o) {
      await step(s, () => s.set('before', 1));
      // A step that never ended (its body threw): nothing of it may survive.
      s.set('half-1', 1);
      s.delete('before');
      s.set('half-2', 2);
      await s.sync();
      await s.close();
      const again = await reopened(o, s);
      expect(stateOf(again)).toEqual({ before: 1 });
      // A sealed step of many writes comes back whole.
      await step(again, () => {
        for (let i = 0; i < 64; i++) again.delete(`log/${i}`);
        for (let i = 0; i < 64; i++) again.set(`log/${i + 64}`, i);
        again.set('snapshot', { index: 64 });
      });
      await again.close();
      const third = await reopened(o, again);
      expect(third.keys('log/')).toHaveLength(64);
      expect(third.get('snapshot')).toEqual({ index: 64 });
      await third.close();
    },
  },
};

async function reopened<S extends ConformingStorage>(
  o: StorageConformanceOptions<S>,
  previous: S,
): Promise<S> {
  if (o.reopen === undefined) throw new Error('durable cases run only with reopen');
  return o.reopen(previous);
}

/** Registers the suite for one implementation. */
export function runStorageConformance<S extends ConformingStorage>(
  o: StorageConformanceOptions<S>,
): void {
  const durable = o.reopen !== undefined;
  describe(`storage conformance: ${o.name}${durable ? '' : ' (not durable)'}`, () => {
    for (const [name, c] of Object.entries(cases)) {
      if (c.durable === true && !durable) continue;
      it(name, async () => {
        const storage = await o.create();
        try {
          await c.run(storage, o as unknown as StorageConformanceOptions<ConformingStorage>);
        } finally {
          await storage.close();
        }
      });
    }
  });
}
