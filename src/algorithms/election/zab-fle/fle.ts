// ZooKeeper's Fast Leader Election (FastLeaderElection.lookForLeader; note 004), followed by
// ZAB's epoch establishment (Junqueira et al., DSN 2011, phase 1 "discovery") so that an
// elected leader only LEADS once a quorum has accepted its new epoch — which makes "one
// leader per epoch" hold under every fault, not just when the election happens to agree.
//
// Election. A LOOKING server bumps its logical clock, votes for itself (id, zxid, epoch) and
// broadcasts a Notification. Votes are ordered by epoch, then zxid, then server id (a server
// of weight 0 — an observer — never wins). On a Notification of a higher round it restarts
// its tally in that round; on a better vote it adopts it and re-broadcasts. When a quorum of
// the round's votes agrees with its own, it waits `finalizeMs` for a better one, then
// decides: LEADING, FOLLOWING or OBSERVING. A server that is no longer LOOKING answers a
// LOOKING one with its vote and state, so a late or restarted server joins the leader.
//
// Establishment. Followers send FollowerInfo(acceptedEpoch); once a quorum has, the leader
// proposes e = max(acceptedEpoch) + 1 in LeaderInfo; a follower accepts an epoch above its
// durable acceptedEpoch (or the same one from the same leader) and answers AckEpoch; a quorum
// of acks makes e the leader's term. Leaders ping; a leader without a quorum of answers, or a
// follower without pings, goes back to LOOKING.

import type { Env, NodeId, Process } from '../../../core/process.js';
import type { ElectionNodeState, ElectionOutput } from '../workload.js';
import { type FleMessage, parseFleMessage, type ServerState, type Vote } from './messages.js';
import { isQuorum, isVoter, type QuorumSpec } from './quorum.js';

// The messages and their parser live in messages.ts; consensus/zab imports them from here.
export type { FleMessage, ServerState, Vote } from './messages.js';
export { parseFleMessage } from './messages.js';

export interface FleState extends ElectionNodeState {
  role: 'looking' | 'establishing' | 'leader' | 'follower' | 'observer';
  /** The notes' server state. */
  server: ServerState;
  leader: NodeId | null;
  /** The epoch this node's leader established (0 before any). */
  term: number;
  /** ZooKeeper's logicalclock: the election round. */
  round: number;
  vote: Vote;
  /** The vote whose quorum we are waiting `finalizeMs` on, if any. */
  finalizing: Vote | null;
  /** Votes of the current round, by voter. */
  received: Record<string, Vote>;
  /** Votes of servers that have decided, with their state. */
  decided: Record<
    string,
    { readonly vote: Vote; readonly state: ServerState; readonly round: number }
  >;
  /** Durable: the last zxid and the current and accepted epochs (and whose). */
  zxid: number;
  currentEpoch: number;
  acceptedEpoch: number;
  acceptedFrom: NodeId;
  /** Leader side of establishment: accepted epochs reported, and acknowledgements. */
  infos: Record<string, number>;
  proposedEpoch: number;
  acks: NodeId[];
  lastHeardMs: number;
}

export interface FleConfig {
  readonly quorum: QuorumSpec;
  readonly finalizeMs: number;
  readonly pingMs: number;
  readonly suspectAfterMs: number;
  readonly establishMs: number;
  readonly initialZxid: number;
  readonly initialEpoch: number;
  /** The last zxid of the node's history, when a broadcast layer keeps one (consensus/zab). */
  readonly lastZxid?: () => number;
  /**
   * When true, a follower's currentEpoch changes only once the broadcast layer has
   * synchronized its history with the leader's (`synced`), as ZooKeeper sets it on NEWLEADER:
   * a follower that accepted an epoch but missed the leader's history must not outvote
   * servers whose histories are newer.
   */
  readonly epochOnSync?: boolean;
}

export type FleProcess = Process<FleMessage, ElectionOutput, FleState> & {
  /** The broadcast layer synchronized this follower with the leader of `epoch`. */
  synced(env: Env<FleMessage, ElectionOutput>, epoch: number): void;
};

type E = Env<FleMessage, ElectionOutput>;

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

export function createFle(c: FleConfig): FleProcess {
  const s: FleState = {
    role: 'looking',
    server: 'LOOKING',
    leader: null,
    term: 0,
    round: 0,
    vote: { leader: 0, zxid: 0, epoch: 0 },
    finalizing: null,
    received: {},
    decided: {},
    zxid: c.initialZxid,
    currentEpoch: c.initialEpoch,
    acceptedEpoch: c.initialEpoch,
    acceptedFrom: 0,
    infos: {},
    proposedEpoch: 0,
    acks: [],
    lastHeardMs: 0,
  };
  const self = (env: E): Vote => {
    if (c.lastZxid !== undefined) s.zxid = c.lastZxid();
    return { leader: env.id, zxid: s.zxid, epoch: s.currentEpoch };
  };
  const notify = (env: E, to?: NodeId) => {
    const m = { type: 'Notification', vote: s.vote, round: s.round, state: s.server } as const;
    if (to === undefined) env.broadcast(m);
    else env.send(to, m);
  };

  function save(env: E): void {
    const { zxid, currentEpoch, acceptedEpoch, acceptedFrom } = s;
    env.storage.set('zab', { zxid, currentEpoch, acceptedEpoch, acceptedFrom });
  }

  function lookForLeader(env: E): void {
    if (s.role === 'leader' || s.role === 'follower' || s.role === 'observer')
      env.output({ type: 'suspect' });
    s.role = 'looking';
    s.server = 'LOOKING';
    s.leader = null;
    s.round++;
    s.vote = self(env);
    s.finalizing = null;
    s.received = isVoter(c.quorum, env.id) ? { [env.id]: s.vote } : {};
    s.decided = {};
    s.lastHeardMs = env.now();
    env.cancelTimer('ping');
    env.cancelTimer('establish');
    notify(env);
  }

  /** The round's votes that agree with `v` form a quorum. */
  function agreed(votes: Record<string, Vote>, v: Vote): boolean {
    const ids = Object.entries(votes)
      .filter(([, w]) => same(w, v))
      .map(([id]) => Number(id));
    return isQuorum(c.quorum, ids);
  }

  function decide(env: E, v: Vote): void {
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
    sendFollowerInfo(env);
  }

  function sendFollowerInfo(env: E): void {
    env.send(s.leader as NodeId, {
      type: 'FollowerInfo',
      acceptedEpoch: s.acceptedEpoch,
      acceptedFrom: s.acceptedFrom,
    });
  }

  function onLookingNotification(
    env: E,
    from: NodeId,
    m: FleMessage & { type: 'Notification' },
  ): void {
    if (m.state === 'LOOKING') {
      if (!isVoter(c.quorum, from)) return; // Observers' votes do not count.
      if (m.round > s.round) {
        s.round = m.round;
        s.received = isVoter(c.quorum, env.id) ? { [env.id]: self(env) } : {};
        s.vote = better(c.quorum, m.vote, self(env)) ? m.vote : self(env);
        if (isVoter(c.quorum, env.id)) s.received[env.id] = s.vote;
        notify(env);
      } else if (m.round < s.round) {
        return;
      } else if (better(c.quorum, m.vote, s.vote)) {
        s.vote = m.vote;
        if (isVoter(c.quorum, env.id)) s.received[env.id] = s.vote;
        notify(env);
      }
      s.received[from] = m.vote;
      // Wait `finalizeMs` for a better vote; a better one re-arms the wait (ZooKeeper's
      // finalizeWait), votes that change nothing do not.
      if (s.finalizing !== s.vote && agreed(s.received, s.vote)) {
        s.finalizing = s.vote;
        env.setTimer('finalize', c.finalizeMs);
      }
      return;
    }
    // A server that has decided: join its leader once a quorum stands behind that leader.
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
      decide(env, m.vote);
    }
  }

  function onEstablishment(env: E, from: NodeId, m: FleMessage): void {
    if (m.type === 'FollowerInfo' && s.server === 'LEADING') {
      // A follower has promised a newer epoch than ours: it could never join, so start a new
      // election whose leader will propose above it (stepping down is always safe).
      const ours = s.role === 'leader' ? s.term : s.proposedEpoch;
      const promisedElsewhere = m.acceptedEpoch === ours && m.acceptedFrom !== env.id;
      if (ours > 0 && (m.acceptedEpoch > ours || promisedElsewhere)) return lookForLeader(env);
      s.infos[from] = m.acceptedEpoch;
      if (s.role === 'leader') return env.send(from, { type: 'LeaderInfo', epoch: s.term });
      if (s.proposedEpoch > 0)
        return env.send(from, { type: 'LeaderInfo', epoch: s.proposedEpoch });
      const voters = Object.keys(s.infos).map(Number);
      if (!isQuorum(c.quorum, voters)) return;
      s.proposedEpoch = Math.max(...Object.values(s.infos)) + 1;
      s.acceptedEpoch = s.proposedEpoch;
      s.acceptedFrom = env.id;
      s.acks = [env.id];
      save(env);
      for (const f of voters)
        if (f !== env.id) env.send(f, { type: 'LeaderInfo', epoch: s.proposedEpoch });
    } else if (m.type === 'LeaderInfo' && from === s.leader && s.server !== 'LEADING') {
      const fresh = m.epoch > s.acceptedEpoch;
      // The same epoch again from the same leader, or one we had proposed ourselves and have
      // given up by following: the epoch is still promised to one leader only.
      const again =
        m.epoch === s.acceptedEpoch && (s.acceptedFrom === from || s.acceptedFrom === env.id);
      if (!fresh && !again) return lookForLeader(env); // An old leader: look again.
      const history = { currentEpoch: s.currentEpoch, zxid: self(env).zxid };
      s.acceptedEpoch = m.epoch;
      s.acceptedFrom = from;
      if (c.epochOnSync !== true) s.currentEpoch = m.epoch;
      save(env);
      env.send(from, { type: 'AckEpoch', epoch: m.epoch, ...history });
      if (s.role === 'establishing') {
        s.role = s.server === 'OBSERVING' ? 'observer' : 'follower';
        s.term = m.epoch;
        s.lastHeardMs = env.now();
        env.cancelTimer('establish');
        env.output({ type: 'leader', leader: from, term: m.epoch });
      }
    } else if (m.type === 'AckEpoch' && s.server === 'LEADING' && m.epoch === s.proposedEpoch) {
      // ZooKeeper's waitForEpochAck: a follower with a newer history than ours means we are
      // not the right leader (we could lack committed proposals): elect again.
      const ours = self(env);
      const ahead =
        m.currentEpoch > ours.epoch || (m.currentEpoch === ours.epoch && m.zxid > ours.zxid);
      if (ahead && s.role === 'establishing') return lookForLeader(env);
      if (!s.acks.includes(from)) s.acks.push(from);
      if (s.role !== 'establishing' || !isQuorum(c.quorum, s.acks)) return;
      s.role = 'leader';
      s.term = s.proposedEpoch;
      s.currentEpoch = s.proposedEpoch;
      s.lastHeardMs = env.now();
      save(env);
      env.cancelTimer('establish');
      env.output({ type: 'elected', term: s.term });
      env.output({ type: 'leader', leader: env.id, term: s.term });
      s.acks = [env.id];
      env.setTimer('ping', c.pingMs);
    }
  }

  function onMessage(env: E, from: NodeId, raw: FleMessage): void {
    const m = parseFleMessage(raw);
    if (m === undefined) return env.note(`malformed message from ${from} dropped`);
    switch (m.type) {
      case 'Notification':
        if (s.server === 'LOOKING') return onLookingNotification(env, from, m);
        if (m.state === 'LOOKING') notify(env, from); // Tell a newcomer who leads.
        return;
      case 'Ping':
        if (from !== s.leader || s.role === 'leader' || m.epoch !== s.term) return;
        s.lastHeardMs = env.now();
        env.send(from, { type: 'PingAck', epoch: m.epoch });
        return;
      case 'PingAck':
        if (s.role === 'leader' && m.epoch === s.term && !s.acks.includes(from)) s.acks.push(from);
        return;
      default:
        onEstablishment(env, from, m);
    }
  }

  function onTimer(env: E, name: string): void {
    if (name === 'finalize' && s.server === 'LOOKING') {
      s.finalizing = null;
      if (agreed(s.received, s.vote)) decide(env, s.vote);
    } else if (name === 'establish' && s.role === 'establishing') {
      lookForLeader(env);
    } else if (name === 'ping' && s.role === 'leader') {
      if (isQuorum(c.quorum, s.acks)) s.lastHeardMs = env.now();
      if (env.now() - s.lastHeardMs > c.suspectAfterMs) return lookForLeader(env); // Lost quorum.
      s.acks = [env.id];
      env.broadcast({ type: 'Ping', epoch: s.term });
      env.setTimer('ping', c.pingMs);
    } else if (name === 'watch') {
      env.setTimer('watch', c.pingMs);
      const follows = s.role === 'follower' || s.role === 'observer';
      if (follows && env.now() - s.lastHeardMs > c.suspectAfterMs) lookForLeader(env);
      // A learner keeps knocking until the leader answers, as ZooKeeper's connectToLeader
      // retries: the leader may still be finalizing its vote, or the message was lost.
      else if (s.role === 'establishing' && s.server !== 'LEADING') sendFollowerInfo(env);
      else if (s.role === 'looking' && env.now() - s.lastHeardMs > c.suspectAfterMs) {
        s.lastHeardMs = env.now();
        notify(env); // Still looking after a while: re-send our vote (messages get lost).
      }
    }
  }

  return {
    state: s,
    onStart(env) {
      const stored =
        env.storage.get<Pick<FleState, 'zxid' | 'currentEpoch' | 'acceptedEpoch' | 'acceptedFrom'>>(
          'zab',
        );
      if (stored !== undefined) Object.assign(s, stored);
      env.setTimer('watch', c.pingMs);
      lookForLeader(env);
    },
    onMessage,
    onTimer,
    synced(env, epoch) {
      s.currentEpoch = epoch;
      save(env);
    },
  };
}
