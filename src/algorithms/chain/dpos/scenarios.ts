// Named runs of chain/dpos: a delegate that misses its slots for good, a malicious delegate
// voted out by the evidence of its twin blocks, and partitioned delegates.

import type { Scenario } from '../../../core/algorithm.js';

export const dposScenarios: readonly Scenario[] = [
  {
    name: 'missed-slot',
    description:
      'Delegate 2 crashes for good: its slots stay empty, ' +
      'the others go on and blocks still become irreversible.',
    faults: 'crash 2 @200',
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'malicious-delegate',
    description:
      'Delegate 3 signs two blocks per slot; the twins become ' +
      'evidence on the chain and delegate 6 replaces it.',
    faults: '',
    options: { malicious: [3] },
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'partitioned-delegates',
    description:
      'Two delegates are cut off for a while; the longer side wins when the partition heals.',
    faults: 'partition 1,2|3,4,5,6,7 @300..1200',
    expect: { safety: 'hold', liveness: 'hold' },
  },
];
