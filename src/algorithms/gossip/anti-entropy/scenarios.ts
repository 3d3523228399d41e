// Named runs of gossip/anti-entropy: one rumor's spread in each mode, writes on both sides
// of a partition (AP: both accept, and converge after the heal), a lossy network that only
// slows the spread, and a writer that crashes right after acknowledging and stays down
// while its update still reaches everyone it had told.

import type { Scenario } from '../../../core/algorithm.js';

export const antiEntropyScenarios: readonly Scenario[] = [
  ...(['push', 'pull', 'push-pull'] as const).map((mode) => ({
    name: `spread-${mode}`,
    description: `One update at node 1 spreads to 64 nodes by ${mode} gossip (roundsToSpreadMax).`,
    faults: '',
    nodes: 64,
    durationMs: 3_000,
    options: { mode },
    expect: { safety: 'hold', liveness: 'hold' } as const,
  })),
  {
    name: 'partition-heal',
    description:
      'Three writers on both sides of a 2|3 partition keep updating an OR-set; each side ' +
      'converges on its own writes and, after the heal, all five hold the same set.',
    faults: 'partition 1,2|3,4,5 @200..2500',
    durationMs: 4_000,
    options: { writers: 3, updates: 6 },
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'lossy',
    description:
      'Half the messages are lost for 3 s: the spread takes more rounds, nothing is lost.',
    faults: 'drop 0.5 @0..3000',
    nodes: 16,
    durationMs: 4_000,
    options: { writers: 4, updates: 4, crdt: 'pncounter' },
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'writer-crash',
    description:
      'Node 1 acknowledges two counter updates and crashes at 450 ms, back at 2 s: its ' +
      'durable replica still holds both, and every node ends with them.',
    faults: 'crash 1 @450; restart 1 @2000',
    durationMs: 4_000,
    options: { crdt: 'gcounter', updates: 2, updateEvery: 2 },
    expect: { safety: 'hold', liveness: 'hold' },
  },
];
