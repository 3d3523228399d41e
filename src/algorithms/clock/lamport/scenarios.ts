// Named runs of clock/lamport: a crash in the middle of the workload (the durable clock
// keeps the condition across the restart) and a lossy, reordering network.

import type { Scenario } from '../../../core/algorithm.js';

export const lamportScenarios: readonly Scenario[] = [
  {
    name: 'crash-keeps-clock',
    description:
      'A node crashes mid-workload; its clock is durable, so events after restart still follow its earlier ones.',
    faults: 'crash 2 @300; restart 2 @700',
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'lossy-reordering-network',
    description:
      'Loss, duplication and reordering never break the clock condition (only delivered messages create causality).',
    faults: 'drop 0.2; dup 0.1; reorder 0.3; delay 1..80',
    expect: { safety: 'hold', liveness: 'hold' },
  },
];
