// Named runs of consensus/multi-paxos: a leader crash (a new leader runs phase 1 once, the
// old one catches up), a partitioned leader (the minority side cannot commit), and no
// progress without a majority.

import type { Scenario } from '../../../core/algorithm.js';

export const multiPaxosScenarios: readonly Scenario[] = [
  {
    name: 'leader-crash',
    description:
      'The leader (node 3 at seed 1) crashes mid-workload and returns as a follower; a new ' +
      'leader runs phase 1 once and the restarted node catches up.',
    faults: 'crash 3 @400; restart 3 @1200',
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'partitioned-leader',
    description: 'A minority side cannot commit; the majority elects a leader and goes on.',
    faults: 'partition 1,2|3,4,5 @300..1500',
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'majority-down',
    description: 'Three of five nodes crash for good: no slot can be chosen any more.',
    faults: 'crash 3 @100; crash 4 @100; crash 5 @100',
    expect: { safety: 'hold', liveness: 'violated' },
  },
];
