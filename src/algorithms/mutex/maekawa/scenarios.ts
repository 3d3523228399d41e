// Named runs of mutex/maekawa: contention that INQUIRE and RELINQUISH resolve, and the
// quorum member whose crash stalls its row and column — and, through their votes, everyone.

import type { Scenario } from '../../../core/algorithm.js';

export const maekawaScenarios: readonly Scenario[] = [
  {
    name: 'deadlock-avoidance',
    description:
      'Everyone asks at once, over and over: INQUIRE and RELINQUISH break the vote cycles ' +
      'and everyone is served.',
    faults: '',
    options: { thinkMs: 2, holdMs: 5 },
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'quorum-member-crash-stalls',
    description:
      'Node 5 crashes for good: every node whose quorum holds it (its row and column) ' +
      'stalls — and, through the votes those hold, everyone else.',
    faults: 'crash 5 @50',
    expect: { safety: 'hold', liveness: 'violated' },
  },
];
