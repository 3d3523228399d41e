// consensus/raft server: the process (defineProcess), one handler per message type and per
// timer. Every peer message passes the shared term rules first (Figure 2 "Rules for Servers:
// all servers", with the pre-vote and leader-lease exceptions of dissertation §9.6 and
// §4.2.3), then its handler looks at the current role; every step ends with `settle`.
//
// Two roles share the message union: servers (this file) and the simulated workload clients
// (client.ts). Each is a complete definition of its own; `createRaftNode` picks by id.
//
// Fault model: crash-recovery with durable term, vote and log (storage); lossy, duplicating,
// reordering, delaying, partitioned links; pauses; clock drift (which only lease reads
// assume bounded). Peer input arrives parsed (the host drops what parseRaftMessage rejects)
// and is never asserted on.

import { assert } from '../../../core/assert.js';
import { defineProcess } from '../../../core/kernel.js';
import type { NodeId, Process } from '../../../core/process.js';
import { majority } from '../../../core/quorum.js';
import { createClient } from './client.js';
import { checkClientCommand } from './client-api.js';
import { onPreVote, onPreVoteReply, onRequestVote, onRequestVoteReply } from './election.js';
import { onAppendEntries, onHeartbeat, onInstallSnapshot, onTimeoutNow } from './follower.js';
import { RaftLog } from './log.js';
import type { PeerMessage, RaftMessage, RaftOutput } from './messages.js';
import type { RaftConfig } from './options.js';
import { bcastHeartbeat, startBatchedRound } from './read-index.js';
import {
  askDurable,
  bcastAppend,
  onAppendEntriesReply,
  onHeartbeatReply,
  onInstallSnapshotReply,
} from './replication.js';
import { onClientCommand, onForwardedReply } from './requests.js';
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
  initServerState,
  isVoter,
  type RaftNodeState,
  type Server,
  type ServerState,
  votersOf,
} from './state.js';

export type RaftTimer = 'election' | 'heartbeat' | 'check-quorum' | 'transfer';

type PeerType = PeerMessage['type'];
type Of<T extends PeerType> = Extract<PeerMessage, { type: T }>;
type Handler<T extends PeerType> = (x: Server, from: NodeId, m: Of<T>) => void;

/** How one message type meets the term rules (Figure 2, "all servers"). */
interface TermRules<T extends PeerType> {
  /**
   * A newer term: adopt it and become a follower (the default), keep ours and handle the
   * message (a pre-vote, or a grant of one, is about a future term nobody adopts: §9.6), or
   * drop the message (§4.2.3: a vote request inside a leader lease).
   */
  readonly newer?: (x: Server, from: NodeId, m: Of<T>) => 'adopt' | 'keep' | 'drop';
  /** Only a leader of its term sends this type: adopting the term follows the sender. */
  readonly fromLeader?: boolean;
  /** A message of an older term: the reply that tells the sender it is stale, if any. */
  readonly stale?: (x: Server, from: NodeId) => void;
}

/**
 * After every step: §4.2.2, a leader removed by a configuration steps down once that
 * configuration commits (checked here rather than where commitIndex moves, so that no
 * handler below the role layer has to change roles); then what must hold of our own state.
 */
function settle(x: Server): void {
  const { s, env } = x;
  if (s.role === 'leader' && !isVoter(s) && s.log.configIndex <= s.commitIndex) {
    env.note(`removed by the configuration at ${s.log.configIndex}: stepping down`);
    becomeFollower(x, s.term, null);
  }
  askDurable(x);
  assert(s.lastApplied <= s.commitIndex, 'only committed entries are applied');
  assert(s.commitIndex >= s.log.snapshot.index, 'the snapshot is committed');
  assert(s.role !== 'leader' || (s.leaderId === s.id && s.votedFor === s.id), 'a leader won');
  assert(s.role === 'leader' || (s.transferee === null && s.progress.size === 0), 'leaders only');
  assert(s.role !== 'follower' || s.votes.size === 0, 'a follower counts no votes');
}

/** A peer message: from a server, through the term rules, to `body`, then `settle`. */
function peer<T extends PeerType>(rules: TermRules<T>, body: Handler<T>): Handler<T> {
  return (x, from, m) => {
    const { s, env, c } = x;
    const { type, term }: PeerMessage = m;
    if (!c.cluster.servers.includes(from)) return env.note(`${type} from non-server ${from}`);
    const termBefore = s.term;
    if (term > s.term) {
      const take = rules.newer?.(x, from, m) ?? 'adopt';
      if (take === 'adopt') becomeFollower(x, term, rules.fromLeader === true ? from : null);
      if (take !== 'drop') body(x, from, m);
    } else if (term < s.term) {
      rules.stale?.(x, from);
    } else {
      body(x, from, m);
    }
    settle(x);
    assert(s.term >= termBefore, 'terms never go back');
  };
}

const refuseAppend = (x: Server, from: NodeId): void => {
  const none = { matchIndex: 0, rejectedIndex: 0, conflictTerm: 0, conflictIndex: 0 };
  x.env.send(from, { type: 'AppendEntriesReply', term: x.s.term, success: false, ...none });
};

/** A leader's message in our term: candidates return to follower first (§5.2). */
function fromLeader<T extends 'AppendEntries' | 'Heartbeat' | 'InstallSnapshot'>(
  body: Handler<T>,
): Handler<T> {
  return peer<T>({ fromLeader: true, stale: refuseAppend }, (x, from, m) => {
    const { s, env } = x;
    const { type }: PeerMessage = m;
    // Two leaders in one term would break Election Safety; the invariant reports it.
    if (s.role === 'leader')
      return env.note(`${type} from ${from} in our own term ${s.term} ignored`);
    if (s.role !== 'follower') becomeFollower(x, s.term, from);
    body(x, from, m);
    assert(s.role === 'follower' && s.leaderId === from, 'the leader of our term is followed');
  });
}

/** A reply to what only a leader sends; replies to a role we no longer hold are dropped. */
function toLeader<T extends 'AppendEntriesReply' | 'HeartbeatReply' | 'InstallSnapshotReply'>(
  body: Handler<T>,
): Handler<T> {
  return peer<T>({}, (x, from, m) => {
    if (x.s.role === 'leader') body(x, from, m);
  });
}

function onElectionTimer(x: Server): void {
  const { s, c } = x;
  if (s.role === 'leader') return;
  // Servers outside the configuration never campaign (dissertation §4.2.3).
  if (!isVoter(s)) return resetElectionTimer(x);
  if (c.preVote) becomePreCandidate(x);
  else becomeCandidate(x, { transfer: false });
}

/** §6.2/§9.6: a leader that has not heard from a majority in an election timeout steps down. */
function checkQuorum(x: Server): void {
  const { s, c, env } = x;
  if (s.role !== 'leader') return;
  const voters = votersOf(s);
  const active = voters.filter((v) => v === s.id || s.progress.get(v)?.recentActive === true);
  for (const pr of s.progress.values()) pr.recentActive = false;
  if (active.length < majority(voters.length)) {
    env.note(`check-quorum: only ${active.length} of ${voters.length} voters active`);
    return becomeFollower(x, s.term, null);
  }
  env.setTimer('check-quorum', c.electionTimeoutMsMin);
}

/** A timer's handler followed by `settle`. */
function timer(body: (x: Server) => void): (x: Server) => void {
  return (x) => {
    const termBefore = x.s.term;
    body(x);
    settle(x);
    assert(x.s.term >= termBefore, 'terms never go back');
  };
}

/** Restores the persistent state (Figure 2: currentTerm, votedFor, log) a crash kept. */
function onStart(x: Server): void {
  const { s, env, c } = x;
  const hard = env.storage.get<HardState>(HARD_STATE_KEY);
  s.term = hard?.term ?? 0;
  s.votedFor = hard?.votedFor ?? null;
  s.log = RaftLog.load(env.storage, c.cluster.initialVoters, c.machine.emptySnapshot);
  s.commitIndex = s.log.snapshot.index;
  s.lastApplied = s.log.snapshot.index;
  s.kv = c.machine.restore(s.log.snapshot.kv, c);
  // A (re)started server counts its start as leader contact (roles.ts inLease).
  s.leaderContactAt = env.now();
  resetElectionTimer(x);
  assert(s.role === 'follower' && s.leaderId === null, 'a server starts as a follower');
  assert(s.lastApplied === s.commitIndex, 'a server restarts at its snapshot');
}

export const createServer = defineProcess<
  RaftMessage,
  RaftOutput,
  ServerState,
  RaftConfig,
  RaftTimer
>({
  init: initServerState,
  onStart,
  onMessage: {
    RequestVote: peer<'RequestVote'>(
      {
        newer: (x, from, m) => {
          if (m.transfer || !inLease(x)) return 'adopt';
          // §4.2.3: we heard from a leader within the minimum election timeout.
          x.env.note(`RequestVote from ${from} for term ${m.term} ignored: leader lease`);
          return 'drop';
        },
        stale: (x, from) =>
          x.env.send(from, { type: 'RequestVoteReply', term: x.s.term, voteGranted: false }),
      },
      onRequestVote,
    ),
    PreVote: peer<'PreVote'>(
      {
        newer: () => 'keep',
        stale: (x, from) =>
          x.env.send(from, { type: 'PreVoteReply', term: x.s.term, voteGranted: false }),
      },
      onPreVote,
    ),
    RequestVoteReply: peer<'RequestVoteReply'>({}, onRequestVoteReply),
    PreVoteReply: peer<'PreVoteReply'>(
      { newer: (_x, _from, m) => (m.voteGranted ? 'keep' : 'adopt') },
      onPreVoteReply,
    ),
    AppendEntries: fromLeader<'AppendEntries'>(onAppendEntries),
    Heartbeat: fromLeader<'Heartbeat'>(onHeartbeat),
    InstallSnapshot: fromLeader<'InstallSnapshot'>(onInstallSnapshot),
    AppendEntriesReply: toLeader<'AppendEntriesReply'>(onAppendEntriesReply),
    HeartbeatReply: toLeader<'HeartbeatReply'>(onHeartbeatReply),
    InstallSnapshotReply: toLeader<'InstallSnapshotReply'>(onInstallSnapshotReply),
    TimeoutNow: peer<'TimeoutNow'>({}, (x, from) => {
      if (x.s.role === 'follower') onTimeoutNow(x, from);
    }),
    ClientRequest(x, from, m) {
      const termBefore = x.s.term;
      onClientCommand(x, m.command, { via: 'message', to: from });
      settle(x);
      assert(x.s.term === termBefore, 'a client command never changes the term');
    },
    // The leader's answer to a command this follower forwarded (requests.ts); any other
    // answer was meant for a client node and is dropped.
    ClientReply(x, from, m) {
      if (x.c.forwardCommands) onForwardedReply(x, from, m);
    },
  },
  onTimer: {
    election: timer(onElectionTimer),
    heartbeat: timer((x) => {
      if (x.s.role !== 'leader') return;
      bcastHeartbeat(x);
      askDurable(x, true);
      x.env.setTimer('heartbeat', x.c.heartbeatMs);
    }),
    'check-quorum': timer(checkQuorum),
    transfer: timer((x) => {
      if (x.s.role === 'leader') x.s.transferee = null; // §3.10: abort after an election timeout.
    }),
  },
  // One command, or a host's batch of them (an array): one step, one log append of them
  // all, and one AppendEntries per follower for the lot.
  onCommand(x, raw) {
    const termBefore = x.s.term;
    const batch = Array.isArray(raw);
    for (const one of batch ? (raw as unknown[]) : [raw]) {
      const checked = checkClientCommand(one, x.c.machine);
      if (!checked.ok) x.env.note(`command refused: ${checked.reason}`);
      else onClientCommand(x, checked.command, { via: 'command', to: 0 }, !batch);
    }
    if (batch && x.s.role === 'leader') {
      bcastAppend(x);
      startBatchedRound(x);
    }
    settle(x);
    assert(x.s.term === termBefore, 'a client command never changes the term');
  },
});

/** A node of the run: a server, or (the last `clients` ids) a workload client. */
export function createRaftNode(
  c: RaftConfig,
  id: NodeId,
): Process<RaftMessage, RaftOutput, RaftNodeState> {
  return c.cluster.clients.includes(id) ? createClient(c, id) : createServer(c, id);
}
