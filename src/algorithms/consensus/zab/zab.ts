// A ZooKeeper server running ZAB (Junqueira, Reed and Serafini, "Zab: High-performance
// broadcast for primary-backup systems", DSN 2011) on top of election/zab-fle, which is
// reused, not rewritten: its handlers elect a prospective leader (phase 0) and establish its
// epoch with a quorum (phase 1, discovery: FollowerInfo → LeaderInfo → AckEpoch, where the
// leader gives up if a follower's history is newer than its own). election.ts runs them.
//
// Phase 2, synchronization. Each learner asks the established leader for its history
// (SyncRequest); the leader sends NewLeader(epoch, history, committed); the learner adopts
// that history (dropping proposals the leader lacks — they were never committed), only THEN
// takes the epoch as its currentEpoch (so an unsynchronized learner cannot win a later
// election on its epoch alone), and answers AckNewLeader. Once a quorum has, the leader
// commits its whole history — every proposal committed in an earlier epoch is in it — and
// only then proposes anything new (leader.ts, learner.ts).
//
// Phase 3, broadcast. A client operation is proposed by the leader with zxid (epoch,
// counter + 1), durable in its history, and sent as a Proposal; learners accept proposals
// strictly in zxid order and acknowledge cumulatively; a quorum of acknowledgements commits,
// and commits are delivered in zxid order to the shared key-value machine (log.ts).
// Operations submitted at a learner are forwarded to the leader (submit.ts). Observers learn proposals and commits but their acknowledgements never
// count.
//
// Fault model: crash-recovery (history, delivered zxid, epochs and the client's progress
// durable); links may lose, duplicate, reorder and delay (ZAB assumes FIFO channels: the
// in-order acceptance rule and the leader's periodic re-send from each learner's acknowledged
// zxid rebuild them); partitions, pauses, drift.

import { assert } from '../../../core/assert.js';
import { defineProcess } from '../../../core/kernel.js';
import type { NodeId } from '../../../core/process.js';
import type { FleMessage } from '../../election/zab-fle/messages.js';
import { type FleTimer, fleDefinition } from '../../election/zab-fle/zab-fle.js';
import { think } from './client.js';
import {
  electionMessage,
  electionTimer,
  fleStep,
  followElection,
  requestSync,
} from './election.js';
import {
  leaderTick,
  onAck,
  onAckNewLeader,
  onForward,
  sendNewLeader,
  syncStraggler,
} from './leader.js';
import {
  fromOurLeader,
  learnerTick,
  MAX_EARLY,
  onCommit,
  onNewLeader,
  onProposal,
} from './learner.js';
import { loadHistory, replay } from './log.js';
import type { ZabMessage, ZabOutput } from './messages.js';
import type { ZabConfig } from './options.js';
import { initZabState, lastZxid, type X, type ZabState } from './state.js';
import { startOperation, submit } from './submit.js';

export type ZabTimer = 'tick' | 'think' | FleTimer;

/**
 * After every step: follow the election's role changes, then check what must hold (our own
 * bookkeeping, never peer input).
 */
function settle(x: X): void {
  followElection(x);
  const { s, env, c } = x;
  assert(s.seen.role === s.role && s.seen.term === s.term, 'ZAB follows the election');
  const serving = s.role === 'leader' || s.role === 'follower' || s.role === 'observer';
  assert((s.phase === 'election') === !serving, 'a server syncs or broadcasts only once elected');
  assert(s.phase === 'election' || s.epoch === s.term, "a server works in its leader's epoch");
  assert(
    s.role !== 'leader' || s.phase === 'election' || s.learners[env.id] !== undefined,
    'a leader counts itself among its learners',
  );
  assert(s.delivered <= s.committed, 'only committed transactions are delivered');
  assert(s.early.size <= MAX_EARLY, 'the early buffer is bounded');
  assert(s.done <= c.requests, 'a client completes at most its requests');
  assert(s.pending === null || s.pending.seq === s.seq, 'the pending operation is the last one');
}

type Of<T extends ZabMessage['type']> = Extract<ZabMessage, { type: T }>;

/** An election message: zab-fle's handler; a PingAck may also reveal an unsynced learner. */
function election<T extends FleMessage['type']>(type: T) {
  return (x: X, from: NodeId, m: Of<T>): void => {
    if (type === 'PingAck') syncStraggler(x, from, m as Of<'PingAck'>);
    electionMessage(x, from, m as FleMessage);
    settle(x);
  };
}

export const createZab = defineProcess<ZabMessage, ZabOutput, ZabState, ZabConfig, ZabTimer>({
  init: initZabState,
  durable: [...(fleDefinition.durable ?? []), 'delivered', 'seq', 'done'],
  onStart(x) {
    const { s, env, c } = x;
    s.history = loadHistory(x);
    s.committed = s.delivered;
    replay(x);
    fleDefinition.onStart(fleStep(x));
    s.seen = { role: s.role, term: s.term };
    env.setTimer('tick', c.tickMs);
    think(x);
    assert(s.phase === 'election', 'a started server is electing');
    assert(s.pending === null, 'a crash loses the pending operation');
  },
  onMessage: {
    Notification: election('Notification'),
    Ping: election('Ping'),
    PingAck: election('PingAck'),
    FollowerInfo: election('FollowerInfo'),
    LeaderInfo: election('LeaderInfo'),
    AckEpoch: election('AckEpoch'),
    SyncRequest(x, from, m) {
      const { s } = x;
      if (s.role === 'leader' && m.epoch === s.epoch) sendNewLeader(x, from);
      assert(from !== x.env.id, 'a leader does not sync with itself');
      settle(x);
    },
    AckNewLeader(x, from, m) {
      const { s, env } = x;
      const counted = s.role === 'leader' && m.epoch === s.epoch && from !== env.id;
      if (s.role === 'leader') onAckNewLeader(x, from, m);
      assert(!counted || s.learners[from] !== undefined, 'a synchronized learner is counted');
      settle(x);
    },
    Ack(x, from, m) {
      const { s } = x;
      const known = s.learners[from];
      if (s.role === 'leader') onAck(x, from, m);
      assert(known === undefined || (s.learners[from] ?? 0) >= known, 'acks only move forward');
      settle(x);
    },
    Forward(x, _from, m) {
      const { s } = x;
      if (s.role === 'leader') onForward(x, m);
      const proposed = s.history.some((t) => t.origin === m.origin && t.seq === m.seq);
      assert(
        s.role !== 'leader' || s.phase !== 'broadcast' || proposed,
        'an operation is proposed',
      );
      settle(x);
    },
    NewLeader(x, from, m) {
      const { s } = x;
      const ours = fromOurLeader(x, from, m.epoch);
      if (ours) onNewLeader(x, from, m);
      assert(!ours || s.phase === 'broadcast', 'a synchronized learner broadcasts');
      assert(!ours || s.currentEpoch === s.epoch, 'a synchronized learner takes the epoch');
      settle(x);
    },
    Proposal(x, from, m) {
      const { s } = x;
      if (fromOurLeader(x, from, m.epoch)) onProposal(x, from, m);
      const last = lastZxid(s);
      assert(
        [...s.early.keys()].every((z) => z > last),
        'held-back proposals lie ahead',
      );
      settle(x);
    },
    Commit(x, from, m) {
      const { s } = x;
      const committed = s.committed;
      if (fromOurLeader(x, from, m.epoch)) onCommit(x, m);
      assert(s.committed >= committed, 'the commit point never moves back within a step');
      settle(x);
    },
  },
  onTimer: {
    tick(x) {
      const { s, env, c } = x;
      env.setTimer('tick', c.tickMs);
      if (s.phase === 'sync' && s.role !== 'leader' && s.leader !== null) requestSync(x);
      if (s.phase === 'broadcast' && s.role === 'leader') leaderTick(x);
      learnerTick(x);
      const p = s.pending;
      if (p !== null && env.now() - p.sentAt >= c.retryMs) submit(x);
      assert(p === null || env.now() - p.sentAt < c.retryMs || s.phase !== 'broadcast', 'retried');
      settle(x);
    },
    think(x) {
      const seq = x.s.seq;
      startOperation(x);
      assert(x.s.seq - seq <= 1, 'one operation at a time');
      settle(x);
    },
    finalize: (x) => timer(x, 'finalize'),
    establish: (x) => timer(x, 'establish'),
    ping: (x) => timer(x, 'ping'),
    watch: (x) => timer(x, 'watch'),
  },
});

/** An election timer: zab-fle's handler, then ZAB follows. */
function timer(x: X, name: FleTimer): void {
  electionTimer(x, name);
  settle(x);
}
