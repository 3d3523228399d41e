// Named runs of replication/chain on five nodes: the master (1) and the chain 2 → 3 → 4 → 5
// (head 2, tail 5). One per failure position (§3), and one outside the fault model.

import type { Scenario } from '../../../core/algorithm.js';

export const chainScenarios: readonly Scenario[] = [
  {
    name: 'head-fails',
    description:
      'The head crashes; the master splices it out and its successor (3) becomes head. ' +
      'Writes only the old head held were never acknowledged; it rejoins at the tail end.',
    faults: 'crash 2 @1000; restart 2 @2500',
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'middle-fails',
    description:
      'A middle server (3) crashes; its predecessor (2) becomes its successor’s (4) ' +
      'predecessor and sends it what it may lack, keeping Hist_4 ⪯ Hist_2.',
    faults: 'crash 3 @1000; restart 3 @2500',
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'tail-fails',
    description:
      'The tail crashes; its predecessor (4), which holds every update the tail held, becomes ' +
      'tail and answers reads and acknowledges writes.',
    faults: 'crash 5 @1000; restart 5 @2500',
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'tail-cut-off',
    description:
      'Outside the fail-stop model: the tail (5) loses its links to the master only. The ' +
      'master removes it and 4 becomes tail; 5, alive and unaware, still answers its own ' +
      'client’s reads, missing the writes 4 now acknowledges — not linearizable.',
    faults: 'block 1->5 @1000..2500; block 5->1 @1000..2500',
    expect: { safety: 'violated', liveness: 'hold' },
  },
];
