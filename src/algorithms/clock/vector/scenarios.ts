// Named runs of clock/vector: a crash in the middle of the workload (the durable vector
// keeps causality across the restart) and a partition, across which every event is
// concurrent.

import type { Scenario } from '../../../core/algorithm.js';

export const vectorScenarios: readonly Scenario[] = [
  {
    name: 'crash-keeps-vector',
    description:
      'A node crashes mid-workload; its vector is durable, so causality across the restart is preserved.',
    faults: 'crash 3 @250; restart 3 @600',
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'partition-makes-concurrency',
    description:
      'While 1,2 and 3,4,5 are apart every event across the cut is concurrent — and the vectors say so.',
    faults: 'partition 1,2|3,4,5 @0..600',
    expect: { safety: 'hold', liveness: 'hold' },
  },
];
