// The follower's half of replication: AppendEntries with the consistency check (§5.3,
// Figure 2 receiver steps 1–5) and conflict hints for fast backtracking, heartbeats (commit
// index and ReadIndex rounds), InstallSnapshot (§7) and TimeoutNow (§3.10). Every change to
// the log is written to storage in this step, so it is durable BEFORE the reply leaves.
//
// Fault model: messages from the current leader may be duplicated, reordered or stale
// (already-applied prefixes); none of them can make the follower drop a committed entry.

import { assert } from '../../../core/assert.js';
import type { NodeId } from '../../../core/process.js';
import { applyCommitted } from './apply.js';
import type { AppendEntries, Entry, Heartbeat, InstallSnapshot } from './messages.js';
import { becomeCandidate, resetElectionTimer } from './roles.js';
import { isVoter, type Server } from './state.js';

/** Any message of the current term from the leader: follow it and restart the timer. */
function heardFromLeader(x: Server, from: NodeId): void {
  const { s, env } = x;
  assert(s.role === 'follower', 'raft.ts makes us a follower first');
  s.leaderId = from;
  s.leaderContactAt = env.now();
  resetElectionTimer(x);
}

export function onAppendEntries(x: Server, from: NodeId, m: AppendEntries): void {
  heardFromLeader(x, from);
  const { s } = x;
  if (m.prevLogIndex >= s.commitIndex) {
    return appendFrom(x, from, m, { prevLogIndex: m.prevLogIndex, prevLogTerm: m.prevLogTerm });
  }
  // Entries at or below commitIndex already match the leader's (Leader Completeness), so
  // they are skipped; this also covers a prefix we compacted into a snapshot.
  const skip = Math.min(m.entries.length, s.commitIndex - m.prevLogIndex);
  const last = m.entries[skip - 1];
  if (skip === m.entries.length || last === undefined) {
    return reply(x, from, true, { matchIndex: s.commitIndex });
  }
  appendFrom(x, from, m, { prevLogIndex: last.index, prevLogTerm: last.term }, skip);
}

function reply(
  x: Server,
  to: NodeId,
  success: boolean,
  fields: Partial<
    Record<'matchIndex' | 'rejectedIndex' | 'conflictTerm' | 'conflictIndex', number>
  >,
): void {
  x.env.send(to, {
    type: 'AppendEntriesReply',
    term: x.s.term,
    success,
    matchIndex: fields.matchIndex ?? 0,
    rejectedIndex: fields.rejectedIndex ?? 0,
    conflictTerm: fields.conflictTerm ?? 0,
    conflictIndex: fields.conflictIndex ?? 0,
  });
}

/** Figure 2 receiver steps 2–5, for m.entries[skip..] following (prevLogIndex, prevLogTerm). */
function appendFrom(
  x: Server,
  from: NodeId,
  m: AppendEntries,
  prev: { prevLogIndex: number; prevLogTerm: number },
  skip = 0,
): void {
  const { s } = x;
  const { prevLogIndex, prevLogTerm } = prev;
  if (!s.log.matchTerm(prevLogIndex, prevLogTerm)) {
    const beyond = prevLogIndex > s.log.lastIndex;
    const conflictTerm = beyond ? 0 : (s.log.term(prevLogIndex) as number);
    const conflictIndex = beyond
      ? s.log.lastIndex + 1
      : s.log.firstIndexOfTerm(conflictTerm, prevLogIndex);
    return reply(x, from, false, { rejectedIndex: m.prevLogIndex, conflictTerm, conflictIndex });
  }
  for (let i = skip; i < m.entries.length; i++) {
    const e = m.entries[i] as Entry;
    const existing = s.log.term(e.index);
    if (existing === e.term) continue;
    if (existing !== undefined) {
      assert(e.index > s.commitIndex, 'a committed entry is never overwritten');
      s.log.truncateFrom(e.index);
    }
    s.log.append(e);
  }
  const lastNew = m.prevLogIndex + m.entries.length;
  s.commitIndex = Math.max(s.commitIndex, Math.min(m.leaderCommit, lastNew));
  applyCommitted(x);
  reply(x, from, true, { matchIndex: lastNew });
}

export function onHeartbeat(x: Server, from: NodeId, m: Heartbeat): void {
  const { s, env } = x;
  heardFromLeader(x, from);
  // The leader sends min(commit, our matchIndex), and our log matches its log up to there —
  // unless we lost entries since we acknowledged them (a wiped or cut log): then the entry
  // at `commit` may be missing or another one (a cut can resurrect a suffix we replaced), so
  // it is adopted only when its term is the leader's (Log Matching, §5.3), else ignored
  // until the leader, seeing our log end in the reply, repairs us (replication.ts).
  if (m.commit > s.commitIndex) {
    if (s.log.term(m.commit) === m.commitTerm) {
      s.commitIndex = m.commit;
      applyCommitted(x);
    } else {
      env.note(`Heartbeat commit ${m.commit} (term ${m.commitTerm}) not in our log: ignored`);
    }
  }
  env.send(from, {
    type: 'HeartbeatReply',
    term: s.term,
    round: m.round,
    lastIndex: s.log.lastIndex,
  });
}

export function onInstallSnapshot(x: Server, from: NodeId, m: InstallSnapshot): void {
  const { s, env } = x;
  heardFromLeader(x, from);
  const snap = m.snapshot;
  if (snap.index <= s.commitIndex) {
    // Already have it (a duplicate, or we caught up meanwhile): report how far we match.
    env.send(from, { type: 'InstallSnapshotReply', term: s.term, matchIndex: s.commitIndex });
    return;
  }
  s.log.install(snap);
  s.kv = x.c.machine.restore(snap.kv, x.c);
  s.commitIndex = snap.index;
  s.lastApplied = snap.index;
  assert(s.log.lastIndex >= snap.index, 'the snapshot is part of the log now');
  env.send(from, { type: 'InstallSnapshotReply', term: s.term, matchIndex: snap.index });
}

export function onTimeoutNow(x: Server, from: NodeId): void {
  const { s, env } = x;
  if (!isVoter(s)) return env.note(`TimeoutNow from ${from} ignored: not a voter`);
  becomeCandidate(x, { transfer: true });
}
