// Named runs of election/bully that show what the notes warn about: a flapping largest id,
// split brain under a partition (and the step-down rule that prevents it), MongoDB's rank.

import type { Scenario } from '../../../core/algorithm.js';

export const bullyScenarios: readonly Scenario[] = [
  {
    name: 'flapping-largest',
    description:
      'Node 5 crashes and returns three times: each return bullies its way back to the top, ' +
      'so the leader changes every time (see leaderChanges).',
    faults:
      'crash 5 @400; restart 5 @900; crash 5 @1400; restart 5 @1900; crash 5 @2400; restart 5 @2900',
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'split-brain',
    description:
      'A 2|3 partition: the side without the leader elects node 2, so two nodes lead at once ' +
      '(maxConcurrentLeaders = 2) until the partition heals.',
    faults: 'partition 1,2|3,4,5 @300..2500',
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'split-brain-prevented',
    description:
      'The same partition with --step-down-minority: the 2-node side never gathers a ' +
      'majority, so it elects nobody.',
    faults: 'partition 1,2|3,4,5 @300..2500',
    options: { stepDownMinority: true },
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'mongodb-lastop',
    description:
      'MongoDB’s variant: node 2 has the newest last operation and wins over larger ids.',
    faults: '',
    options: { idSource: 'lastop', lastops: [5, 9, 2, 7, 3] },
    expect: { safety: 'hold', liveness: 'hold' },
  },
];
