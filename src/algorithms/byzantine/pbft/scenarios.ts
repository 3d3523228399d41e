// Named runs of byzantine/pbft: a silent and an equivocating primary replaced by a view
// change, a silent backup the others do without, and one faulty replica too many.

import type { Scenario } from '../../../core/algorithm.js';

export const pbftScenarios: readonly Scenario[] = [
  {
    name: 'silent-primary',
    description:
      'The primary of view 0 (replica 1) is Byzantine ' +
      'and silent: backups time out and move to view 1.',
    faults: '',
    options: { byzantine: [1], behaviour: 'silent' },
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'equivocating-primary',
    description:
      'Replica 1 sends conflicting pre-prepares for each ' +
      'number: nothing prepares, a view change replaces it.',
    faults: '',
    options: { byzantine: [1], behaviour: 'equivocate' },
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'silent-backup',
    description: 'Replica 3 is silent: the other 2f+1 still prepare and commit in view 0.',
    faults: '',
    options: { byzantine: [3], behaviour: 'silent' },
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'too-many-faulty',
    description:
      'Two of four replicas (more than f = 1) are silent: no quorum of 2f+1, no progress.',
    faults: '',
    options: { byzantine: [1, 2], behaviour: 'silent' },
    expect: { safety: 'hold', liveness: 'violated' },
  },
];
