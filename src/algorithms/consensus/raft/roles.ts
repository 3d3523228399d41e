// Role changes. Roles change only here, and each becomeX() resets every field the role owns
// (etcd's becomeFollower/becomeCandidate/becomeLeader). Elections follow §5.2 with the
// dissertation's pre-vote phase (§9.6) and leadership transfer (§3.10).
//
// Fault model: crash-recovery; a term or vote change is saved in the same step (durable
// BEFORE the RequestVote/RequestVoteReply of that step leaves).

import { assert } from '../../../core/assert.js';
import type { NodeId } from '../../../core/process.js';
import { voteResult } from '../../../core/quorum.js';
import { failPending } from './read-index.js';
import { propose, syncProgress } from './replication.js';
import { isVoter, membersOf, type Server, saveHardState, votersOf } from './state.js';

export function resetElectionTimer(x: Server): void {
  const { c, env } = x;
  env.setTimer('election', env.random.range(c.electionTimeoutMsMin, c.electionTimeoutMsMax));
}

/**
 * Dissertation §4.2.3/§9.6 with check-quorum: a server that heard from a leader less than a
 * minimum election timeout ago disregards (pre-)votes, so a rejoining node cannot depose a
 * healthy leader. A (re)started server counts its start as such contact: it may have been
 * part of a leader's lease just before it crashed (this keeps lease reads safe, §6.4.1).
 */
export function inLease(x: Server): boolean {
  const { s, c, env } = x;
  if (!c.checkQuorum) return false;
  if (s.role === 'leader') return true;
  return env.now() - s.leaderContactAt < c.electionTimeoutMsMin;
}

/** Steps down (or starts) as a follower in `term`, following `leader` when known. */
export function becomeFollower(x: Server, term: number, leader: NodeId | null): void {
  const { s } = x;
  assert(term >= s.term, 'terms never go back');
  if (term > s.term) {
    s.term = term;
    s.votedFor = null;
    saveHardState(x);
  }
  const wasLeader = s.role === 'leader';
  s.role = 'follower';
  s.leaderId = leader;
  s.votes = new Map();
  if (wasLeader) leaveLeadership(x);
  resetElectionTimer(x);
}

/** Clears what only a leader owns; pending clients are told to retry elsewhere. */
function leaveLeadership(x: Server): void {
  const { s, env } = x;
  failPending(x);
  s.progress = new Map();
  s.waiters = new Map();
  s.waiting = new Map();
  s.reads = [];
  s.roundSentAt = new Map();
  s.leaseUntil = 0;
  s.transferee = null;
  env.cancelTimer('heartbeat');
  env.cancelTimer('check-quorum');
  env.cancelTimer('transfer');
}

/** §9.6: ask the voters whether they would vote at term + 1, without changing our term. */
export function becomePreCandidate(x: Server): void {
  const { s, env } = x;
  assert(s.role !== 'leader', 'a leader does not campaign');
  assert(isVoter(s), 'only voters campaign');
  s.role = 'pre-candidate';
  s.leaderId = null;
  s.votes = new Map([[s.id, true]]);
  env.output({ type: 'campaign', term: s.term + 1, pre: true });
  resetElectionTimer(x);
  if (voteResult(votersOf(s), s.votes) === 'won') return becomeCandidate(x, { transfer: false });
  for (const v of votersOf(s)) {
    if (v === s.id) continue;
    const m = { term: s.term + 1, lastLogIndex: s.log.lastIndex, lastLogTerm: s.log.lastTerm };
    env.send(v, { type: 'PreVote', ...m });
  }
}

/** §5.2: increment the term, vote for ourselves, and ask every other voter. */
export function becomeCandidate(x: Server, opts: { transfer: boolean }): void {
  const { s, env } = x;
  assert(s.role !== 'leader', 'a leader does not campaign');
  assert(isVoter(s), 'only voters campaign');
  s.role = 'candidate';
  s.term += 1;
  s.votedFor = s.id;
  saveHardState(x); // §3.8: the vote is durable BEFORE any RequestVote leaves.
  s.leaderId = null;
  s.votes = new Map([[s.id, true]]);
  env.output({ type: 'campaign', term: s.term, pre: false });
  resetElectionTimer(x);
  if (voteResult(votersOf(s), s.votes) === 'won') return becomeLeader(x);
  for (const v of votersOf(s)) {
    if (v === s.id) continue;
    env.send(v, {
      type: 'RequestVote',
      term: s.term,
      lastLogIndex: s.log.lastIndex,
      lastLogTerm: s.log.lastTerm,
      transfer: opts.transfer,
    });
  }
}

/**
 * §5.3: initialise nextIndex to lastIndex + 1 for every follower; then append a no-op of
 * the new term (§8, dissertation §6.4): committing it commits every earlier entry and lets
 * ReadIndex start.
 */
export function becomeLeader(x: Server): void {
  const { s, env, c } = x;
  assert(s.role === 'candidate', 'only a candidate wins an election');
  assert(s.votedFor === s.id, 'a leader voted for itself');
  s.role = 'leader';
  s.leaderId = s.id;
  s.votes = new Map();
  s.progress = new Map();
  s.waiters = new Map();
  s.waiting = new Map();
  s.durableIndex = 0;
  s.durableAsked = 0;
  s.reads = [];
  s.round = 0;
  s.roundSentAt = new Map();
  s.leaseUntil = 0;
  s.transferee = null;
  env.cancelTimer('election');
  env.output({ type: 'leader', term: s.term });
  syncProgress(x);
  env.setTimer('heartbeat', c.heartbeatMs);
  if (c.checkQuorum) env.setTimer('check-quorum', c.electionTimeoutMsMin);
  propose(x, { index: s.log.lastIndex + 1, term: s.term, kind: 'noop' });
  assert(s.progress.size === membersOf(s).filter((v) => v !== s.id).length, 'one per member');
}
