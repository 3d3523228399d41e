// Named runs of chain/pos: stake-weighted minting, the richest staker offline, and a
// partition fork resolved by the most consumed coin age.

import type { Scenario } from '../../../core/algorithm.js';

export const posScenarios: readonly Scenario[] = [
  {
    name: 'stake-weighted',
    description:
      'Stakes 10, 10, 10, 10, 60: the rich node mints most blocks, the others still some.',
    faults: '',
    options: { stakes: [10, 10, 10, 10, 60] },
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'offline-staker',
    description:
      'The richest staker (node 5) goes offline: the ' +
      'others mint on; their coin age grows meanwhile.',
    faults: 'crash 5 @500',
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'partition-fork',
    description:
      'Both sides mint during a partition; on heal the side with more consumed coin age wins.',
    faults: 'partition 1,2|3,4,5 @300..1500',
    expect: { safety: 'hold', liveness: 'hold' },
  },
];
