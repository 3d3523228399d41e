// The txn/2pc process: two-phase commit as the notes give it for XA [001 §2.3.1; Gray 1978].
// Node 1 is the coordinator (coordinator.ts), nodes 2..n the cohorts (cohort.ts). Both run a
// `tick` every `retryMs`: the coordinator to abort transactions whose votes are late and to
// resend unacknowledged decisions, a cohort to ask about the transactions it is in doubt on.
//
// Fault model: every fault kind. Safety (atomicity; commit only with every Yes) rests on the
// two durable writes alone — the prepared record before the Yes, the decision before phase
// 2 — and needs no timing. Liveness needs the coordinator back: while it is down, a cohort
// that voted Yes blocks with its locks held (scenarios).

import { assert } from '../../../core/assert.js';
import { defineProcess } from '../../../core/kernel.js';
import type { TxnOutput } from '../shared/outputs.js';
import {
  cohortAnswer,
  cohortCanCommit,
  cohortDecision,
  cohortStart,
  cohortTick,
} from './cohort.js';
import {
  coordinatorAck,
  coordinatorAnswer,
  coordinatorBegin,
  coordinatorStart,
  coordinatorTick,
  coordinatorVote,
} from './coordinator.js';
import type { TwoPcMessage } from './messages.js';
import type { TwoPcConfig, X } from './options.js';
import { COORDINATOR, initTwoPcState, TWO_PC_DURABLE, type TwoPcState } from './state.js';

export type TwoPcTimer = 'begin' | 'tick';

const isCoordinator = (x: X) => x.s.role === 'coordinator';
const isCohortId = (x: X, id: number) => id !== COORDINATOR && id <= x.env.nodes.length;

/** What holds after every step of ours. */
function assertConsistent(s: TwoPcState): void {
  assert(
    s.prepared.every((t) => s.outcomes[t] === undefined),
    'prepared means unresolved',
  );
  assert(
    Object.keys(s.voting).every((t) => s.log[Number(t)] === undefined),
    'a decided transaction collects no more votes',
  );
}

export const createTwoPc = defineProcess<
  TwoPcMessage,
  TxnOutput,
  TwoPcState,
  TwoPcConfig,
  TwoPcTimer
>({
  init: initTwoPcState,
  durable: [...TWO_PC_DURABLE],
  onStart(x) {
    if (isCoordinator(x)) coordinatorStart(x);
    else cohortStart(x);
    x.env.setTimer('tick', x.c.opts.retryMs);
    assertConsistent(x.s);
    assert(x.s.begun <= x.c.opts.transactions, 'the workload is bounded');
  },
  onMessage: {
    CanCommit(x, from, m) {
      if (!isCoordinator(x) && from === COORDINATOR) cohortCanCommit(x, m.txn);
      assertConsistent(x.s);
      assert(x.s.prepared.length <= x.c.opts.transactions, 'prepared is bounded');
    },
    Vote(x, from, m) {
      if (isCoordinator(x) && isCohortId(x, from)) coordinatorVote(x, from, m.txn, m.vote);
      assertConsistent(x.s);
      assert(m.vote !== 'no' || x.s.voting[m.txn] === undefined, 'a No ends the voting');
    },
    DoCommit(x, from, m) {
      if (!isCoordinator(x)) cohortDecision(x, from, m.txn, 'commit');
      assertConsistent(x.s);
      assert(isCoordinator(x) || x.s.outcomes[m.txn] !== undefined, 'a decision is applied');
    },
    DoAbort(x, from, m) {
      if (!isCoordinator(x)) cohortDecision(x, from, m.txn, 'abort');
      assertConsistent(x.s);
      assert(isCoordinator(x) || x.s.outcomes[m.txn] !== undefined, 'a decision is applied');
    },
    HaveCommitted(x, from, m) {
      if (isCoordinator(x) && isCohortId(x, from)) coordinatorAck(x, from, m.txn);
      assertConsistent(x.s);
      assert(x.s.acks[m.txn] === undefined || !x.s.log[m.txn]?.done, 'done means all acked');
    },
    DecisionRequest(x, from, m) {
      if (isCoordinator(x)) coordinatorAnswer(x, from, m.txn);
      else if (isCohortId(x, from)) cohortAnswer(x, from, m.txn);
      assertConsistent(x.s);
      assert(x.s.begun <= x.c.opts.transactions, 'the workload is bounded');
    },
  },
  onTimer: {
    begin(x) {
      coordinatorBegin(x);
      assertConsistent(x.s);
      assert(isCoordinator(x), 'only the coordinator begins transactions');
    },
    tick(x) {
      if (isCoordinator(x)) coordinatorTick(x);
      else cohortTick(x);
      x.env.setTimer('tick', x.c.opts.retryMs);
      assertConsistent(x.s);
    },
  },
});
