// consensus/multi-paxos's process (Paxos Made Simple §3): every node is an acceptor, a
// proposer (follower, candidate or leader), a learner/replica and a client. Hosts parse peer
// input before delivery (parseMultiPaxosMessage); each handler then checks who sent it — a
// ballot names its proposer, a Request comes from its own client — and drops (with a note)
// what fails, before the side of the node that owns the message acts on it.
//
// Fault model: crash-recovery (the promise, the highest round used and the client's
// progress are durable fields; accepted and chosen slots a keyed log written by the acceptor
// and the replica), lossy/duplicating/reordering links, partitions, pauses and drift. On
// start a node reloads both logs and re-applies the chosen one to rebuild the key-value map.

import { assert } from '../../../core/assert.js';
import { defineProcess } from '../../../core/kernel.js';
import type { NodeId } from '../../../core/process.js';
import { type Ballot, compareBallots } from '../paxos/ballot.js';
import { admitted, type SenderChecks, senderAllowed } from '../paxos/senders.js';
import { accept, promise } from './acceptor.js';
import { onClientRetry, onThink, startClient } from './client.js';
import { onReply } from './client-reply.js';
import { applyCommand, type Command } from './command.js';
import {
  armElection,
  becomeFollower,
  campaign,
  onAcceptedReply,
  onHeartbeatTimer,
  onNack,
  onPromise,
  submit,
} from './leader.js';
import {
  type MultiPaxosMessage,
  type MultiPaxosOutput,
  parseMultiPaxosMessage,
} from './messages.js';
import type { MultiPaxosConfig } from './options.js';
import { followCommit, onCatchUp, onChosen } from './replica.js';
import {
  type AcceptedEntry,
  commitPoint,
  initMultiPaxosState,
  type MultiPaxosState,
  type X,
} from './state.js';

export type MultiPaxosTimer = 'election' | 'heartbeat' | 'client-think' | 'client-retry';

/** Who may send each message: a ballot names its proposer, a Request carries its client. */
const SENDERS: SenderChecks<MultiPaxosMessage, undefined> = {
  Prepare: (m, from) => m.ballot.proposer === from,
  Accept: (m, from) => m.ballot.proposer === from,
  Heartbeat: (m, from) => m.ballot.proposer === from,
  Request: (m, from) => m.command.kind === 'client' && m.command.client === from,
  Promise: () => true,
  Accepted: () => true,
  Nack: () => true,
  CatchUp: () => true,
  Chosen: () => true,
  Reply: () => true,
};

/** Whether a message from `from` is well formed and comes from a node allowed to send it. */
export function isValidMessage(m: MultiPaxosMessage, from: NodeId, n: number): boolean {
  return parseMultiPaxosMessage(m, n) !== undefined && senderAllowed(SENDERS, m, from, undefined);
}

/** Peer input that fails the sender checks is dropped with a note (never asserted on). */
function accepts(x: X, from: NodeId, m: MultiPaxosMessage): boolean {
  return admitted(x.env, from, m, isValidMessage(m, from, x.env.nodes.length));
}

/** What holds of a node between steps (our own bookkeeping, never peer input). */
function assertNode({ s, c }: X): void {
  assert(s.applied === commitPoint(s), 'every chosen slot in order is applied at once');
  assert((s.role === 'follower') === (s.ballot === null), 'only a proposer at work has a ballot');
  assert(s.seenRound >= s.round, 'the round used is among the rounds seen');
  assert(
    s.role !== 'leader' ||
      (s.leader !== null && s.ballot !== null && compareBallots(s.leader, s.ballot) === 0),
    'a leader follows its own ballot',
  );
  assert(s.client.done <= c.requests, 'a client completes at most its requests');
  assert(
    s.client.pending === null ||
      (s.client.pending.kind === 'client' && s.client.pending.seq === s.client.seq),
    'the pending command is the last one invoked',
  );
}

/** A message from a leader at `ballot` (Accept or Heartbeat) that this node accepts. */
function heardLeader(x: X, ballot: Ballot, commitUpTo: number): void {
  const { s } = x;
  if (s.ballot !== null && compareBallots(ballot, s.ballot) > 0) becomeFollower(x, ballot);
  if (s.role === 'follower') {
    if (s.leader === null || compareBallots(ballot, s.leader) >= 0) s.leader = ballot;
    s.seenRound = Math.max(s.seenRound, ballot.round);
    armElection(x);
  }
  if (s.role === 'follower') followCommit(x, commitUpTo);
}

/** Reloads the keyed logs (accepted and chosen slots) a restarted node left in storage. */
function restoreLogs({ s, env }: X): void {
  for (const key of env.storage.keys('acc/')) {
    const entry = env.storage.get<AcceptedEntry>(key);
    if (entry !== undefined) s.accepted.set(Number(key.slice(4)), entry);
  }
  for (const key of env.storage.keys('chosen/')) {
    const command = env.storage.get<Command>(key);
    if (command !== undefined) s.chosen.set(Number(key.slice(7)), command);
  }
}

export const createMultiPaxos = defineProcess<
  MultiPaxosMessage,
  MultiPaxosOutput,
  MultiPaxosState,
  MultiPaxosConfig,
  MultiPaxosTimer
>({
  init: initMultiPaxosState,
  durable: ['promised', 'round', 'client'],
  onStart(x) {
    const { s } = x;
    s.seenRound = s.round;
    restoreLogs(x);
    // Re-apply the chosen log (no replies: this node is not the leader yet).
    for (let slot = 1; s.chosen.has(slot); slot++) {
      applyCommand(s.kv, s.chosen.get(slot) as Command);
      s.applied = slot;
    }
    armElection(x);
    startClient(x);
    assert(s.role !== 'candidate', 'a node starts as a follower (or a leader of one)');
    assertNode(x);
  },
  onMessage: {
    Prepare(x, from, m) {
      if (!accepts(x, from, m)) return;
      const { s, env } = x;
      const reply = promise(x, m.ballot, m.fromSlot);
      if (reply.type === 'Promise') {
        if (s.role !== 'follower' && s.ballot !== null && compareBallots(m.ballot, s.ballot) > 0)
          becomeFollower(x, null);
        s.seenRound = Math.max(s.seenRound, m.ballot.round);
        armElection(x); // Give the candidate time to win.
      }
      env.send(from, reply);
      assert(compareBallots(s.promised, m.ballot) >= 0, 'the promise covers every Prepare seen');
      assertNode(x);
    },
    Accept(x, from, m) {
      if (!accepts(x, from, m)) return;
      const reply = accept(x, m.ballot, m.slot, m.command);
      x.env.send(from, reply);
      if (reply.type === 'Accepted') heardLeader(x, m.ballot, m.commitUpTo);
      assert(compareBallots(x.s.promised, m.ballot) >= 0, 'the promise covers every Accept seen');
      assertNode(x);
    },
    Heartbeat(x, from, m) {
      if (!accepts(x, from, m)) return;
      const { s, env } = x;
      const stale = compareBallots(m.ballot, s.promised) < 0;
      if (stale) env.send(from, { type: 'Nack', ballot: m.ballot, promised: s.promised });
      else heardLeader(x, m.ballot, m.commitUpTo);
      assert(stale || s.role !== 'follower' || s.leader !== null, 'a heard leader is followed');
      assertNode(x);
    },
    Promise(x, from, m) {
      if (!accepts(x, from, m)) return;
      onPromise(x, from, m);
      const { s, c } = x;
      assert(s.role !== 'candidate' || s.promises.size < c.majority, 'a majority makes a leader');
      assertNode(x);
    },
    Accepted(x, from, m) {
      if (!accepts(x, from, m)) return;
      onAcceptedReply(x, from, m);
      const flight = x.s.inflight.get(m.slot);
      assert(flight === undefined || flight.acks.length < x.c.majority, 'a majority chooses');
      assertNode(x);
    },
    Nack(x, from, m) {
      if (!accepts(x, from, m)) return;
      onNack(x, m.ballot, m.promised);
      assert(x.s.seenRound >= m.promised.round, 'a Nack raises the rounds seen');
      assertNode(x);
    },
    CatchUp(x, from, m) {
      if (!accepts(x, from, m)) return;
      onCatchUp(x, from, m.fromSlot);
      assert(from !== x.env.id, 'a node does not ask itself');
      assertNode(x);
    },
    Chosen(x, from, m) {
      if (!accepts(x, from, m)) return;
      onChosen(x, m.entries);
      assert(
        m.entries.every((e) => x.s.chosen.has(e.slot)),
        'every announced slot is chosen here',
      );
      assertNode(x);
    },
    Request(x, from, m) {
      if (!accepts(x, from, m)) return;
      submit(x, m.command, from);
      assert(x.s.role !== 'candidate' || x.s.queue.length > 0, 'a candidate queues requests');
      assertNode(x);
    },
    Reply(x, from, m) {
      if (!accepts(x, from, m)) return;
      onReply(x, m.seq, m.result);
      assert(x.s.client.pending?.kind !== 'noop', 'a client never invokes a no-op');
      assertNode(x);
    },
  },
  onTimer: {
    election(x) {
      const { s } = x;
      const before = { role: s.role, round: s.round };
      if (s.role !== 'leader') campaign(x);
      assert(before.role === 'leader' || s.round > before.round, 'each campaign is higher');
      assertNode(x);
    },
    heartbeat(x) {
      onHeartbeatTimer(x);
      assert(x.s.role === 'leader' || x.s.inflight.size === 0, 'only a leader has inflight slots');
      assertNode(x);
    },
    'client-think'(x) {
      const done = x.s.client.done;
      onThink(x);
      assert(x.s.client.done >= done, 'completed commands stay completed');
      assertNode(x);
    },
    'client-retry'(x) {
      const seq = x.s.client.seq;
      onClientRetry(x);
      assert(x.s.client.seq === seq, 'a retry re-submits the same command');
      assertNode(x);
    },
  },
});
