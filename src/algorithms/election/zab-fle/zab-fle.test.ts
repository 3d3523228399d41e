import { describe, expect, it } from 'vitest';
import type { RunContext } from '../../../core/algorithm.js';
import { DURABLE_KEY } from '../../../core/kernel.js';
import { nodeIds } from '../../../core/process.js';
import { parseFaultPlan } from '../../../sim/fault-plan.js';
import { fuzz } from '../../../sim/fuzz.js';
import { resolveOptions, simulate } from '../../../sim/run.js';
import { Simulator } from '../../../sim/simulator.js';
import { zabFle } from './index.js';
import { isQuorum, quorumSpec } from './quorum.js';
import type { FleState } from './state.js';

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

  it('keeps the leader it elected while the largest id flaps (Bully would change 6 times)', () => {
    const flap = zabFle.scenarios.find((s) => s.name === 'flapping-largest');
    const { result } = simulate(zabFle, { seed: 1, faults: flap?.faults ?? '' });
    expect(result.ok).toBe(true);
    expect(result.metrics).toMatchObject({ leader: 4, leaderChanges: 1 });
  });

  it('elects and keeps one leader per epoch under random fault plans', () => {
    const configs = [
      { nodes: 5, options: {} },
      { nodes: 3, options: {} },
      { nodes: 4, options: { weights: [3, 1, 1, 1] } },
      { nodes: 6, options: { observers: [5, 6] } },
    ];
    for (const [i, { nodes, options }] of configs.entries()) {
      const report = fuzz(zabFle, { runs: i === 0 ? 1000 : 150, seed: 20 + i, nodes, options });
      expect(report.failures, JSON.stringify(options)).toEqual([]);
    }
  });

  // Fuzz regressions: the leader's slow clock finalized its vote after the FollowerInfos had
  // arrived (and been ignored) every round; loss plus a partition did the same. Learners now
  // re-send FollowerInfo until the leader answers.
  it.each([
    [1, 'drift 5 -37106ppm'],
    [1204303822, 'drop 0.066934 @0..2400; pause 2 @0..1047; partition 3,4,5|1,2 @5..2151'],
  ])('settles on one leader (seed %i, %s)', (seed, faults) => {
    const { result } = simulate(zabFle, { seed, faults, nodes: 5 });
    expect(result.ok).toBe(true);
  });

  // The epochs are durable fields of the kernel: a restarted follower must come back with
  // the epoch it accepted, or it could accept an older one from a deposed leader.
  it('a restarted server comes back with the epochs it had accepted', () => {
    const ctx: RunContext = { nodes: nodeIds(5), options: resolveOptions(zabFle), seed: 1 };
    const sim = new Simulator({
      seed: 1,
      nodes: 5,
      create: (id) => zabFle.create(id, ctx),
      faults: parseFaultPlan('crash 2 @1500; restart 2 @1500', 5),
    });
    sim.start();
    sim.runUntil(1499);
    const before = sim.nodes[1]?.state as FleState;
    expect(before.role).toBe('follower');
    expect(before.acceptedEpoch).toBeGreaterThan(1);
    const { acceptedEpoch, acceptedFrom, currentEpoch } = before;
    expect(sim.nodes[1]?.storage.get(DURABLE_KEY)).toMatchObject({ acceptedEpoch, currentEpoch });
    sim.runUntil(1500);
    const after = sim.nodes[1]?.state as FleState;
    expect(after).not.toBe(before);
    expect(after).toMatchObject({ role: 'looking', acceptedEpoch, acceptedFrom, currentEpoch });
  });
});
