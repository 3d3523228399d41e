// The state of consensus/raft's two roles — a Raft server (Figure 2) and a workload client —
// with their `init…State()` (what the kernel builds before onStart), and the context server
// handlers share (the kernel's step `{ s, env, c }`). A server's persistent state (currentTerm,
// votedFor, the log) lives in storage as well as here; everything else is volatile and
// rebuilt on restart (commitIndex and lastApplied restart at the snapshot).
//
// Fault model: crash-recovery; `saveHardState` must run in the same step that changes term or
// vote, so the host makes it durable BEFORE any reply of that step leaves (§5.1, §3.8).

import type { Step } from '../../../core/kernel.js';
import type { Env, NodeId } from '../../../core/process.js';
import type { ClientCommand, ClientReplyBody, Op } from './client-api.js';
import { RaftLog } from './log.js';
import type { RaftMachine } from './machine.js';
import type { ClientReply, RaftMessage, RaftOutput } from './messages.js';
import type { RaftConfig } from './options.js';
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
  /** The read itself, answered by the machine once the read index is applied. */
  readonly command: ClientCommand;
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
  /** The replicated state machine (machine.ts), with the client sessions. */
  kv: RaftMachine;
  /** Local time of the last message from a leader of our term (or of start, see raft.ts). */
  leaderContactAt: number;
  /** Candidates and pre-candidates: votes received (voter → granted). */
  votes: Map<NodeId, boolean>;
  /** Leaders: one entry per other voter. */
  progress: Map<NodeId, Progress>;
  /** Leaders: answers owed once an index is applied. */
  waiters: Map<number, Waiter[]>;
  /** Leaders: the index each waiting (client, seq) — key `client:seq` — waits for. */
  waiting: Map<string, number>;
  /**
   * Leaders with parallelAppend: our own log is durable through this index (0: nothing of
   * this leadership is known durable yet), and the index we last asked the host about.
   */
  durableIndex: number;
  durableAsked: number;
  /** Leaders: reads in arrival order. */
  reads: PendingRead[];
  /** Leaders: the latest heartbeat round and when each recent round was sent (local time). */
  round: number;
  roundSentAt: Map<number, number>;
  /** Leaders: lease reads are served until this local time (§6.4.1). */
  leaseUntil: number;
  /** Leaders: the server leadership is being handed to (§3.10), or null. */
  transferee: NodeId | null;
  /**
   * Followers with `forwardCommands`: the host's commands sent on to the leader, by client,
   * until its answer comes back (at most one per client: a retry replaces it).
   */
  forwarded: Map<number, { readonly seq: number; readonly to: NodeId }>;
}

/** A workload client node (client.ts). */
export interface ClientState {
  readonly kind: 'client';
  readonly id: NodeId;
  /** Durable: sessions started before the current one (client.ts sessionClient). */
  session: number;
  /** Durable: the last sequence number used in the current session. */
  seq: number;
  /** Durable: operations completed. */
  done: number;
  pending: { readonly seq: number; readonly op: Op } | null;
  /** The server the next attempt goes to. */
  target: NodeId;
  /**
   * Servers that refused or timed out since the last answer: hints pointing back to them are
   * not followed, so stale hints (a removed server still naming its old leader) cannot
   * bounce the client between two servers forever.
   */
  refused: NodeId[];
  /** Values this client last saw per key (what its compare-and-swaps expect). */
  readonly seen: Map<string, string | null>;
  /** The learner this client last added (learnerChanges), the one it tries to promote. */
  learner: NodeId | null;
}

/** A client before it starts; onStart picks the server it tries first. */
export function initClientState(c: RaftConfig, id: NodeId): ClientState {
  return {
    kind: 'client',
    id,
    session: 0,
    seq: 0,
    done: 0,
    pending: null,
    target: c.cluster.initialVoters[0] as NodeId,
    refused: [],
    seen: new Map(),
    learner: null,
  };
}

export type RaftNodeState = ServerState | ClientState;

/** What every server handler receives (the kernel's step): `{ s, env, c }`. */
export type Server = Step<RaftMessage, RaftOutput, ServerState, RaftConfig>;

/**
 * A server before it starts: the bootstrap configuration, term 0, an empty log on no disk.
 * onStart (raft.ts) replaces the persistent parts with what storage holds.
 */
export function initServerState(c: RaftConfig, id: NodeId): ServerState {
  const log = RaftLog.unstarted(c.cluster.initialVoters, c.machine.emptySnapshot);
  return {
    kind: 'server',
    id,
    role: 'follower',
    term: 0,
    votedFor: null,
    leaderId: null,
    log,
    commitIndex: log.snapshot.index,
    lastApplied: log.snapshot.index,
    kv: c.machine.restore(log.snapshot.kv, c),
    leaderContactAt: 0,
    votes: new Map(),
    progress: new Map(),
    waiters: new Map(),
    waiting: new Map(),
    durableIndex: 0,
    durableAsked: 0,
    reads: [],
    round: 0,
    roundSentAt: new Map(),
    leaseUntil: 0,
    transferee: null,
    forwarded: new Map(),
  };
}

/**
 * Term and vote are written here by hand, not declared as kernel `durable` fields: the key
 * `hard` is what every data directory written so far holds, and a node that restarted under
 * a new key would come back at term 0 with no vote — free to vote twice in a term it already
 * voted in. The write happens in the step that changes them, as the kernel's would.
 */
export const HARD_STATE_KEY = 'hard';

export interface HardState {
  readonly term: number;
  readonly votedFor: NodeId | null;
}

export function saveHardState(x: Server): void {
  const hard: HardState = { term: x.s.term, votedFor: x.s.votedFor };
  x.env.storage.set(HARD_STATE_KEY, hard);
}

/** Sends an answer along its route. */
/** The key of `ServerState.waiting`. */
export function waitingKey(client: number, seq: number): string {
  return `${client}:${seq}`;
}

export function answer(x: Server, route: ReplyRoute, reply: ClientReplyBody<unknown>): void {
  // The message type names the key-value machine's values; another machine's replies are
  // checked by its definition when they arrive (messages.ts isReplyBody).
  if (route.via === 'message')
    x.env.send(route.to, { type: 'ClientReply', ...reply } as ClientReply);
  else x.env.output({ type: 'reply', reply });
}

/** The voters of the latest configuration in the log (dissertation §4.1). */
export function votersOf(s: ServerState): readonly NodeId[] {
  return s.log.voters();
}

export function isVoter(s: ServerState, id: NodeId = s.id): boolean {
  return s.log.voters().includes(id);
}

/** The learners of the latest configuration: they get the log, never vote or count. */
export function learnersOf(s: ServerState): readonly NodeId[] {
  return s.log.learners();
}

export function isLearner(s: ServerState, id: NodeId = s.id): boolean {
  return s.log.learners().includes(id);
}

/** Everyone the latest configuration replicates to: voters, then learners. */
export function membersOf(s: ServerState): readonly NodeId[] {
  return [...s.log.voters(), ...s.log.learners()];
}
