// The election half of FastLeaderElection (ZooKeeper's FastLeaderElection.lookForLeader,
// note 004): votes ordered by (epoch, zxid, id), rounds, the finalize wait, joining a leader
// that a quorum of decided servers already follows. Peer votes are trusted in shape only
// (the parser checked them); a lying peer can delay an election, not split an epoch — the
// establishment (establish.ts) makes one epoch have one leader.

import type { NodeId } from '../../../core/process.js';
import type { FleMessage, Vote } from './messages.js';
import { isQuorum, isVoter, type QuorumSpec } from './quorum.js';
import type { FleState, FleStep } from './state.js';

/** ZooKeeper's totalOrderPredicate: is `a` a better vote than `b`? */
export function better(q: QuorumSpec, a: Vote, b: Vote): boolean {
  if (!isVoter(q, a.leader)) return false;
  if (!isVoter(q, b.leader)) return true;
  return (
    a.epoch > b.epoch ||
    (a.epoch === b.epoch && (a.zxid > b.zxid || (a.zxid === b.zxid && a.leader > b.leader)))
  );
}

const same = (a: Vote, b: Vote) =>
  a.leader === b.leader && a.zxid === b.zxid && a.epoch === b.epoch;

/** Our own vote: ourselves, with our history's last zxid and our epoch. */
export function selfVote({ s, env, c }: FleStep): Vote {
  if (c.lastZxid !== undefined) s.zxid = c.lastZxid();
  return { leader: env.id, zxid: s.zxid, epoch: s.currentEpoch };
}

/** Sends our vote to `to`, or to everyone. */
export function notify({ s, env }: FleStep, to?: NodeId): void {
  const m = { type: 'Notification', vote: s.vote, round: s.round, state: s.server } as const;
  if (to === undefined) env.broadcast(m);
  else env.send(to, m);
}

/** Back to LOOKING: a new round, voting for ourselves. */
export function lookForLeader(x: FleStep): void {
  const { s, env, c } = x;
  if (s.role === 'leader' || s.role === 'follower' || s.role === 'observer')
    env.output({ type: 'suspect' });
  s.role = 'looking';
  s.server = 'LOOKING';
  s.leader = null;
  s.round++;
  s.vote = selfVote(x);
  s.finalizing = null;
  s.received = isVoter(c.quorum, env.id) ? { [env.id]: s.vote } : {};
  s.decided = {};
  s.lastHeardMs = env.now();
  env.cancelTimer('ping');
  env.cancelTimer('establish');
  notify(x);
}

/** The round's votes that agree with `v` form a quorum. */
export function agreed({ c }: FleStep, votes: FleState['received'], v: Vote): boolean {
  const ids = Object.entries(votes)
    .filter(([, w]) => same(w, v))
    .map(([id]) => Number(id));
  return isQuorum(c.quorum, ids);
}

/** A follower or observer asks its leader to establish an epoch with it. */
export function sendFollowerInfo({ s, env }: FleStep): void {
  env.send(s.leader as NodeId, {
    type: 'FollowerInfo',
    acceptedEpoch: s.acceptedEpoch,
    acceptedFrom: s.acceptedFrom,
  });
}

/** The election is over for us: establish `v`'s leader's epoch (establish.ts). */
export function decide(x: FleStep, v: Vote): void {
  const { s, env, c } = x;
  s.vote = v;
  s.leader = v.leader;
  s.role = 'establishing';
  s.infos = {};
  s.proposedEpoch = 0;
  s.acks = [];
  env.setTimer('establish', c.establishMs);
  if (v.leader === env.id) {
    s.server = 'LEADING';
    s.infos = { [env.id]: s.acceptedEpoch };
    return;
  }
  s.server = isVoter(c.quorum, env.id) ? 'FOLLOWING' : 'OBSERVING';
  sendFollowerInfo(x);
}

type Notification = FleMessage & { type: 'Notification' };

/** A LOOKING peer's vote, while we look too. */
function onLookingVote(x: FleStep, from: NodeId, m: Notification): void {
  const { s, env, c } = x;
  if (!isVoter(c.quorum, from)) return; // Observers' votes do not count.
  if (m.round > s.round) {
    s.round = m.round;
    s.received = isVoter(c.quorum, env.id) ? { [env.id]: selfVote(x) } : {};
    s.vote = better(c.quorum, m.vote, selfVote(x)) ? m.vote : selfVote(x);
    if (isVoter(c.quorum, env.id)) s.received[env.id] = s.vote;
    notify(x);
  } else if (m.round < s.round) {
    return;
  } else if (better(c.quorum, m.vote, s.vote)) {
    s.vote = m.vote;
    if (isVoter(c.quorum, env.id)) s.received[env.id] = s.vote;
    notify(x);
  }
  s.received[from] = m.vote;
  // Wait `finalizeMs` for a better vote; a better one re-arms the wait (ZooKeeper's
  // finalizeWait), votes that change nothing do not.
  if (s.finalizing !== s.vote && agreed(x, s.received, s.vote)) {
    s.finalizing = s.vote;
    env.setTimer('finalize', c.finalizeMs);
  }
}

/** A decided server's vote, while we look: join its leader once a quorum stands behind it. */
function onDecidedVote(x: FleStep, from: NodeId, m: Notification): void {
  const { s, c } = x;
  s.decided[from] = { vote: m.vote, state: m.state, round: m.round };
  if (m.round === s.round && isVoter(c.quorum, from)) s.received[from] = m.vote;
  // Decided servers agree when they name the same leader (ZooKeeper's Vote.equals ignores
  // zxid and round outside LOOKING: followers may have joined in different rounds).
  const behind = Object.entries(s.decided)
    .filter(([, d]) => d.vote.leader === m.vote.leader)
    .map(([id]) => Number(id));
  const leaderLeads = s.decided[m.vote.leader]?.state === 'LEADING';
  if (leaderLeads && isQuorum(c.quorum, behind)) {
    s.round = Math.max(s.round, m.round);
    decide(x, m.vote);
  }
}

/** A Notification while we are LOOKING. */
export function onLookingNotification(x: FleStep, from: NodeId, m: Notification): void {
  if (m.state === 'LOOKING') onLookingVote(x, from, m);
  else onDecidedVote(x, from, m);
}
