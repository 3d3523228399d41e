// The leader's half of log replication (§5.3) with etcd-style flow control (progress.ts):
// AppendEntries are batched (up to maxBatch entries) and pipelined (up to maxInflight per
// follower in the replicate state); a follower whose next entry is compacted away gets an
// InstallSnapshot (§7). Heartbeats carry the commit index and the ReadIndex round (§6.4).
// Commitment counts replicas only of current-term entries (§5.4.2, Figure 8).
//
// Fault model: any AppendEntries or reply may be lost, duplicated, reordered or stale; the
// consistency check and the stale-reply filters in Progress keep matchIndex truthful.

import { assert } from '../../../core/assert.js';
import type { NodeId } from '../../../core/process.js';
import { quorumIndex } from '../../../core/quorum.js';
import { applyCommitted } from './apply.js';
import type {
  AppendEntriesReply,
  Entry,
  HeartbeatReply,
  InstallSnapshotReply,
} from './messages.js';
import { Progress } from './progress.js';
import { advanceReads, onLeaderCommit } from './read-index.js';
import type { Server } from './state.js';
import { membersOf, votersOf } from './state.js';

/**
 * Keeps one Progress per other member — voter or learner — of the latest configuration
 * (dissertation §4.1). A removed server keeps its Progress until the configuration that
 * removes it is committed AND it holds that entry: it then knows it is out and stops
 * campaigning, instead of timing out forever (the disruptive removed server of §4.2.3).
 * Quorums count voters only, so a learner's Progress only feeds its own replication.
 */
export function syncProgress(x: Server): void {
  const { s } = x;
  const members = membersOf(s);
  for (const v of members) {
    if (v !== s.id && !s.progress.has(v)) s.progress.set(v, new Progress(s.log.lastIndex + 1));
  }
  const settled = s.log.configIndex <= s.commitIndex;
  for (const [id, pr] of s.progress) {
    if (!members.includes(id) && settled && pr.matchIndex >= s.log.configIndex)
      s.progress.delete(id);
  }
}

/**
 * Appends an entry of the current term to the leader's log and replicates it — or, with
 * `broadcast` false, leaves the AppendEntries to the caller, which proposes several entries
 * in one step and then calls `bcastAppend` once (etcd's raft appends a MsgProp's entries
 * together), so followers get one message for the lot instead of one each.
 */
export function propose(x: Server, entry: Entry, broadcast = true): void {
  const { s } = x;
  assert(s.role === 'leader', 'only leaders propose');
  assert(entry.term === s.term && entry.index === s.log.lastIndex + 1, 'next entry, our term');
  s.log.append(entry);
  if (entry.kind === 'config') syncProgress(x);
  maybeCommit(x);
  if (broadcast) bcastAppend(x);
}

export function bcastAppend(x: Server): void {
  for (const id of x.s.progress.keys()) sendAppendWhileOpen(x, id);
}

/** Sends as many AppendEntries as the follower's window allows (pipelining). */
function sendAppendWhileOpen(x: Server, to: NodeId): void {
  const { s } = x;
  for (let i = 0; i < x.c.maxInflight; i++) {
    if (!sendAppend(x, to)) return;
    const pr = s.progress.get(to);
    if (pr === undefined || pr.state !== 'replicate' || pr.nextIndex > s.log.lastIndex) return;
  }
}

/**
 * One AppendEntries (or InstallSnapshot) to `to`, unless its progress is paused. Returns
 * whether something was sent. An empty AppendEntries goes to a probe (it establishes the
 * match point), or when `sendIfEmpty`: a follower that answers a heartbeat while behind may
 * have lost the appends in flight, and its rejection of an empty one at nextIndex rewinds
 * nextIndex (etcd's sendIfEmpty on MsgHeartbeatResp).
 */
export function sendAppend(x: Server, to: NodeId, sendIfEmpty = false): boolean {
  const { s, env, c } = x;
  const pr = s.progress.get(to);
  if (pr === undefined || pr.isPaused(c.maxInflight)) return false;
  const prevLogIndex = pr.nextIndex - 1;
  const prevLogTerm = s.log.term(prevLogIndex);
  if (prevLogTerm === undefined) return sendSnapshot(x, to);
  const last = Math.min(s.log.lastIndex, prevLogIndex + c.maxBatch);
  const entries = last > prevLogIndex ? s.log.slice(prevLogIndex + 1, last) : [];
  if (entries.length === 0 && pr.state !== 'probe' && !sendIfEmpty) return false;
  const message = {
    type: 'AppendEntries',
    term: s.term,
    prevLogIndex,
    prevLogTerm,
    entries,
    leaderCommit: s.commitIndex,
  } as const;
  // parallelAppend: once something of this leadership is durable (so our term and vote
  // are), entries leave while we write them; we count our own copy only when it is on disk.
  env.send(to, message, { beforeDurable: c.parallelAppend && s.durableIndex > 0 });
  pr.sent(last, entries.length);
  return true;
}

function sendSnapshot(x: Server, to: NodeId): boolean {
  const { s, env } = x;
  const pr = s.progress.get(to);
  assert(pr !== undefined, 'snapshots go to tracked followers');
  const snapshot = s.log.snapshot;
  assert(snapshot.index > 0, 'only a compacted prefix needs a snapshot');
  env.send(to, { type: 'InstallSnapshot', term: s.term, snapshot });
  pr.becomeSnapshot(snapshot.index);
  return true;
}

/**
 * Figure 2 (leaders): the largest N replicated on a majority with log[N].term == term. Our
 * own copy counts once it is durable: at once when nothing leaves before the disk (the host
 * holds every message until the step is durable), else as `durableIndex` says.
 */
export function maybeCommit(x: Server): void {
  const { s, c } = x;
  const own = c.parallelAppend ? s.durableIndex : s.log.lastIndex;
  const n = quorumIndex(votersOf(s), (id) =>
    id === s.id ? own : (s.progress.get(id)?.matchIndex ?? 0),
  );
  // §5.4.2: never commit an older term's entry by counting replicas.
  if (n <= s.commitIndex || s.log.term(n) !== s.term) return;
  s.commitIndex = n;
  x.env.output({ type: 'commit', index: n, term: s.term });
  syncProgress(x);
  onLeaderCommit(x);
  applyCommitted(x);
}

/**
 * parallelAppend: asks the host, by a message to ourselves (which a host releases only
 * once everything before it is durable), to tell us when our log through its last index is
 * on disk. Asked again on each heartbeat while unanswered, since a simulated network may
 * lose it.
 */
export function askDurable(x: Server, again = false): void {
  const { s, c, env } = x;
  if (!c.parallelAppend || s.role !== 'leader') return;
  if (s.log.lastIndex <= s.durableAsked && !(again && s.durableIndex < s.log.lastIndex)) return;
  s.durableAsked = s.log.lastIndex;
  const none = { rejectedIndex: 0, conflictTerm: 0, conflictIndex: 0 };
  env.send(s.id, {
    type: 'AppendEntriesReply',
    term: s.term,
    success: true,
    matchIndex: s.log.lastIndex,
    ...none,
  });
}

export function onAppendEntriesReply(x: Server, from: NodeId, m: AppendEntriesReply): void {
  const { s } = x;
  assert(s.role === 'leader', 'only leaders handle replies');
  assert(m.term === s.term, 'the term rules (raft.ts) filter other terms');
  if (from === s.id) {
    // Our own log is durable through m.matchIndex (askDurable): entries of this term only
    // are ever asked about, and a leader's log only grows.
    if (m.success && m.matchIndex > s.durableIndex && m.matchIndex <= s.log.lastIndex) {
      s.durableIndex = m.matchIndex;
      maybeCommit(x);
    }
    return;
  }
  const pr = s.progress.get(from);
  if (pr === undefined) return; // Not a voter of the latest configuration (any more).
  pr.recentActive = true;
  if (m.success) {
    if (m.matchIndex > s.log.lastIndex) return; // Not a reply to anything we sent: drop it.
    const moved = pr.maybeUpdate(m.matchIndex);
    if (pr.state === 'probe' || (pr.state === 'snapshot' && pr.matchIndex >= pr.pendingSnapshot))
      pr.becomeReplicate();
    if (moved) maybeCommit(x);
    syncProgress(x); // Lets go of a removed server once it holds its removal.
    sendTimeoutNowIfReady(x, from);
  } else {
    if (m.rejectedIndex > s.log.lastIndex) return; // Not a reply to anything we sent.
    // §5.3 fast backtracking: skip the follower's whole conflicting term at once.
    const known = m.conflictTerm > 0 ? s.log.lastIndexOfTerm(m.conflictTerm) : 0;
    const hint = known > 0 ? known + 1 : Math.max(1, m.conflictIndex);
    if (!pr.maybeDecrTo(m.rejectedIndex, hint)) return;
  }
  assert(pr.matchIndex <= s.log.lastIndex, 'a follower cannot match beyond our log');
  sendAppendWhileOpen(x, from);
}

export function onHeartbeatReply(x: Server, from: NodeId, m: HeartbeatReply): void {
  const { s, c } = x;
  assert(s.role === 'leader', 'only leaders handle replies');
  const pr = s.progress.get(from);
  if (pr === undefined) return;
  pr.recentActive = true;
  if (m.round <= s.round) {
    pr.round = Math.max(pr.round, m.round);
    if (pr.lostEntries(m.round, m.lastIndex)) repairFollower(x, from, m.lastIndex);
  }
  if (pr.state === 'snapshot' && m.lastIndex < pr.pendingSnapshot) pr.becomeProbe();
  pr.onHeartbeatReply(c.maxInflight);
  if (pr.matchIndex < s.log.lastIndex && sendAppend(x, from, true)) sendAppendWhileOpen(x, from);
  advanceReads(x);
}

/**
 * A follower lost entries it had acknowledged (progress.ts): its progress starts over from
 * its log end, and the operator hears of it — a member that loses acknowledged state can
 * cost committed entries if a majority does so (README, "Members that lose their disk").
 */
function repairFollower(x: Server, from: NodeId, lastIndex: number): void {
  const { s, env } = x;
  const pr = s.progress.get(from);
  assert(pr !== undefined, 'only tracked followers are repaired');
  const matchIndex = pr.matchIndex;
  assert(lastIndex < matchIndex, 'a repair follows proof of a shorter log');
  pr.reset(Math.min(lastIndex, s.log.lastIndex) + 1);
  env.output({ type: 'follower-log-lost', level: 'warn', follower: from, lastIndex, matchIndex });
  env.note(`follower ${from} lost acknowledged entries: log ends at ${lastIndex} < ${matchIndex}`);
}

export function onInstallSnapshotReply(x: Server, from: NodeId, m: InstallSnapshotReply): void {
  const { s } = x;
  assert(s.role === 'leader', 'only leaders handle replies');
  const pr = s.progress.get(from);
  if (pr === undefined) return;
  pr.recentActive = true;
  if (m.matchIndex > s.log.lastIndex) return;
  const moved = pr.maybeUpdate(m.matchIndex);
  if (pr.state === 'snapshot') pr.becomeProbe();
  if (moved) maybeCommit(x);
  sendAppendWhileOpen(x, from);
}

/** §3.10: once the target's log is up to date, tell it to start an election now. */
export function sendTimeoutNowIfReady(x: Server, to: NodeId): boolean {
  const { s, env } = x;
  if (s.transferee !== to) return false;
  const pr = s.progress.get(to);
  if (pr === undefined || pr.matchIndex !== s.log.lastIndex) return false;
  env.send(to, { type: 'TimeoutNow', term: s.term });
  return true;
}
