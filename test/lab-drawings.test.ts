// The stage's drawings without a browser (issue 22): watching timers for the rings changes
// nothing in a run (same trace hash as the CLI's, for each drawn algorithm), the book of
// pending timers matches what fires next, and every declared drawing recognises the states
// its algorithm's nodes hold at some time of a default run.

import { describe, expect, it } from 'vitest';
import { findAlgorithm } from '../src/algorithms/registry.js';
import { simulate } from '../src/sim/run.js';
import { drawnNodes } from '../web/src/drawings/drawn-nodes.js';
import { watchTimers } from '../web/src/drawings/timer-watch.js';
import { drawnAlgorithms } from '../web/src/inspect/drawings.js';
import { StateProbe } from '../web/src/state-probe.js';

function spec(name: string) {
  const found = findAlgorithm(name);
  if (found === undefined) throw new Error(`no ${name}`);
  return found;
}

describe('timer rings', () => {
  it.each(drawnAlgorithms())('watching %s’s timers leaves its run unchanged', (name) => {
    const plain = simulate(spec(name), { seed: 3 }).result;
    const watched = simulate(watchTimers(spec(name)).spec, { seed: 3 }).result;
    expect(watched.traceHash).toBe(plain.traceHash);
  });

  it('a Raft follower’s election ring runs down between two leader contacts', () => {
    const input = {
      algorithm: 'consensus/raft',
      nodes: undefined,
      seed: 1,
      faults: '',
      options: {},
    };
    const probe = new StateProbe(spec(input.algorithm), input);
    const before = drawnNodes(input.algorithm, probe, 100, 5).get(1)?.ring;
    expect(before?.name).toBe('election');
    const later = drawnNodes(input.algorithm, probe, 101, 5).get(1)?.ring;
    // Either the same timer, 1 ms further down, or a fresh one set meanwhile.
    if (later !== undefined && before !== undefined && later.totalMs === before.totalMs)
      expect(later.leftMs).toBeCloseTo(before.leftMs - 1, 6);
    expect(later?.leftMs).toBeLessThanOrEqual(later?.totalMs ?? 0);
  });
});

describe('declared drawings', () => {
  it.each(drawnAlgorithms())('%s draws its nodes’ states', (name) => {
    const s = spec(name);
    const input = { algorithm: name, nodes: undefined, seed: 1, faults: '', options: {} };
    const probe = new StateProbe(s, input);
    const n = simulate(s, { seed: 1 }).result.nodes;
    const drawn = drawnNodes(name, probe, 300, n);
    expect(drawn.size).toBe(n);
    expect([...drawn.values()].some((d) => d.drawing !== undefined)).toBe(true);
  });
});
