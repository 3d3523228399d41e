import { describe, expect, it } from 'vitest';
import { fuzz } from '../../../sim/fuzz.js';
import { simulate } from '../../../sim/run.js';
import { bully } from '../bully/index.js';
import { raftElection } from './index.js';

const scenario = (name: string) => {
  const sc = raftElection.scenarios.find((s) => s.name === name);
  if (sc === undefined) throw new Error(`no scenario ${name}`);
  return sc;
};

describe('election/raft', () => {
  it('elects one leader that every node follows', () => {
    const { result } = simulate(raftElection, { seed: 1 });
    expect(result.ok).toBe(true);
    expect(result.metrics).toMatchObject({ leader: 3, leaderChanges: 0, maxLeadersAtOnce: 1 });
  });

  it('re-elects in a new term after the leader crashes', () => {
    const { result } = simulate(raftElection, { seed: 1, faults: scenario('leader-crash').faults });
    expect(result.ok).toBe(true);
    expect(result.metrics.leaderChanges).toBe(1);
    expect(result.metrics.leader).not.toBe(3);
  });

  // The notes' contrast: Bully hands leadership back to a returning larger id every time.
  it('keeps its leader while node 5 flaps, where Bully changes leader each time', () => {
    const { faults } = scenario('flapping-largest');
    const raftRun = simulate(raftElection, { seed: 1, faults }).result;
    const bullyRun = simulate(bully, { seed: 1, faults }).result;
    expect(raftRun.ok && bullyRun.ok).toBe(true);
    expect(raftRun.metrics.leaderChanges).toBe(0);
    expect(bullyRun.metrics.leaderChanges).toBeGreaterThanOrEqual(6);
  });

  it('elects nobody in a 2|2 split, and never two leaders in one term', () => {
    const sc = scenario('even-split-elects-nobody');
    const { result } = simulate(raftElection, { seed: 1, nodes: 4, faults: sc.faults });
    expect(result.invariants.every((c) => c.holds)).toBe(true);
    expect(result.metrics.leader).toBeNull();
  });

  it('survives random fault plans with and without pre-vote', () => {
    expect(fuzz(raftElection, { runs: 1000, seed: 4 }).failures).toEqual([]);
    const noPreVote = { preVote: false, checkQuorum: false };
    expect(fuzz(raftElection, { runs: 150, seed: 5, options: noPreVote }).failures).toEqual([]);
  });
});
