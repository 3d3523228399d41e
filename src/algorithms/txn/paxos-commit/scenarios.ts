// Named runs of txn/paxos-commit with the defaults (N = 3 RMs, nodes 2–4; F = 1, acceptors
// 5–7) on a fixed 10 ms latency, every RM voting Prepared: transaction 1 begins at 200 ms,
// Prepare lands at 210, the RMs' phase 2a at 220, the acceptors' phase 2b at the TM at 230
// (Commit leaves), Commit lands at 240.

import type { Scenario } from '../../../core/algorithm.js';

const EXACT = 'delay 10..10';
const ONE = { noProbability: 0, transactions: 1 };

export const paxosCommitScenarios: readonly Scenario[] = [
  {
    name: 'tm-and-f-acceptors-crash',
    description:
      'The TM and acceptor 5 crash for good at 225 ms, the phase 2b answers in flight to a dead ' +
      'TM. The prepared RMs time out, lead a higher ballot with the two acceptors left, find ' +
      'every instance Prepared and commit — where 2PC would block.',
    faults: `${EXACT}; crash 1 @225; crash 5 @225`,
    options: ONE,
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'more-than-f-acceptors-crash',
    description:
      'The TM and acceptors 5 and 6 crash for good: one acceptor is no quorum, so the RMs ' +
      'stay in doubt (liveness fails; atomicity holds).',
    faults: `${EXACT}; crash 1 @225; crash 5 @225; crash 6 @225`,
    options: ONE,
    expect: { safety: 'hold', liveness: 'violated' },
  },
  {
    name: 'rm-never-votes',
    description:
      'RM 3 is down when Prepare arrives and returns at 1500 ms. The TM times out, runs phase ' +
      '1 at a higher ballot, finds RM 3’s instance free and proposes Aborted: the transaction ' +
      'aborts without RM 3, which learns it when it returns.',
    faults: `${EXACT}; crash 3 @205; restart 3 @1500`,
    options: ONE,
    expect: { safety: 'hold', liveness: 'hold' },
  },
  {
    name: 'tm-restart',
    description:
      'The TM crashes at 225 ms and restarts at 260, before the RMs lose patience: it logged ' +
      'no outcome, so it runs phase 1 for every transaction it began and learns the commit ' +
      'from the acceptors.',
    faults: `${EXACT}; crash 1 @225; restart 1 @260`,
    options: { noProbability: 0 },
    expect: { safety: 'hold', liveness: 'hold' },
  },
];
