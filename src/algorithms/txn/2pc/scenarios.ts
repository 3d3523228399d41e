// Named runs of txn/2pc: each weakness the notes list [001 §2.3.1], on a fixed 10 ms latency
// so the timeline is exact. Transaction 1 begins at 200 ms: CanCommit lands at 210, the votes
// at 220, where the coordinator decides and sends phase 2 (landing at 230). Every cohort
// votes Yes unless a scenario says otherwise.

import type { Scenario } from '../../../core/algorithm.js';

const EXACT = 'delay 10..10';
const ALL_YES = { noProbability: 0 };

export const twoPcScenarios: readonly Scenario[] = [
  {
    name: 'blocking-in-phase-2',
    description:
      'The coordinator decides commit (durably) at 220 ms, its DoCommits are lost and it ' +
      'crashes; for 2 s the three prepared cohorts hold their locks and can do nothing but ' +
      'ask (lockHeldMaxMs ≈ 2 s). Restarted, it resends the logged decision: all commit.',
    faults: `${EXACT}; block 1->2,3,4 @215..225; crash 1 @225; restart 1 @2225`,
    options: ALL_YES,
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'coordinator-spof',
    description:
      'The coordinator crashes at 215 ms, after the cohorts voted Yes and before the votes ' +
      'arrive, and stays down 2 s: no transaction begins and the prepared cohorts are stuck. ' +
      'Restarted, it finds transaction 1 undecided in its log and aborts it (presumed abort).',
    faults: `${EXACT}; crash 1 @215; restart 1 @2215`,
    options: ALL_YES,
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'coordinator-never-returns',
    description:
      'The coordinator decides and crashes before any DoCommit arrives, for good: the cohorts ' +
      'stay prepared and in doubt forever (liveness fails; atomicity still holds).',
    faults: `${EXACT}; block 1->2,3,4 @215..225; crash 1 @225`,
    options: ALL_YES,
    expect: { safety: 'hold', liveness: 'violated' },
  },
  {
    name: 'one-no-aborts-all',
    description:
      'Cohort 3 votes No on every transaction: every transaction aborts, whatever the others ' +
      'voted — the notes’ "any single failure aborts all".',
    faults: EXACT,
    options: { noProbability: 0, alwaysNo: [3] },
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'partial-docommit',
    description:
      'The coordinator crashes in the middle of its DoCommit broadcast: only cohort 2 gets ' +
      'it and commits at 230 ms; cohorts 3 and 4 stay prepared — the notes’ inconsistency — ' +
      'until the restarted coordinator resends the logged commit at 1000 ms.',
    faults: `${EXACT}; block 1->3,4 @215..225; crash 1 @225; restart 1 @1000`,
    options: ALL_YES,
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'cooperative-termination',
    description:
      'Cohort 4 never gets CanCommit and the coordinator crashes before deciding. With ' +
      '--cooperative-termination cohorts 2 and 3 ask cohort 4, which has not voted: it aborts ' +
      'and says so, and they release their locks long before the coordinator returns.',
    faults: `${EXACT}; block 1->4 @195..205; crash 1 @215; restart 1 @2215`,
    options: { ...ALL_YES, cooperativeTermination: true },
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'cooperative-all-in-doubt',
    description:
      'The blocking run with --cooperative-termination: every cohort voted Yes, so none can ' +
      'answer the others — cooperation does not end 2PC’s blocking.',
    faults: `${EXACT}; block 1->2,3,4 @215..225; crash 1 @225; restart 1 @2225`,
    options: { ...ALL_YES, cooperativeTermination: true },
    expect: { safety: 'hold', liveness: 'hold' },
  },
];
