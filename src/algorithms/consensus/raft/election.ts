// Voting (§5.2, §5.4.1) and pre-voting (dissertation §9.6). A vote is granted at most once
// per term, only to a candidate whose log is at least as up-to-date, and saved BEFORE the
// reply leaves (§3.8). A pre-vote changes nothing: it answers "would you vote for a
// candidate at this term?", which a server that still hears from a leader refuses.
//
// Fault model: requests and replies may be lost, duplicated or delayed into later terms;
// replies are counted only in the term (and role) they answer.

import { assert } from '../../../core/assert.js';
import type { NodeId } from '../../../core/process.js';
import { voteResult } from '../../../core/quorum.js';
import type { PreVote, PreVoteReply, RequestVote, RequestVoteReply } from './messages.js';
import {
  becomeCandidate,
  becomeFollower,
  becomeLeader,
  inLease,
  resetElectionTimer,
} from './roles.js';
import { type Server, saveHardState, votersOf } from './state.js';

export function onRequestVote(x: Server, from: NodeId, m: RequestVote): void {
  const { s, env } = x;
  assert(m.term === s.term, 'the term rules (raft.ts) adopted or rejected other terms');
  const canVote = s.votedFor === null || s.votedFor === from;
  const granted = canVote && s.log.isUpToDate(m.lastLogIndex, m.lastLogTerm);
  if (granted) {
    s.votedFor = from;
    saveHardState(x);
    resetElectionTimer(x); // Figure 2: granting a vote restarts the election timer.
  }
  env.send(from, { type: 'RequestVoteReply', term: s.term, voteGranted: granted });
}

export function onPreVote(x: Server, from: NodeId, m: PreVote): void {
  const { s, env } = x;
  assert(m.term >= s.term, 'the term rules (raft.ts) rejected older terms');
  // A server in our term that already voted or follows a leader would not vote either.
  const free = m.term > s.term || (s.leaderId === null && (s.votedFor ?? from) === from);
  const granted = free && !inLease(x) && s.log.isUpToDate(m.lastLogIndex, m.lastLogTerm);
  env.send(from, {
    type: 'PreVoteReply',
    term: granted ? m.term : s.term,
    voteGranted: granted,
  });
}

export function onRequestVoteReply(x: Server, from: NodeId, m: RequestVoteReply): void {
  const { s } = x;
  if (s.role !== 'candidate') return; // Already decided; a late or duplicated reply.
  assert(m.term === s.term, 'the term rules (raft.ts) filter other terms');
  s.votes.set(from, m.voteGranted);
  const result = voteResult(votersOf(s), s.votes);
  if (result === 'won') becomeLeader(x);
  else if (result === 'lost') becomeFollower(x, s.term, null);
}

export function onPreVoteReply(x: Server, from: NodeId, m: PreVoteReply): void {
  const { s } = x;
  if (s.role !== 'pre-candidate') return;
  // A grant names the term we asked about; a refusal names the voter's (our) term.
  if (m.voteGranted && m.term !== s.term + 1) return;
  if (!m.voteGranted && m.term !== s.term) return;
  s.votes.set(from, m.voteGranted);
  const result = voteResult(votersOf(s), s.votes);
  if (result === 'won') becomeCandidate(x, { transfer: false });
  else if (result === 'lost') becomeFollower(x, s.term, null);
}
