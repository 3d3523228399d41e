// ZAB's epoch establishment after the election (Junqueira et al., DSN 2011, phase 1
// "discovery"): followers send FollowerInfo(acceptedEpoch); once a quorum has, the leader
// proposes e = max(acceptedEpoch) + 1 in LeaderInfo; a follower accepts an epoch above its
// durable acceptedEpoch (or the same one from the same leader) and answers AckEpoch; a
// quorum of acks makes e the leader's term. The accepted epoch is durable (state.ts) and the
// kernel saves it in the step that changes it, before the step's AckEpoch leaves.

import type { NodeId } from '../../../core/process.js';
import type { FleMessage } from './messages.js';
import { isQuorum } from './quorum.js';
import type { FleStep } from './state.js';
import { lookForLeader, selfVote } from './votes.js';

type Of<T extends FleMessage['type']> = Extract<FleMessage, { type: T }>;

/** Leader: a quorum has reported its accepted epochs — propose the next one. */
function proposeEpoch(x: FleStep): void {
  const { s, env, c } = x;
  const voters = Object.keys(s.infos).map(Number);
  if (!isQuorum(c.quorum, voters)) return;
  s.proposedEpoch = Math.max(...Object.values(s.infos)) + 1;
  s.acceptedEpoch = s.proposedEpoch;
  s.acceptedFrom = env.id;
  s.acks = [env.id];
  for (const f of voters)
    if (f !== env.id) env.send(f, { type: 'LeaderInfo', epoch: s.proposedEpoch });
}

/** Leader (establishing or established): a follower's accepted epoch. */
export function onFollowerInfo(x: FleStep, from: NodeId, m: Of<'FollowerInfo'>): void {
  const { s, env } = x;
  // A follower has promised a newer epoch than ours: it could never join, so start a new
  // election whose leader will propose above it (stepping down is always safe).
  const ours = s.role === 'leader' ? s.term : s.proposedEpoch;
  const promisedElsewhere = m.acceptedEpoch === ours && m.acceptedFrom !== env.id;
  if (ours > 0 && (m.acceptedEpoch > ours || promisedElsewhere)) return lookForLeader(x);
  s.infos[from] = m.acceptedEpoch;
  if (s.role === 'leader') return env.send(from, { type: 'LeaderInfo', epoch: s.term });
  if (s.proposedEpoch > 0) return env.send(from, { type: 'LeaderInfo', epoch: s.proposedEpoch });
  proposeEpoch(x);
}

/** Follower or observer: our leader's proposed (or established) epoch. */
export function onLeaderInfo(x: FleStep, from: NodeId, m: Of<'LeaderInfo'>): void {
  const { s, env, c } = x;
  const fresh = m.epoch > s.acceptedEpoch;
  // The same epoch again from the same leader, or one we had proposed ourselves and have
  // given up by following: the epoch is still promised to one leader only.
  const again =
    m.epoch === s.acceptedEpoch && (s.acceptedFrom === from || s.acceptedFrom === env.id);
  if (!fresh && !again) return lookForLeader(x); // An old leader: look again.
  const history = { currentEpoch: s.currentEpoch, zxid: selfVote(x).zxid };
  s.acceptedEpoch = m.epoch;
  s.acceptedFrom = from;
  if (c.epochOnSync !== true) s.currentEpoch = m.epoch;
  env.send(from, { type: 'AckEpoch', epoch: m.epoch, ...history });
  if (s.role === 'establishing') {
    s.role = s.server === 'OBSERVING' ? 'observer' : 'follower';
    s.term = m.epoch;
    s.lastHeardMs = env.now();
    env.cancelTimer('establish');
    env.output({ type: 'leader', leader: from, term: m.epoch });
  }
}

/** Leader: a follower accepted our proposed epoch; a quorum of acks establishes it. */
export function onAckEpoch(x: FleStep, from: NodeId, m: Of<'AckEpoch'>): void {
  const { s, env, c } = x;
  // ZooKeeper's waitForEpochAck: a follower with a newer history than ours means we are
  // not the right leader (we could lack committed proposals): elect again.
  const ours = selfVote(x);
  const ahead =
    m.currentEpoch > ours.epoch || (m.currentEpoch === ours.epoch && m.zxid > ours.zxid);
  if (ahead && s.role === 'establishing') return lookForLeader(x);
  if (!s.acks.includes(from)) s.acks.push(from);
  if (s.role !== 'establishing' || !isQuorum(c.quorum, s.acks)) return;
  s.role = 'leader';
  s.term = s.proposedEpoch;
  s.currentEpoch = s.proposedEpoch;
  s.lastHeardMs = env.now();
  env.cancelTimer('establish');
  env.output({ type: 'elected', term: s.term });
  env.output({ type: 'leader', leader: env.id, term: s.term });
  s.acks = [env.id];
  env.setTimer('ping', c.pingMs);
}
