// Named runs of consensus/paxos that show what the notes and the paper warn about: duelling
// proposers (§2.4), a proposer crashing mid-ballot, a proposer cut off with a minority, the
// note's unsafe model (003) choosing two values, and no progress without a majority.

import type { Scenario } from '../../../core/algorithm.js';

export const paxosScenarios: readonly Scenario[] = [
  {
    name: 'duelling-proposers',
    description: 'Three proposers start at once; Nacks and randomized backoff end the duel.',
    faults: '',
    options: { proposers: [1, 2, 3] },
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'proposer-crash',
    description:
      'The first proposer crashes mid-ballot; the second finishes, and the first, restarted ' +
      'with a durable round counter, learns the same value.',
    faults: 'crash 1 @4; restart 1 @600',
    options: { proposers: [1, 2] },
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'minority-side-proposer',
    description: 'The only proposer is cut off with a minority; it succeeds once healed.',
    faults: 'partition 1,2|3,4,5 @0..800',
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'seed-notes-two-values',
    description:
      "The note's model with two proposers and no faults: promises report prepared, not " +
      'accepted, proposals, and two different values are chosen (seed 1).',
    faults: '',
    options: { variant: 'seed-notes', proposers: [1, 2] },
    expect: { safety: 'violated', liveness: 'violated' },
  },
  {
    name: 'majority-down',
    description: 'Three of five acceptors crash for good: nothing can ever be chosen.',
    faults: 'crash 3 @0; crash 4 @0; crash 5 @0',
    expect: { safety: 'hold', liveness: 'violated' },
  },
];
