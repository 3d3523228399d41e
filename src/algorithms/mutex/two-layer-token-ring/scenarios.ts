// Named runs of mutex/two-layer-token-ring: a coordinator restarting mid-lap, a WAN
// partition, a lossy network — and, outside the fault model, a member that never returns.

import type { Scenario } from '../../../core/algorithm.js';

export const twoLayerScenarios: readonly Scenario[] = [
  {
    name: 'coordinator-restarts',
    description:
      'A coordinator crashes while its LAN is open and comes back: both tokens are durable, ' +
      'the lap resumes and everyone is served.',
    faults: 'crash 4 @300; restart 4 @900',
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'wan-partition-heals',
    description:
      'The LANs are cut from each other for a second: the global token waits at the cut ' +
      '(re-sent until acknowledged); once it heals every LAN gets its turns.',
    faults: 'partition 1,2,3|4,5,6|7,8,9 @200..1200',
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'lossy-network',
    description: '20% loss and 10% duplication on every link: no token lost or doubled.',
    faults: 'drop 20% @0..3000; dup 10% @0..3000',
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'member-crash-stalls',
    description:
      'Outside the fault model: node 5 crashes for good. Its predecessor re-sends the LAN ' +
      'token forever; LAN 2 never closes its lap, so the global token never moves on and ' +
      'everyone stalls (no regeneration in this design).',
    faults: 'crash 5 @100',
    expect: { safety: 'hold', liveness: 'violated' },
  },
];
