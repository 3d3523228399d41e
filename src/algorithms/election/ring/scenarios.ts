// Named runs of election/ring: a crashed coordinator is skipped and replaced, and a crashed
// successor is skipped by its predecessor's acknowledgement timeout (the notes' step 2).

import type { Scenario } from '../../../core/algorithm.js';

export const ringScenarios: readonly Scenario[] = [
  {
    name: 'coordinator-crash',
    description:
      'The coordinator (5) crashes: a node notices, the ELECTION skips node 5 and node 4 ' +
      'is announced round the ring.',
    faults: 'crash 5 @1000',
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'successor-crash-skipped',
    description: 'Node 3 is down during the election: its predecessor times out and skips it.',
    faults: 'crash 3 @0; restart 3 @2000',
    expect: { safety: 'hold', liveness: 'hold' },
  },
];
