// Named runs of txn/3pc on a fixed 10 ms latency, every cohort voting Yes: transaction 1
// begins at 200 ms, CanCommit lands at 210, the votes at 220 (PreCommit leaves), PreCommit
// lands at 230, the Acks at 240 (DoCommit leaves), DoCommit lands at 250. Timeouts are
// checked every 100 ms.

import type { Scenario } from '../../../core/algorithm.js';

const EXACT = 'delay 10..10';

export const threePcScenarios: readonly Scenario[] = [
  {
    name: 'coordinator-crash-after-precommit',
    description:
      'The coordinator crashes at 225 ms for good, its PreCommits in flight: the cohorts ' +
      'precommit, hear no decision, and commit by their own timeout — no blocking, where ' +
      '2PC’s cohorts would wait for the coordinator forever.',
    faults: `${EXACT}; crash 1 @225`,
    options: { noProbability: 0, transactions: 1 },
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'coordinator-crash-before-precommit',
    description:
      'The coordinator crashes at 215 ms for good, before any PreCommit: the cohorts voted ' +
      'Yes, hear nothing, and abort by their own timeout.',
    faults: `${EXACT}; crash 1 @215`,
    options: { noProbability: 0, transactions: 1 },
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'partition-divergence',
    description:
      'Outside the fault model: cohort 2 is cut off at 235 ms, after precommitting and before ' +
      'its Ack arrives. The coordinator times out on the Ack and aborts — cohorts 3 and 4 ' +
      'abort — while cohort 2, hearing nothing, commits by its timeout: the notes’ ' +
      'inconsistency, caught by the atomicity check.',
    faults: `${EXACT}; partition 1,3,4|2 @235..2000`,
    options: { noProbability: 0 },
    expect: { safety: 'violated', liveness: 'hold' },
  },
];
