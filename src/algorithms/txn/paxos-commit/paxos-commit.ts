// The txn/paxos-commit process: Gray & Lamport's Paxos Commit ("Consensus on Transaction
// Commit", ACM TODS 2006). Each RM's Prepared/Aborted vote is decided by its own Paxos
// instance on 2F+1 acceptors; the transaction commits iff every instance chooses Prepared.
// Node 1 is the TM (tm.ts), nodes 2..N+1 the RMs (rm.ts), then the acceptors (acceptor.ts);
// leaders — the TM, or an RM in doubt — share leader.ts.
//
// Fault model: every fault kind. Safety is Paxos's and needs no timing: a ballot has one
// proposer and one value, every promise and acceptance is durable before it is announced,
// and an RM's Prepared only follows its durable prepared record. Liveness needs F+1
// acceptors and either the TM or an in-doubt RM up — it survives the TM's crash and F
// acceptors' together (scenario `tm-and-f-acceptors-crash`), unlike 2PC.

import { assert } from '../../../core/assert.js';
import { defineProcess } from '../../../core/kernel.js';
import type { TxnOutput } from '../shared/outputs.js';
import { acceptorPhase1a, acceptorPhase2a } from './acceptor.js';
import { leaderPhase1b, leaderPhase2b } from './leader.js';
import type { PaxosCommitMessage } from './messages.js';
import { type PaxosCommitConfig, TM } from './options.js';
import { rmLearn, rmOutcome, rmPrepare, rmStart, rmTick } from './rm.js';
import {
  initPaxosCommitState,
  PAXOS_COMMIT_DURABLE,
  type PaxosCommitState,
  type X,
} from './state.js';
import { tmAck, tmBegin, tmLearn, tmStart, tmTick } from './tm.js';

export type PaxosCommitTimer = 'begin' | 'tick';

const isLeader = (x: X) => x.s.role === 'tm' || x.s.role === 'rm';

/** What holds after every step of ours. */
function assertConsistent(s: PaxosCommitState): void {
  assert(
    s.prepared.every((t) => s.outcomes[t] === undefined),
    'prepared means in doubt',
  );
  assert(
    Object.values(s.leading).every((l) => l.ballot === 0 || l.ballot > 0),
    'ballots are counts',
  );
}

function onOutcome(x: X, from: number, txn: number, outcome: 'commit' | 'abort'): void {
  if (x.s.role === 'rm') rmOutcome(x, from, txn, outcome);
  else if (x.s.role === 'tm' && from !== TM) tmLearn(x, txn, outcome, { decided: false });
}

export const createPaxosCommit = defineProcess<
  PaxosCommitMessage,
  TxnOutput,
  PaxosCommitState,
  PaxosCommitConfig,
  PaxosCommitTimer
>({
  init: initPaxosCommitState,
  durable: [...PAXOS_COMMIT_DURABLE],
  onStart(x) {
    if (x.s.role === 'tm') tmStart(x);
    if (x.s.role === 'rm') rmStart(x);
    if (isLeader(x)) x.env.setTimer('tick', x.c.opts.retryMs);
    assertConsistent(x.s);
    assert(x.s.begun <= x.c.opts.transactions, 'the workload is bounded');
  },
  onMessage: {
    Prepare(x, from, m) {
      if (x.s.role === 'rm' && from === TM) rmPrepare(x, m.txn);
      assertConsistent(x.s);
      assert(x.s.prepared.length <= x.c.opts.transactions, 'prepared is bounded');
    },
    Phase1a(x, from, m) {
      if (x.s.role === 'acceptor') acceptorPhase1a(x, from, m.txn, m.ballot);
      assertConsistent(x.s);
      assert(
        x.s.role !== 'acceptor' || Object.keys(x.s.instances).length <= x.c.opts.transactions,
        'bounded',
      );
    },
    Phase1b(x, from, m) {
      if (isLeader(x)) leaderPhase1b(x, from, m);
      assertConsistent(x.s);
      assert(x.s.leading[m.txn] === undefined || x.s.leading[m.txn]!.ballot >= 0, 'ballots');
    },
    Phase2a(x, from, m) {
      if (x.s.role === 'acceptor') acceptorPhase2a(x, from, m);
      assertConsistent(x.s);
      assert(
        x.s.role !== 'acceptor' || Object.keys(x.s.instances).length <= x.c.opts.transactions,
        'bounded',
      );
    },
    Phase2b(x, from, m) {
      if (!isLeader(x)) return;
      const outcome = leaderPhase2b(x, from, m);
      if (outcome !== undefined && x.s.role === 'tm') tmLearn(x, m.txn, outcome, { decided: true });
      if (outcome !== undefined && x.s.role === 'rm') rmLearn(x, m.txn, outcome);
      assertConsistent(x.s);
      assert(outcome === undefined || x.s.leading[m.txn] === undefined, 'a decided txn is not led');
    },
    Commit(x, from, m) {
      onOutcome(x, from, m.txn, 'commit');
      assertConsistent(x.s);
      assert(x.s.role !== 'rm' || x.s.outcomes[m.txn] !== undefined, 'an outcome is applied');
    },
    Abort(x, from, m) {
      onOutcome(x, from, m.txn, 'abort');
      assertConsistent(x.s);
      assert(x.s.role !== 'rm' || x.s.outcomes[m.txn] !== undefined, 'an outcome is applied');
    },
    Ack(x, from, m) {
      if (x.s.role === 'tm' && x.c.rms.includes(from)) tmAck(x, from, m.txn);
      assertConsistent(x.s);
      assert((x.s.known[m.txn]?.acked.length ?? 0) <= x.c.rms.length, 'acks are bounded');
    },
  },
  onTimer: {
    begin(x) {
      tmBegin(x);
      assertConsistent(x.s);
      assert(x.s.role === 'tm', 'only the TM begins transactions');
    },
    tick(x) {
      if (x.s.role === 'tm') tmTick(x);
      else rmTick(x);
      x.env.setTimer('tick', x.c.opts.retryMs);
      assertConsistent(x.s);
    },
  },
});
