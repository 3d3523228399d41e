// consensus/paxos's process: one node that is a learner and, as the options say, an acceptor
// and/or a proposer (Paxos Made Simple §2.1). Hosts parse peer input before delivery
// (parsePaxosMessage); each handler then checks it against the cluster's roles — a ballot
// names its proposer, replies come from acceptors — and drops (with a note) what fails, before
// the role that owns the message acts on it.
//
// Fault model: crash-recovery nodes, lossy/duplicating/reordering links, partitions. The
// acceptor's state, the highest round used and the learned value are durable fields (saved
// by the kernel in the step that changes them, so before that step's messages leave);
// everything else is rebuilt by a restarted node.

import { assert } from '../../../core/assert.js';
import { defineProcess } from '../../../core/kernel.js';
import type { NodeId } from '../../../core/process.js';
import { type AcceptorState, onAccept, onPrepare } from './acceptor.js';
import { compareBallots } from './ballot.js';
import { armAsk, learn, onAskTimer, onLearnRequest } from './learner.js';
import { type PaxosMessage, type PaxosOutput, parsePaxosMessage } from './messages.js';
import type { PaxosConfig, Roles } from './options.js';
import {
  assertProposer,
  onBackoffTimer,
  onRetryTimer,
  proposerReplies,
  startBallot,
} from './proposer.js';
import { admitted, type SenderChecks, senderAllowed } from './senders.js';
import { initPaxosState, type PaxosState, type X } from './state.js';

export type PaxosTimer = 'ask' | 'retry' | 'backoff';

/** Who may send each message: a request's ballot names its sender; replies come from acceptors. */
const SENDERS: SenderChecks<PaxosMessage, Roles> = {
  Prepare: (m, from) => m.ballot.proposer === from,
  Accept: (m, from) => m.ballot.proposer === from,
  Promise: (_m, from, roles) => roles.acceptors.includes(from),
  Accepted: (_m, from, roles) => roles.acceptors.includes(from),
  Nack: (_m, from, roles) => roles.acceptors.includes(from),
  Chosen: () => true,
  LearnRequest: () => true,
};

/** Whether a message from `from` is well formed and comes from a node allowed to send it. */
export function isValidMessage(m: PaxosMessage, from: NodeId, n: number, roles: Roles): boolean {
  return parsePaxosMessage(m, n) !== undefined && senderAllowed(SENDERS, m, from, roles);
}

/** Peer input that fails the role checks is dropped with a note (never asserted on). */
function accepts(x: X, from: NodeId, m: PaxosMessage): boolean {
  return admitted(x.env, from, m, isValidMessage(m, from, x.env.nodes.length, x.c.roles));
}

/** What must hold of an acceptor between steps: nothing accepted above the promise. */
function assertAcceptor(x: X, a: AcceptorState): void {
  assert(a.prepared === null || x.c.variant === 'seed-notes', 'only the notes remember Prepares');
  assert(
    a.accepted === null || compareBallots(a.accepted.ballot, a.promised) <= 0,
    'an acceptor never accepted above its promise',
  );
}

export const createPaxos = defineProcess<
  PaxosMessage,
  PaxosOutput,
  PaxosState,
  PaxosConfig,
  PaxosTimer
>({
  init: initPaxosState,
  durable: ['acceptor', 'round', 'learned'],
  onStart(x) {
    const { s } = x;
    if (s.proposer !== null) {
      s.proposer.highestRound = s.round;
      if (s.learned !== null) s.proposer.phase = 'done';
    }
    armAsk(x);
    if (s.proposer !== null && s.learned === null) startBallot(x);
    assert((s.acceptor !== null) === x.c.roles.acceptors.includes(x.env.id), 'acceptor by role');
    assertProposer(x);
  },
  onMessage: {
    Prepare(x, from, m) {
      if (!accepts(x, from, m)) return;
      const a = x.s.acceptor;
      if (a === null) return;
      x.env.send(from, onPrepare(a, x.c.variant, m));
      assert(compareBallots(a.promised, m.ballot) >= 0, 'the promise covers every Prepare seen');
      assertAcceptor(x, a);
    },
    Accept(x, from, m) {
      if (!accepts(x, from, m)) return;
      const a = x.s.acceptor;
      if (a === null) return;
      x.env.send(from, onAccept(a, x.env, m));
      assert(compareBallots(a.promised, m.ballot) >= 0, 'the promise covers every Accept seen');
      assertAcceptor(x, a);
    },
    Promise(x, from, m) {
      if (!accepts(x, from, m)) return;
      proposerReplies.Promise(x, from, m);
      assert(from !== x.env.id, 'a node does not message itself');
      assertProposer(x);
    },
    Accepted(x, from, m) {
      if (!accepts(x, from, m)) return;
      proposerReplies.Accepted(x, from, m);
      assert(from !== x.env.id, 'a node does not message itself');
      assertProposer(x);
    },
    Nack(x, from, m) {
      if (!accepts(x, from, m)) return;
      proposerReplies.Nack(x, from, m);
      const p = x.s.proposer;
      assert(p === null || p.highestRound >= m.promised.round, 'a Nack raises the next round');
      assertProposer(x);
    },
    Chosen(x, from, m) {
      if (!accepts(x, from, m)) return;
      learn(x, m.value);
      assert(x.s.learned !== null, 'an announced value is learned (or one already was)');
      assertProposer(x);
    },
    LearnRequest(x, from, m) {
      if (!accepts(x, from, m)) return;
      onLearnRequest(x, from);
      assert(from !== x.env.id, 'a node does not ask itself');
      assertProposer(x);
    },
  },
  onTimer: {
    ask(x) {
      onAskTimer(x);
      assert(x.s.learned === null, 'the ask timer is cancelled once a value is learned');
      assertProposer(x);
    },
    retry(x) {
      const before = x.s.round;
      const started = onRetryTimer(x);
      // Our own Prepare may be refused by our own acceptor at once, so no phase is implied.
      assert(!started || x.s.round > before, 'a retried ballot is higher than every one used');
      assertProposer(x);
    },
    backoff(x) {
      const before = x.s.round;
      const started = onBackoffTimer(x);
      assert(
        !started || x.s.round > before,
        'a ballot after backoff is higher than every one used',
      );
      assertProposer(x);
    },
  },
});
