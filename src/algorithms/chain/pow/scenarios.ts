// Named runs of chain/pow: a 51 % attacker reverting confirmed blocks (and a minority one
// failing to), a forger everyone rejects, and a partition fork resolved by the most work.

import type { Scenario } from '../../../core/algorithm.js';

export const powScenarios: readonly Scenario[] = [
  {
    name: 'fifty-one-percent',
    description:
      'Node 5 holds 5/9 of the hash power, mines a private chain and releases it at 2 s: ' +
      'every honest node reorganises onto it, reverting blocks 3+ deep.',
    faults: '',
    options: { hashrates: [1, 1, 1, 1, 5], attacker: 5, releaseMs: 2_000, finalityDepth: 3 },
    expect: { safety: 'violated', liveness: 'hold' },
  },
  {
    name: 'minority-attacker',
    description: 'The same attack with 1/9 of the hash power: the private chain loses.',
    faults: '',
    options: { hashrates: [2, 2, 2, 2, 1], attacker: 5, releaseMs: 2_000, finalityDepth: 3 },
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'forger-rejected',
    description: 'Node 3 broadcasts blocks with a too-easy target or no work: all rejected.',
    faults: '',
    options: { forgers: [3] },
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'partition-fork',
    description: 'Both sides of a partition mine; on heal the side with more work wins.',
    faults: 'partition 1,2|3,4,5 @300..2000',
    expect: { safety: 'hold', liveness: 'hold' },
  },
];
