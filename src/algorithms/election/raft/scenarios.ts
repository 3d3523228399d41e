// Named runs of election/raft: a leader crash, Bully's flapping largest id (Raft keeps its
// leader), an even split that elects nobody, and check-quorum making a cut-off leader step
// down.

import type { Scenario } from '../../../core/algorithm.js';

const FLAP_5 =
  'crash 5 @400; restart 5 @900; crash 5 @1400; restart 5 @1900; crash 5 @2400; restart 5 @2900';

export const raftElectionScenarios: readonly Scenario[] = [
  {
    name: 'leader-crash',
    description: 'The first leader (node 3 at seed 1) crashes: a new term elects another.',
    faults: 'crash 3 @600',
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'flapping-largest',
    description:
      "Bully's flapping node 5 (crashes and returns three times): Raft keeps its leader, " +
      'because a returning node has no claim from its id and pre-vote stops it from raising ' +
      'the term (leaderChanges = 0; compare election/bully).',
    faults: FLAP_5,
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'even-split-elects-nobody',
    description: 'Four servers split 2|2 from the start: no side has a majority.',
    nodes: 4,
    faults: 'partition 1,2|3,4 @0',
    expect: { safety: 'hold', liveness: 'violated' },
  },
  {
    name: 'minority-leader-steps-down',
    description:
      'The leader is cut off with one follower: check-quorum makes it step down while the ' +
      'majority elects a leader of a higher term, so two leaders never share a term.',
    faults: 'partition 3,5|1,2,4 @500..2500',
    expect: { safety: 'hold', liveness: 'hold' },
  },
];
