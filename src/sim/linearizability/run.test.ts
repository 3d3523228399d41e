// simulate() checks an algorithm's client history once per run: a `linearizability` safety
// check and a `linearizable` metric, so `cohort sim` and `cohort fuzz` report it.

import { describe, expect, it } from 'vitest';
import { findAlgorithm } from '../../algorithms/registry.js';
import type { AnyAlgorithm, ClientHistory } from '../../core/algorithm.js';
import { simulate } from '../run.js';

const lock = findAlgorithm('testing/volatile-lock')!;

function withHistory(history: ClientHistory): AnyAlgorithm {
  return { ...lock, history: () => history };
}

const staleRead: ClientHistory = {
  model: 'kv',
  events: [
    { process: 0, type: 'invoke', f: 'write', key: 'x', value: 1, time: 0 },
    { process: 0, type: 'ok', f: 'write', key: 'x', value: 1, time: 5 },
    { process: 1, type: 'invoke', f: 'read', key: 'x', value: null, time: 6 },
    { process: 1, type: 'ok', f: 'read', key: 'x', value: null, time: 9 },
  ],
};

describe('simulate() and client histories', () => {
  it('adds no check or metric for algorithms without a history', () => {
    const { result } = simulate(lock);
    expect(result.invariants.map((c) => c.name)).not.toContain('linearizability');
    expect(result.metrics).not.toHaveProperty('linearizable');
  });

  it('reports a non-linearizable history as a safety violation with its explanation', () => {
    const { result } = simulate(withHistory(staleRead));
    const check = result.invariants.find((c) => c.name === 'linearizability');
    expect(check?.holds).toBe(false);
    expect(check?.violation).toMatch(/^not linearizable: stale read: process 1's read null/);
    expect(check?.violation).toMatch(/process 0 write 1 \(key x\): invoked at 0, ok at 5/);
    expect(result.metrics.linearizable).toBe(false);
    expect(result.ok).toBe(false);
  });

  it('passes a linearizable one, and flags a malformed one', () => {
    const good = { ...staleRead, events: staleRead.events.slice(0, 2) };
    const { result } = simulate(withHistory(good));
    expect(result.invariants.find((c) => c.name === 'linearizability')?.holds).toBe(true);
    expect(result.metrics.linearizable).toBe(true);
    const bad = { ...staleRead, events: staleRead.events.slice(1) };
    const broken = simulate(withHistory(bad)).result;
    expect(broken.invariants.find((c) => c.name === 'linearizability')?.violation).toMatch(
      /malformed client history at event 0/,
    );
  });

  it('checks consensus/raft runs: linearizable under faults', () => {
    const raft = findAlgorithm('consensus/raft')!;
    for (const seed of [1, 2]) {
      const { result } = simulate(raft, {
        seed,
        faults: 'crash 1 @500; restart 1 @1500; partition 1,2|3,4,5 @2000..3000; drop 0.02',
      });
      expect(result.invariants.find((c) => c.name === 'linearizability')?.holds).toBe(true);
      expect(result.metrics.linearizable).toBe(true);
    }
  });
});
