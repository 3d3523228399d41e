// consensus/raft server: the Process factory and step() (STYLE.md §1): shared term checks
// first (Figure 2 "Rules for Servers: all servers", with the pre-vote and leader-lease
// exceptions of dissertation §9.6 and §4.2.3), then the handler of the current role.
//
// Fault model: crash-recovery with durable term, vote and log (storage); lossy, duplicating,
// reordering, delaying, partitioned links; pauses; clock drift (which only lease reads
// assume bounded). Malformed peer input is dropped, never asserted on.

import type { NodeId, Process } from '../../../core/process.js';
import { majority } from '../../../core/quorum.js';
import { checkClientCommand } from './client-api.js';
import { onPreVote, onPreVoteReply, onRequestVote, onRequestVoteReply } from './election.js';
import { onAppendEntries, onHeartbeat, onInstallSnapshot, onTimeoutNow } from './follower.js';
import { KvMachine } from './kv.js';
import { RaftLog } from './log.js';
import {
  type PeerMessage,
  parseRaftMessage,
  type RaftMessage,
  type RaftOutput,
} from './messages.js';
import type { Cluster, RaftOptions } from './options.js';
import { bcastHeartbeat } from './read-index.js';
import { onAppendEntriesReply, onHeartbeatReply, onInstallSnapshotReply } from './replication.js';
import { onClientCommand } from './requests.js';
import {
  becomeCandidate,
  becomeFollower,
  becomePreCandidate,
  inLease,
  resetElectionTimer,
} from './roles.js';
import {
  HARD_STATE_KEY,
  type HardState,
  isVoter,
  type RaftEnv,
  type Role,
  type Server,
  type ServerState,
  votersOf,
} from './state.js';

type StepFn = (sv: Server, from: NodeId, m: PeerMessage) => void;

const handlers = {
  follower: stepFollower,
  'pre-candidate': stepCandidate,
  candidate: stepCandidate,
  leader: stepLeader,
} satisfies Record<Role, StepFn>;

/** The leader a message of the current term proves, if any. */
function leaderOf(m: PeerMessage, from: NodeId): NodeId | null {
  return m.type === 'AppendEntries' || m.type === 'Heartbeat' || m.type === 'InstallSnapshot'
    ? from
    : null;
}

export function step(sv: Server, from: NodeId, m: PeerMessage): void {
  const { s, env } = sv;
  if (m.term > s.term) {
    if (m.type === 'PreVote' || (m.type === 'PreVoteReply' && m.voteGranted)) {
      // §9.6: a pre-vote (or a grant of one) is about a future term; nobody adopts it.
    } else if (m.type === 'RequestVote' && !m.transfer && inLease(sv)) {
      // §4.2.3: we heard from a leader within the minimum election timeout.
      return env.note(`RequestVote from ${from} for term ${m.term} ignored: leader lease`);
    } else {
      becomeFollower(sv, m.term, leaderOf(m, from));
    }
  } else if (m.term < s.term) {
    return rejectStale(sv, from, m);
  }
  if (m.type === 'RequestVote') return onRequestVote(sv, from, m);
  if (m.type === 'PreVote') return onPreVote(sv, from, m);
  handlers[s.role](sv, from, m);
}

/** Figure 2: reply false to a stale term, so the sender learns it is out of date. */
function rejectStale(sv: Server, from: NodeId, m: PeerMessage): void {
  const { s, env } = sv;
  switch (m.type) {
    case 'RequestVote':
      return env.send(from, { type: 'RequestVoteReply', term: s.term, voteGranted: false });
    case 'PreVote':
      return env.send(from, { type: 'PreVoteReply', term: s.term, voteGranted: false });
    case 'AppendEntries':
    case 'Heartbeat':
    case 'InstallSnapshot': {
      const none = { matchIndex: 0, rejectedIndex: 0, conflictTerm: 0, conflictIndex: 0 };
      return env.send(from, { type: 'AppendEntriesReply', term: s.term, success: false, ...none });
    }
    default:
      return; // A stale reply or TimeoutNow: nothing to answer.
  }
}

function stepFollower(sv: Server, from: NodeId, m: PeerMessage): void {
  switch (m.type) {
    case 'AppendEntries':
      return onAppendEntries(sv, from, m);
    case 'Heartbeat':
      return onHeartbeat(sv, from, m);
    case 'InstallSnapshot':
      return onInstallSnapshot(sv, from, m);
    case 'TimeoutNow':
      return onTimeoutNow(sv, from);
    default:
      return; // Replies to a role we no longer hold.
  }
}

function stepCandidate(sv: Server, from: NodeId, m: PeerMessage): void {
  switch (m.type) {
    case 'AppendEntries':
    case 'Heartbeat':
    case 'InstallSnapshot':
      // §5.2: a leader of our term exists; return to follower and handle it as one.
      becomeFollower(sv, sv.s.term, from);
      return stepFollower(sv, from, m);
    case 'RequestVoteReply':
      return onRequestVoteReply(sv, from, m);
    case 'PreVoteReply':
      return onPreVoteReply(sv, from, m);
    default:
      return;
  }
}

function stepLeader(sv: Server, from: NodeId, m: PeerMessage): void {
  switch (m.type) {
    case 'AppendEntriesReply':
      return onAppendEntriesReply(sv, from, m);
    case 'HeartbeatReply':
      return onHeartbeatReply(sv, from, m);
    case 'InstallSnapshotReply':
      return onInstallSnapshotReply(sv, from, m);
    case 'AppendEntries':
    case 'Heartbeat':
    case 'InstallSnapshot':
      // Two leaders in one term would break Election Safety; the invariant reports it.
      return sv.env.note(`${m.type} from ${from} in our own term ${sv.s.term} ignored`);
    default:
      return;
  }
}

function onTimer(sv: Server, name: string): void {
  const { s, env, o } = sv;
  switch (name) {
    case 'election':
      if (s.role === 'leader') return;
      // Servers outside the configuration never campaign (dissertation §4.2.3).
      if (!isVoter(s)) return resetElectionTimer(sv);
      return o.preVote ? becomePreCandidate(sv) : becomeCandidate(sv, { transfer: false });
    case 'heartbeat':
      if (s.role !== 'leader') return;
      bcastHeartbeat(sv);
      return env.setTimer('heartbeat', o.heartbeatMs);
    case 'check-quorum':
      return checkQuorum(sv);
    case 'transfer':
      if (s.role === 'leader') s.transferee = null; // §3.10: abort after an election timeout.
      return;
    default:
      return env.note(`unknown timer ${name}`);
  }
}

/** §6.2/§9.6: a leader that has not heard from a majority in an election timeout steps down. */
function checkQuorum(sv: Server): void {
  const { s, o, env } = sv;
  if (s.role !== 'leader') return;
  const voters = votersOf(s);
  const active = voters.filter((v) => v === s.id || s.progress.get(v)?.recentActive === true);
  for (const pr of s.progress.values()) pr.recentActive = false;
  if (active.length < majority(voters.length)) {
    env.note(`check-quorum: only ${active.length} of ${voters.length} voters active`);
    return becomeFollower(sv, s.term, null);
  }
  env.setTimer('check-quorum', o.electionTimeoutMsMin);
}

/**
 * §4.2.2: a leader removed by a configuration steps down once that configuration commits.
 * Checked after every step rather than where commitIndex moves, so that no handler below
 * the role layer has to change roles.
 */
function stepDownIfRemoved(sv: Server): void {
  const { s } = sv;
  if (s.role === 'leader' && !isVoter(s) && s.log.configIndex <= s.commitIndex) {
    sv.env.note(`removed by the configuration at ${s.log.configIndex}: stepping down`);
    becomeFollower(sv, s.term, null);
  }
}

function startState(id: NodeId, env: RaftEnv, o: RaftOptions, cluster: Cluster): ServerState {
  const hard = env.storage.get<HardState>(HARD_STATE_KEY);
  const log = RaftLog.load(env.storage, cluster.initialVoters);
  return {
    kind: 'server',
    id,
    role: 'follower',
    term: hard?.term ?? 0,
    votedFor: hard?.votedFor ?? null,
    leaderId: null,
    log,
    commitIndex: log.snapshot.index,
    lastApplied: log.snapshot.index,
    kv: KvMachine.restore(log.snapshot.kv, o),
    leaderContactAt: env.now(),
    votes: new Map(),
    progress: new Map(),
    waiters: new Map(),
    reads: [],
    round: 0,
    roundSentAt: new Map(),
    leaseUntil: 0,
    transferee: null,
  };
}

export function createServer(
  id: NodeId,
  o: RaftOptions,
  cluster: Cluster,
): Process<RaftMessage, RaftOutput, ServerState> {
  let s: ServerState | undefined;
  const server = (env: RaftEnv): Server | undefined =>
    s === undefined ? undefined : { s, env, o, cluster };
  return {
    get state() {
      return s as ServerState;
    },
    onStart(env) {
      s = startState(id, env, o, cluster);
      resetElectionTimer({ s, env, o, cluster });
    },
    onMessage(env, from, raw) {
      const sv = server(env);
      const m = parseRaftMessage(raw);
      if (sv === undefined || m === undefined) return env.note(`malformed message from ${from}`);
      if (m.type === 'ClientRequest') {
        onClientCommand(sv, m.command, { via: 'message', to: from });
        return stepDownIfRemoved(sv);
      }
      if (m.type === 'ClientReply') return;
      if (!cluster.servers.includes(from)) return env.note(`${m.type} from non-server ${from}`);
      step(sv, from, m);
      stepDownIfRemoved(sv);
    },
    onTimer(env, name) {
      const sv = server(env);
      if (sv === undefined) return;
      onTimer(sv, name);
      stepDownIfRemoved(sv);
    },
    onCommand(env, raw) {
      const sv = server(env);
      const checked = checkClientCommand(raw);
      if (!checked.ok) return env.note(`command refused: ${checked.reason}`);
      if (sv === undefined) return;
      onClientCommand(sv, checked.command, { via: 'command', to: 0 });
      stepDownIfRemoved(sv);
    },
  };
}
