// The family's metrics as defined: electionTimeMs runs from the start, or from the leader's
// failure, until all live nodes agree; maxLeadersAtOnce and maxConcurrentLeaders count only
// nodes that believe they lead — never a crashed one. Built views pin each rule; simulated
// runs show the figures the old replay (outputs only, no crashes) got wrong.

import { describe, expect, it } from 'vitest';
import { clusterView } from '../../../test/support/cluster-view.js';
import type {
  ClusterView,
  LifecycleEvent,
  LifecycleRecord,
  OutputRecord,
} from '../../core/algorithm.js';
import type { NodeId } from '../../core/process.js';
import { simulate } from '../../sim/run.js';
import { bully } from './bully/index.js';
import { type ElectionNodeState, type ElectionOutput, electionMetrics } from './workload.js';

type Event =
  | readonly [atMs: number, node: NodeId, output: ElectionOutput]
  | readonly [atMs: number, node: NodeId, lifecycle: LifecycleEvent];

const elected = (term: number): ElectionOutput => ({ type: 'elected', term });
const follows = (leader: NodeId, term: number): ElectionOutput => ({
  type: 'leader',
  leader,
  term,
});

/** A view of three nodes after `events`; `final`: who leads at the end, and who is down. */
function view(
  events: readonly Event[],
  final: { leader: NodeId; term: number; down?: readonly NodeId[] },
): ClusterView<ElectionNodeState, ElectionOutput> {
  const outputs: OutputRecord<ElectionOutput>[] = [];
  const lifecycle: LifecycleRecord[] = [];
  for (const [atMs, node, what] of events) {
    if (typeof what === 'string')
      lifecycle.push({ atMs, node, event: what, outputsBefore: outputs.length });
    else outputs.push({ atMs, node, output: what });
  }
  const nodes = [1, 2, 3].map((id) => {
    const up = !final.down?.includes(id);
    const role = id === final.leader ? 'leader' : 'follower';
    const state = up ? { role, leader: final.leader, term: final.term } : undefined;
    return { id, up, paused: false, incarnation: 0, state };
  });
  return clusterView({ nowMs: 1_000, nodes, outputs, lifecycle });
}

const firstElection: Event[] = [
  [10, 3, elected(1)],
  [12, 1, follows(3, 1)],
  [15, 2, follows(3, 1)],
];

describe('electionMetrics', () => {
  it('does not count a crashed leader, and times the new election from its crash', () => {
    const metrics = electionMetrics(
      view(
        [
          ...firstElection,
          [100, 3, 'crash'],
          [400, 1, { type: 'suspect' }],
          [410, 2, elected(2)],
          [420, 1, follows(2, 2)],
        ],
        { leader: 2, term: 2, down: [3] },
      ),
    );
    expect(metrics.maxConcurrentLeaders).toBe(1);
    expect(metrics.maxLeadersAtOnce).toBe(1);
    expect(metrics.leaderChanges).toBe(1);
    expect(metrics.electionTimeMs).toBe(320);
  });

  it('counts a re-adoption with no restart before it: the node had dropped its leader', () => {
    // A Bully node that joins a lower node's election forgets its leader without a word.
    const metrics = electionMetrics(
      view([...firstElection, [40, 1, follows(3, 1)]], { leader: 3, term: 1 }),
    );
    expect(metrics.electionTimeMs).toBe(40);
  });

  it('does not time a restarted follower re-adopting the leader that never failed', () => {
    const metrics = electionMetrics(
      view([...firstElection, [100, 1, 'crash'], [200, 1, 'restart'], [230, 1, follows(3, 1)]], {
        leader: 3,
        term: 1,
      }),
    );
    expect(metrics.electionTimeMs).toBe(15);
  });

  it('times an election from the suspicion when the leader did not crash', () => {
    const metrics = electionMetrics(
      view(
        [
          ...firstElection,
          [300, 3, 'pause'],
          [500, 2, { type: 'suspect' }],
          [510, 1, { type: 'suspect' }],
          [520, 2, elected(2)],
          [530, 1, follows(2, 2)],
          [600, 3, 'resume'],
          [610, 3, follows(2, 2)],
        ],
        { leader: 2, term: 2 },
      ),
    );
    expect(metrics.electionTimeMs).toBe(110);
    // Paused, node 3 still believed it led term 1 while node 2 led term 2.
    expect(metrics.maxConcurrentLeaders).toBe(2);
    expect(metrics.maxLeadersAtOnce).toBe(1);
  });

  it('orders a crash after the outputs recorded before it at the same instant', () => {
    const metrics = electionMetrics(
      view(
        [
          ...firstElection,
          [100, 3, 'crash'],
          [100, 3, 'restart'],
          [100, 3, elected(2)],
          [120, 1, follows(3, 2)],
          [130, 2, follows(3, 2)],
          // Agreed at 130 only if node 3's crash came before its election at 100.
          [200, 1, 'crash'],
          [250, 1, 'restart'],
          [260, 1, follows(3, 2)],
        ],
        { leader: 3, term: 2 },
      ),
    );
    expect(metrics.maxConcurrentLeaders).toBe(1);
    expect(metrics.electionTimeMs).toBe(30);
  });
});

describe('electionMetrics in simulated runs (election/bully, 5 nodes)', () => {
  const run = (faults: string) => simulate(bully, { nodes: 5, faults }).result.metrics;

  it('counts one leader at a time when the leader crashes and 4 takes over', () => {
    const metrics = run('crash 5 @1000');
    expect(metrics.leader).toBe(4);
    expect(metrics.maxConcurrentLeaders).toBe(1);
    // From the crash: at least the 300 ms a follower waits before it suspects the leader.
    expect(metrics.electionTimeMs).toBeGreaterThan(300);
  });

  it('reports the first election when a follower crashes and restarts', () => {
    expect(run('crash 2 @1000; restart 2 @1500').electionTimeMs).toBe(run('').electionTimeMs);
  });
});
