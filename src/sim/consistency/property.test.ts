// The checker against definitions by brute force and against the linearizability checker
// where the models overlap: every linearizable history satisfies every model down the
// ladder; with one process, sequential consistency is linearizability; the sequential
// search agrees with trying every interleaving; and linearizable histories made stale
// stay sequentially consistent.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ClientHistoryEvent } from '../../core/algorithm.js';
import { checkLinearizability } from '../linearizability/check.js';
import { generateHistory, withStaleRead } from '../linearizability/generate.js';
import { checkConsistency } from './check.js';
import { INITIAL, type PreparedHistory, prepareHistory } from './history.js';
import { sequentiallyConsistent } from './sequential.js';

const LADDER = [
  'sequential',
  'causal',
  'read-your-writes',
  'monotonic-reads',
  'monotonic-writes',
] as const;

/** Small differentiated histories: writes of fresh values, reads of nil or any of them. */
const smallDifferentiated = fc
  .array(
    fc.record({
      process: fc.integer({ min: 0, max: 2 }),
      write: fc.boolean(),
      key: fc.constantFrom('x', 'y'),
      pick: fc.nat(),
    }),
    { maxLength: 8 },
  )
  .map((steps) => {
    const events: ClientHistoryEvent[] = [];
    let fresh = 0;
    const written: Record<string, number[]> = { x: [], y: [] };
    steps.forEach((s, i) => {
      const f = s.write ? 'write' : 'read';
      const options = [null, ...written[s.key]!, 100 + s.pick];
      const value = s.write ? ++fresh : options[s.pick % options.length];
      if (s.write) written[s.key]!.push(value as number);
      const base = { process: s.process, f, key: s.key } as const;
      events.push({ ...base, type: 'invoke', value: s.write ? value : null, time: 2 * i });
      events.push({ ...base, type: 'ok', value, time: 2 * i + 1 });
    });
    return events;
  });

/** Sequential consistency by definition: try every interleaving of the sessions. */
function bruteSequential(h: PreparedHistory): boolean {
  const sessions = [...h.sessions.values()];
  const pos = sessions.map(() => 0);
  const cur = new Map<string, number>();
  const go = (): boolean => {
    if (sessions.every((ids, p) => pos[p] === ids.length)) return true;
    for (let p = 0; p < sessions.length; p++) {
      const id = sessions[p]![pos[p]!];
      if (id === undefined) continue;
      const op = h.ops[id]!;
      const before = cur.get(op.key) ?? INITIAL;
      if (op.reads !== null && h.readFrom.get(id) !== before) continue;
      if (op.writes !== null) cur.set(op.key, id);
      pos[p]!++;
      const ok = go();
      pos[p]!--;
      cur.set(op.key, before);
      if (ok) return true;
    }
    return false;
  };
  return go();
}

describe('the consistency checker by brute force and beside the linearizability checker', () => {
  it('agrees with every interleaving on small differentiated histories', () => {
    fc.assert(
      fc.property(smallDifferentiated, (events) => {
        const h = prepareHistory(events, 'kv');
        expect(sequentiallyConsistent(h, 1_000_000)).toBe(bruteSequential(h));
      }),
      { numRuns: 500, seed: 19 },
    );
  });

  it('finds every linearizable history consistent under every weaker model', () => {
    fc.assert(
      fc.property(smallDifferentiated, (events) => {
        if (checkLinearizability(events, 'kv').linearizable !== true) return;
        const r = checkConsistency(events, 'kv');
        for (const m of LADDER) expect(r.verdicts.find((v) => v.model === m)?.holds).toBe(true);
      }),
      { numRuns: 500, seed: 20 },
    );
  });

  it('equals linearizability for one process (no concurrency, no other order)', () => {
    fc.assert(
      fc.property(smallDifferentiated, (events) => {
        const one = events.map((e) => ({ ...e, process: 0 }));
        const lin = checkLinearizability(one, 'kv').linearizable;
        const seq = checkConsistency(one, 'kv', { models: ['sequential'] }).verdicts[0]?.holds;
        expect(seq).toBe(lin);
      }),
      { numRuns: 500, seed: 21 },
    );
  });

  it('keeps generated linearizable histories consistent, and their stale variants sequential', () => {
    for (let seed = 1; seed <= 20; seed++)
      for (const model of ['register', 'kv'] as const) {
        const history = generateHistory({ seed, operations: 120, model, values: 0 });
        const r = checkConsistency(history.events, model);
        for (const v of r.verdicts)
          if (v.model !== 'eventual')
            expect([seed, v.model, v.holds]).toEqual([seed, v.model, true]);
        const stale = withStaleRead(history);
        if (stale === undefined) continue;
        const s = checkConsistency(stale.events, model, {
          models: ['linearizable', 'sequential'],
        });
        expect(s.verdicts.map((v) => v.holds)).toEqual([false, true]);
      }
  });
});
