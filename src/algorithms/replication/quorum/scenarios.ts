// Named runs of replication/quorum: CAP made visible (the same partition with a strict and
// a sloppy quorum) and what a sloppy quorum loses without hinted handoff. One key, k0, whose
// preferred replicas are nodes 2, 3 and 4 (ring.ts), so the minority side {1, 5} holds none.

import type { Scenario } from '../../../core/algorithm.js';

const PARTITION = 'partition 1,5|2,3,4 @1000..3300';

export const quorumScenarios: readonly Scenario[] = [
  {
    name: 'cap-cp',
    description:
      'A strict quorum (N=3, R=2, W=2) under a 2|3 partition: clients on nodes 1 and 5 reach ' +
      'no replica of k0, so their operations are refused (see refused) until it heals.',
    faults: PARTITION,
    options: { keys: 1 },
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'cap-ap',
    description:
      'The same partition with a sloppy quorum: nodes 1 and 5 stand in for the replicas, so ' +
      'the minority keeps accepting writes; after the heal hinted handoff delivers them, they ' +
      'meet the majority’s as siblings (see siblingReads), and the replicas converge.',
    faults: PARTITION,
    options: { keys: 1, sloppy: true },
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'sloppy-without-handoff',
    description:
      'The sloppy quorum without hinted handoff: writes the minority acknowledged stay with ' +
      'the stand-ins, which no read asks once the partition heals — acknowledged writes lost.',
    faults: PARTITION,
    options: { keys: 1, sloppy: true, hintedHandoff: false },
    expect: { safety: 'hold', liveness: 'violated' },
  },
];
