// A Raft server's state (Figure 2) and the context its handlers share. Persistent state
// (currentTerm, votedFor, the log) lives in storage as well as here; everything else is
// volatile and rebuilt on restart (commitIndex and lastApplied restart at the snapshot).
//
// Fault model: crash-recovery; `saveHardState` must run in the same step that changes term or
// vote, so the host makes it durable BEFORE any reply of that step leaves (§5.1, §3.8).

import type { Env, NodeId } from '../../../core/process.js';
import type { ClientReplyBody } from './client-api.js';
import type { KvMachine } from './kv.js';
import type { RaftLog } from './log.js';
import type { RaftMessage, RaftOutput } from './messages.js';
import type { Cluster, RaftOptions } from './options.js';
import type { Progress } from './progress.js';

export type Role = 'follower' | 'pre-candidate' | 'candidate' | 'leader';

export type RaftEnv = Env<RaftMessage, RaftOutput>;

/** Where an answer goes: a client node (message) or the runtime (output `reply`). */
export interface ReplyRoute {
  readonly via: 'message' | 'command';
  readonly to: NodeId;
}

/** A leader's promise to answer (client, seq) once entry `index` is applied. */
export interface Waiter extends ReplyRoute {
  readonly client: number;
  readonly seq: number;
}

/** A read waiting for leadership confirmation (round) and for the state machine (§6.4). */
export interface PendingRead extends ReplyRoute {
  readonly client: number;
  readonly seq: number;
  readonly key: string;
  /** The heartbeat round whose quorum acknowledgement confirms leadership. */
  readonly round: number;
  /** commitIndex when the read arrived; null until the leader commits in its term. */
  readIndex: number | null;
  confirmed: boolean;
}

export interface ServerState {
  readonly kind: 'server';
  readonly id: NodeId;
  role: Role;
  /** Persistent: latest term seen (Figure 2 currentTerm). */
  term: number;
  /** Persistent: candidate voted for in `term`, or null. */
  votedFor: NodeId | null;
  leaderId: NodeId | null;
  /** Persistent (entries and snapshot). */
  log: RaftLog;
  /** Highest index known committed; never decreases while up; ≥ log.snapshot.index. */
  commitIndex: number;
  /** Highest index applied to `kv`; lastApplied ≤ commitIndex. */
  lastApplied: number;
  kv: KvMachine;
  /** Local time of the last message from a leader of our term (or of start, see raft.ts). */
  leaderContactAt: number;
  /** Candidates and pre-candidates: votes received (voter → granted). */
  votes: Map<NodeId, boolean>;
  /** Leaders: one entry per other voter. */
  progress: Map<NodeId, Progress>;
  /** Leaders: answers owed once an index is applied. */
  waiters: Map<number, Waiter[]>;
  /** Leaders: reads in arrival order. */
  reads: PendingRead[];
  /** Leaders: the latest heartbeat round and when each recent round was sent (local time). */
  round: number;
  roundSentAt: Map<number, number>;
  /** Leaders: lease reads are served until this local time (§6.4.1). */
  leaseUntil: number;
  /** Leaders: the server leadership is being handed to (§3.10), or null. */
  transferee: NodeId | null;
}

/** Everything a handler needs besides the state. */
export interface Server {
  readonly s: ServerState;
  readonly env: RaftEnv;
  readonly o: RaftOptions;
  readonly cluster: Cluster;
}

export const HARD_STATE_KEY = 'hard';

export interface HardState {
  readonly term: number;
  readonly votedFor: NodeId | null;
}

export function saveHardState(sv: Server): void {
  const hard: HardState = { term: sv.s.term, votedFor: sv.s.votedFor };
  sv.env.storage.set(HARD_STATE_KEY, hard);
}

/** Sends an answer along its route. */
export function answer(sv: Server, route: ReplyRoute, reply: ClientReplyBody): void {
  if (route.via === 'message') sv.env.send(route.to, { type: 'ClientReply', ...reply });
  else sv.env.output({ type: 'reply', reply });
}

/** The voters of the latest configuration in the log (dissertation §4.1). */
export function votersOf(s: ServerState): readonly NodeId[] {
  return s.log.voters();
}

export function isVoter(s: ServerState, id: NodeId = s.id): boolean {
  return s.log.voters().includes(id);
}
