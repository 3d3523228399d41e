// Named runs of election/max-id: what the notes warn about, a node absent during the round.

import type { Scenario } from '../../../core/algorithm.js';

export const maxIdScenarios: readonly Scenario[] = [
  {
    name: 'absent-node-lets-smaller-win',
    description:
      'Node 5 is cut off through the round: the others elect 4, and 5, having seen ' +
      'no larger id, leads too — two leaders, and no agreement after the heal.',
    faults: 'isolate 5 @0..800',
    expect: { safety: 'hold', liveness: 'violated' },
  },
];
