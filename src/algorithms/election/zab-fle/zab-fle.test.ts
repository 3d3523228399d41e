import { describe, expect, it } from 'vitest';
import { randomFaultPlan } from '../../../sim/fuzz.js';
import { simulate } from '../../../sim/run.js';
import type { FleState } from './fle.js';
import { zabFle } from './index.js';
import { isQuorum, quorumSpec } from './quorum.js';

const roles = (sim: ReturnType<typeof simulate>['sim']) =>
  sim.nodes.map((n) => (n.up ? (n.state as FleState).role : 'down'));

describe('election/zab-fle', () => {
  it.each([
    [[1, 2, 3, 4], [], [], [1, 2, 3], true],
    [[1, 2, 3, 4], [], [], [1, 2], false],
    [[1, 2, 3, 4], [3, 1, 1, 1], [], [1, 2], true],
    [[1, 2, 3, 4], [3, 1, 1, 1], [], [2, 3, 4], false],
    [[1, 2, 3, 4, 5], [], [4, 5], [1, 2], true],
  ] as const)('quorum of %j (weights %j, observers %j): %j → %s', (nodes, w, obs, ids, want) => {
    expect(isQuorum(quorumSpec(nodes, w, obs), ids)).toBe(want);
  });

  // Note 004's worked examples.
  it('three servers at epoch 1, zxid 0 elect server 3', () => {
    const { result } = simulate(zabFle, { nodes: 3 });
    expect(result.ok).toBe(true);
    expect(result.metrics.leader).toBe(3);
  });

  it('at run time servers 1 (zxid 123) and 3 (zxid 122) elect server 1', () => {
    const { result } = simulate(zabFle, {
      nodes: 3,
      faults: 'crash 2 @0',
      options: { zxids: [123, 0, 122] },
    });
    expect(result.ok).toBe(true);
    expect(result.metrics.leader).toBe(1);
  });

  it('a 2|2 split elects nobody under a majority, and one side with weights 3,1,1,1', () => {
    const plain = simulate(zabFle, { nodes: 4, faults: 'partition 1,2|3,4 @0' });
    expect(roles(plain.sim)).toEqual(['looking', 'looking', 'looking', 'looking']);
    const weighted = simulate(zabFle, {
      nodes: 4,
      faults: 'partition 1,2|3,4 @0',
      options: { weights: [3, 1, 1, 1] },
    });
    expect(roles(weighted.sim)).toEqual(['follower', 'leader', 'looking', 'looking']);
  });

  it('observers follow but never lead or vote', () => {
    const { result, sim } = simulate(zabFle, { nodes: 5, options: { observers: [4, 5] } });
    expect(result.ok).toBe(true);
    expect(result.metrics.leader).toBe(3);
    expect(roles(sim)).toEqual(['follower', 'follower', 'leader', 'observer', 'observer']);
  });

  it('broadcasts: every node sends n−1 notifications per vote it holds (≥ n(n−1) in all)', () => {
    const { result } = simulate(zabFle, { nodes: 5 });
    const sent = result.messages.byType.Notification ?? 0;
    expect(sent % 4).toBe(0);
    expect(sent).toBeGreaterThanOrEqual(5 * 4);
  });

  it('never has two leaders of one epoch under random fault plans', () => {
    for (let seed = 1; seed <= 300; seed++) {
      const plan = randomFaultPlan(seed, 5, 2_400);
      const { result } = simulate(zabFle, { seed, faults: plan });
      const broken = result.invariants.filter((c) => !c.holds);
      expect(broken, `seed ${seed}`).toEqual([]);
    }
  });
});
