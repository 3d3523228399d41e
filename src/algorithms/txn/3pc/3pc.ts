// The txn/3pc process: three-phase commit with the notes' timeouts on both sides [001 §2.3.2;
// Skeen 1981]. Node 1 is the coordinator (coordinator.ts), nodes 2..n the cohorts
// (cohort.ts). Both run a `tick` every `retryMs` that checks their timeouts.
//
// Fault model: a synchronous network — messages delayed at most 40 ms, duplicated perhaps,
// never lost, no crash, pause or partition. The timeouts are safe only under it: a cohort
// that times out takes a decision on the coordinator's behalf, guessing from its own state
// what the coordinator did. Outside it the guess can be wrong (scenario
// `partition-divergence`, where the atomicity check catches it); the one crash 3PC is built
// for — the coordinator's — is shown to be survived in the scenarios.

import { assert } from '../../../core/assert.js';
import { defineProcess } from '../../../core/kernel.js';
import type { TxnOutput } from '../shared/outputs.js';
import {
  cohortCanCommit,
  cohortDecision,
  cohortPreCommit,
  cohortStart,
  cohortTick,
} from './cohort.js';
import {
  coordinatorAck,
  coordinatorBegin,
  coordinatorHaveCommitted,
  coordinatorStart,
  coordinatorTick,
  coordinatorVote,
} from './coordinator.js';
import type { ThreePcMessage } from './messages.js';
import type { ThreePcConfig, X } from './options.js';
import { COORDINATOR, initThreePcState, THREE_PC_DURABLE, type ThreePcState } from './state.js';

export type ThreePcTimer = 'begin' | 'tick';

const isCoordinator = (x: X) => x.s.role === 'coordinator';
const isCohortId = (x: X, id: number) => id !== COORDINATOR && id <= x.env.nodes.length;
const fromCoordinator = (x: X, from: number) => !isCoordinator(x) && from === COORDINATOR;

/** What holds after every step of ours. */
function assertConsistent(s: ThreePcState): void {
  assert(
    s.prepared.every((t) => s.outcomes[t] === undefined),
    'precommitted means unresolved',
  );
  assert(
    Object.keys(s.uncertain).every((t) => s.outcomes[Number(t)] === undefined),
    'uncertain means unresolved',
  );
}

export const createThreePc = defineProcess<
  ThreePcMessage,
  TxnOutput,
  ThreePcState,
  ThreePcConfig,
  ThreePcTimer
>({
  init: initThreePcState,
  durable: [...THREE_PC_DURABLE],
  onStart(x) {
    if (isCoordinator(x)) coordinatorStart(x);
    else cohortStart(x);
    x.env.setTimer('tick', x.c.opts.retryMs);
    assertConsistent(x.s);
    assert(x.s.begun <= x.c.opts.transactions, 'the workload is bounded');
  },
  onMessage: {
    CanCommit(x, from, m) {
      if (fromCoordinator(x, from)) cohortCanCommit(x, m.txn);
      assertConsistent(x.s);
      assert(x.s.prepared.length <= x.c.opts.transactions, 'precommitted is bounded');
    },
    Vote(x, from, m) {
      if (isCoordinator(x) && isCohortId(x, from)) coordinatorVote(x, from, m.txn, m.vote);
      assertConsistent(x.s);
      assert(m.vote !== 'no' || x.s.pending[m.txn] === undefined, 'a No ends the voting');
    },
    PreCommit(x, from, m) {
      if (fromCoordinator(x, from)) cohortPreCommit(x, m.txn);
      assertConsistent(x.s);
      assert(x.s.uncertain[m.txn] === undefined, 'PreCommit ends the uncertainty');
    },
    Ack(x, from, m) {
      if (isCoordinator(x) && isCohortId(x, from)) coordinatorAck(x, from, m.txn);
      assertConsistent(x.s);
      assert(x.s.log[m.txn] === undefined || x.s.pending[m.txn] === undefined, 'decided ends');
    },
    DoCommit(x, from, m) {
      if (fromCoordinator(x, from)) cohortDecision(x, m.txn, 'commit');
      assertConsistent(x.s);
      assert(isCoordinator(x) || x.s.outcomes[m.txn] !== undefined, 'a decision is applied');
    },
    Abort(x, from, m) {
      if (fromCoordinator(x, from)) cohortDecision(x, m.txn, 'abort');
      assertConsistent(x.s);
      assert(isCoordinator(x) || x.s.outcomes[m.txn] !== undefined, 'a decision is applied');
    },
    HaveCommitted(x, from, m) {
      if (isCoordinator(x) && isCohortId(x, from)) coordinatorHaveCommitted(x, from, m.txn);
      assertConsistent(x.s);
      assert(x.s.acks[m.txn] === undefined || !x.s.log[m.txn]?.done, 'done means all acked');
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
