// Linearizable reads without writing to the log (dissertation §6.4). ReadIndex: the leader
// records its commitIndex as the read index (once it has committed an entry of its own term,
// so that commitIndex covers every write acknowledged before the read), confirms it is still
// the leader by a heartbeat round acknowledged by a majority that started AFTER the read
// arrived, and answers once lastApplied ≥ read index.
//
// Lease reads (§6.4.1, readMode 'lease'): a majority's acknowledgement of a round sent at
// local time t means none of them will vote for another leader before t + electionTimeoutMin
// on their own clocks (they disregard votes in that window, see roles.ts inLease, which also
// covers a restarted voter). ASSUMPTION: clock rates differ by at most clockDriftPpm, so the
// leader serves reads from its state until t + electionTimeoutMin·(1 − drift) without a
// round trip. Without check-quorum there is no such promise, so reads fall back to ReadIndex.
//
// Fault model: heartbeats and replies may be lost or stale (rounds only count upwards);
// bounded clock drift only for lease reads; a deposed leader fails its pending reads.

import { assert } from '../../../core/assert.js';
import { quorumIndex } from '../../../core/quorum.js';
import type { ClientCommand } from './client-api.js';
import { answer, type ReplyRoute, type Server, votersOf } from './state.js';

/** The leader has committed an entry of its own term (§6.4 step 1). */
function committedInTerm(x: Server): boolean {
  return x.s.log.term(x.s.commitIndex) === x.s.term;
}

/**
 * A linearizable read at the leader. With `broadcast` false the read waits for the next
 * round without starting it: a host's batch of reads shares one round (`startBatchedRound`).
 */
export function registerRead(
  x: Server,
  command: ClientCommand,
  route: ReplyRoute,
  broadcast = true,
): void {
  const { s, env, c } = x;
  assert(s.role === 'leader', 'only leaders serve reads');
  if (c.readMode === 'lease' && c.checkQuorum && s.transferee === null && committedInTerm(x)) {
    if (env.now() < s.leaseUntil && s.lastApplied >= s.commitIndex) {
      answer(x, route, {
        client: command.client,
        seq: command.seq,
        ok: true,
        value: readValue(x, command),
      });
      return;
    }
  }
  const pending = {
    client: command.client,
    seq: command.seq,
    command,
    ...route,
    round: s.round + 1,
    readIndex: committedInTerm(x) ? s.commitIndex : null,
    confirmed: false,
  };
  s.reads.push(pending);
  if (!broadcast) return;
  const round = bcastHeartbeat(x);
  assert(round === pending.round, 'the read waits for the round it started');
}

/** Starts the round that reads registered without a broadcast wait for, if any do. */
export function startBatchedRound(x: Server): void {
  const { s } = x;
  if (s.reads.some((r) => r.round > s.round)) bcastHeartbeat(x);
}

function readValue(x: Server, command: ClientCommand): unknown {
  assert(command.type === 'machine' || command.type === 'get', 'only reads are registered');
  return x.c.machine.read(x.s.kv, command);
}

/** One heartbeat round (§5.2; a new ReadIndex round §6.4). Returns the round number. */
export function bcastHeartbeat(x: Server): number {
  const { s, env } = x;
  s.round += 1;
  s.roundSentAt.set(s.round, env.now());
  for (const [id, pr] of s.progress) {
    const commit = Math.min(pr.matchIndex, s.commitIndex);
    // 0 when compacted: the follower then adopts nothing (it is due a snapshot anyway).
    const commitTerm = s.log.term(commit) ?? 0;
    env.send(id, { type: 'Heartbeat', term: s.term, commit, commitTerm, round: s.round });
    pr.heartbeatSent(s.round);
  }
  advanceReads(x); // A single-voter configuration confirms its own rounds.
  return s.round;
}

/** A round acknowledged by a majority confirms every read registered up to it. */
export function advanceReads(x: Server): void {
  const { s, c } = x;
  const acked = quorumIndex(votersOf(s), (id) =>
    id === s.id ? s.round : (s.progress.get(id)?.round ?? 0),
  );
  const sentAt = s.roundSentAt.get(acked);
  if (sentAt !== undefined && c.checkQuorum) {
    const leaseMs = c.electionTimeoutMsMin * (1 - c.clockDriftPpm / 1_000_000);
    s.leaseUntil = Math.max(s.leaseUntil, sentAt + leaseMs);
  }
  for (const [round] of s.roundSentAt) if (round < acked) s.roundSentAt.delete(round);
  for (const r of s.reads) if (r.round <= acked) r.confirmed = true;
  serveReads(x);
}

/** After the leader's first commit in its term, waiting reads get their read index. */
export function onLeaderCommit(x: Server): void {
  const { s } = x;
  if (!committedInTerm(x)) return;
  for (const r of s.reads) if (r.readIndex === null) r.readIndex = s.commitIndex;
}

export function serveReads(x: Server): void {
  const { s } = x;
  if (s.reads.length === 0) return;
  const rest = [];
  for (const r of s.reads) {
    if (r.confirmed && r.readIndex !== null && s.lastApplied >= r.readIndex) {
      answer(x, r, { client: r.client, seq: r.seq, ok: true, value: readValue(x, r.command) });
    } else {
      rest.push(r);
    }
  }
  s.reads = rest;
}

/** A leader stepping down tells everyone it owes an answer to try again elsewhere. */
export function failPending(x: Server): void {
  const { s } = x;
  const hint = { ok: false, reason: 'not-leader', leaderHint: null } as const;
  for (const r of s.reads) answer(x, r, { client: r.client, seq: r.seq, ...hint });
  for (const owed of s.waiters.values())
    for (const w of owed) answer(x, w, { client: w.client, seq: w.seq, ...hint });
}
