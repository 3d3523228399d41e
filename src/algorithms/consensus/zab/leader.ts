// The ZAB leader (Junqueira et al., DSN 2011): phase 2 ends when a quorum holds its history
// (all of it is then committed, whatever earlier epoch proposed it); phase 3 proposes each
// client operation with zxid (epoch, counter + 1), commits the largest zxid a quorum of voters has
// acknowledged (acknowledgements are cumulative) and re-sends to learners that stalled.
//
// Fault model: learners' messages may be lost, duplicated, reordered or from another epoch
// (dropped by epoch); a learner whose AckNewLeader was lost is synchronized again when it
// answers a Ping (syncStraggler); a stalled learner gets what follows its acknowledged zxid.

import type { NodeId } from '../../../core/process.js';
import { isQuorum } from '../../election/zab-fle/quorum.js';
import type { KvOp } from '../../replicated-kv/ops.js';
import { append, deliver } from './log.js';
import type { Txn, ZabMessage } from './messages.js';
import { lastZxid, type X } from './state.js';
import { makeZxid } from './zxid.js';

type Of<T extends ZabMessage['type']> = Extract<ZabMessage, { type: T }>;

const learnerIds = (x: X): NodeId[] => Object.keys(x.s.learners).map(Number);

/** Tells every synchronized learner but us that everything up to `zxid` is committed. */
function sendCommits(x: X, zxid: number): void {
  const { s, env } = x;
  for (const l of learnerIds(x))
    if (l !== env.id) env.send(l, { type: 'Commit', epoch: s.epoch, zxid });
}

/** Phase 2 ends when a quorum holds our history: all of it is committed. */
export function maybeEstablish(x: X): void {
  const { s, c } = x;
  if (s.phase !== 'sync' || !isQuorum(c.quorum, learnerIds(x))) return;
  s.phase = 'broadcast';
  s.committed = lastZxid(s);
  deliver(x);
  sendCommits(x, s.committed);
}

/** Phase 3: a new operation gets the epoch's next zxid, durably, and goes to every learner. */
export function propose(x: X, origin: number, seq: number, op: KvOp): void {
  const { s, env } = x;
  s.counter += 1;
  const txn = { zxid: makeZxid(s.epoch, s.counter), origin, seq, op };
  append(x, txn);
  s.learners[env.id] = txn.zxid;
  env.output({ type: 'propose', txn });
  for (const l of learnerIds(x))
    if (l !== env.id) env.send(l, { type: 'Proposal', epoch: s.epoch, txn });
  maybeCommit(x);
}

/** The largest zxid a quorum of voters has acknowledged commits (cumulative acks). */
export function maybeCommit(x: X): void {
  const { s, c } = x;
  const acked = (zxid: number) =>
    Object.entries(s.learners)
      .filter(([, last]) => last >= zxid)
      .map(([l]) => Number(l));
  let best = s.committed;
  for (let i = s.history.length - 1; i >= 0; i--) {
    const zxid = (s.history[i] as Txn).zxid;
    if (zxid <= s.committed) break;
    if (isQuorum(c.quorum, acked(zxid))) {
      best = zxid;
      break;
    }
  }
  if (best === s.committed) return;
  s.committed = best;
  deliver(x);
  sendCommits(x, best);
}

export function sendNewLeader({ s, env }: X, to: NodeId): void {
  // A copy: the message must say what the history was when it was sent, not what a later
  // step (possibly one the disk then lost) made of it.
  const history = [...s.history];
  env.send(to, { type: 'NewLeader', epoch: s.epoch, history, committed: s.committed });
}

/** Re-sends a lagging learner what follows its acknowledged zxid (FIFO rebuilt). */
function resend(x: X, to: NodeId): void {
  const { s, env, c } = x;
  const acked = s.learners[to] ?? 0;
  const next = s.history.filter((t) => t.zxid > acked).slice(0, c.resendBatch);
  for (const txn of next) env.send(to, { type: 'Proposal', epoch: s.epoch, txn });
}

/** A learner holds our history (phase 2): count it, and commit what a quorum now holds. */
export function onAckNewLeader(x: X, from: NodeId, m: Of<'AckNewLeader'>): void {
  const { s, env } = x;
  if (m.epoch !== s.epoch || from === env.id) return;
  s.learners[from] = Math.max(s.learners[from] ?? 0, Math.min(m.zxid, lastZxid(s)));
  maybeEstablish(x);
  if (s.phase === 'broadcast') {
    env.send(from, { type: 'Commit', epoch: s.epoch, zxid: s.committed });
    resend(x, from);
  }
  maybeCommit(x);
}

/** A learner's cumulative acknowledgement (phase 3). */
export function onAck(x: X, from: NodeId, m: Of<'Ack'>): void {
  const { s, env } = x;
  const known = s.learners[from];
  if (m.epoch !== s.epoch || known === undefined || s.phase !== 'broadcast') return;
  s.learners[from] = Math.max(known, Math.min(m.zxid, lastZxid(s)));
  maybeCommit(x);
  // An acknowledgement that brings nothing new is a learner asking for the Commit.
  if (m.zxid <= known && m.zxid <= s.committed)
    env.send(from, { type: 'Commit', epoch: s.epoch, zxid: s.committed });
}

/** An operation submitted at a learner: proposed once (a retry of a proposed one is not). */
export function onForward(x: X, m: Of<'Forward'>): void {
  const { s } = x;
  if (s.phase !== 'broadcast') return;
  if (s.history.some((t) => t.origin === m.origin && t.seq === m.seq)) return;
  propose(x, m.origin, m.seq, m.op);
}

/**
 * A learner answering our pings that we do not count as synchronized (its AckNewLeader was
 * lost) gets our history again; it answers with what it holds.
 */
export function syncStraggler(x: X, from: NodeId, m: Of<'PingAck'>): void {
  const { s } = x;
  if (s.role !== 'leader' || s.phase === 'election') return;
  if (m.epoch === s.epoch && s.learners[from] === undefined) sendNewLeader(x, from);
}

/** Every tick: re-send only to learners whose acknowledgements stalled since the last one. */
export function leaderTick(x: X): void {
  const { s, env } = x;
  // The others' proposals are merely in flight.
  for (const [l, acked] of Object.entries(s.learners)) {
    if (Number(l) !== env.id && acked < lastZxid(s) && s.ackedAtTick[l] === acked)
      resend(x, Number(l));
    s.ackedAtTick[l] = acked;
  }
}
