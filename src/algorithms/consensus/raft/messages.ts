// Messages, log entries and outputs of consensus/raft, named as in the Raft paper (Ongaro &
// Ousterhout 2014, Figure 2) and the dissertation (Ongaro 2014): RequestVote, AppendEntries,
// InstallSnapshot (§7), PreVote (§9.6), TimeoutNow (§3.10). Heartbeat/HeartbeatReply are
// etcd's split of the empty AppendEntries: they carry the commit index and the ReadIndex
// round (§6.4) but no consistency check, so a heartbeat can never knock a pipelined follower
// back to probing. Every message from a peer passes `parseRaftMessage` before it is used.
//
// Fault model: messages may be lost, duplicated, delayed, reordered or stale (older terms).

import type { NodeId } from '../../../core/process.js';
import {
  isBool,
  isCount,
  isNodeId,
  isNullOr,
  isRecord,
  type MessageChecks,
  parseByType,
} from '../../../core/validate.js';
import {
  type ClientCommand,
  type ClientReplyBody,
  FAIL_REASONS,
  isMachineCommand,
  type KvOp,
  type MachineOp,
  parseClientCommand,
} from './client-api.js';
import { kvMachineDef, type RaftMachineDef } from './machine.js';

/** A log entry. `index` and `term` identify it (Log Matching, §5.3). */
export type Entry =
  | { readonly index: number; readonly term: number; readonly kind: 'noop' }
  | {
      readonly index: number;
      readonly term: number;
      readonly kind: 'command';
      readonly command: (KvOp | MachineOp) & { readonly client: number; readonly seq: number };
      /** The leader's clock when it appended the entry: log time for sessions (replicated-kv/machine.ts). */
      readonly atMs: number;
    }
  | {
      readonly index: number;
      readonly term: number;
      readonly kind: 'config';
      /** The voters of the configuration this entry starts (dissertation §4.1). */
      readonly voters: readonly NodeId[];
      /**
       * Its learners: members that receive the log but neither vote nor count toward a
       * quorum (etcd's learners; the dissertation's §4.2.1 non-voting catch-up). Absent when
       * there are none, which is how every entry written before learners existed reads.
       */
      readonly learners?: readonly NodeId[];
      readonly client: number;
      readonly seq: number;
    };

/** A snapshot (§7): the state machine and sessions as of `index`, and that index's config. */
export interface Snapshot {
  readonly index: number;
  readonly term: number;
  readonly voters: readonly NodeId[];
  /** The learners of that configuration (absent: none). */
  readonly learners?: readonly NodeId[];
  /** The machine's snapshot (machine.ts), sessions included. */
  readonly kv: unknown;
}

export interface RequestVote {
  readonly type: 'RequestVote';
  readonly term: number;
  readonly lastLogIndex: number;
  readonly lastLogTerm: number;
  /** Set by a TimeoutNow-triggered election: voters ignore their leader lease (§3.10). */
  readonly transfer: boolean;
}
export interface RequestVoteReply {
  readonly type: 'RequestVoteReply';
  readonly term: number;
  readonly voteGranted: boolean;
}
/** §9.6: a trial election at `term` (= the candidate's term + 1) that changes no state. */
export interface PreVote {
  readonly type: 'PreVote';
  readonly term: number;
  readonly lastLogIndex: number;
  readonly lastLogTerm: number;
}
export interface PreVoteReply {
  readonly type: 'PreVoteReply';
  readonly term: number;
  readonly voteGranted: boolean;
}
export interface AppendEntries {
  readonly type: 'AppendEntries';
  readonly term: number;
  readonly prevLogIndex: number;
  readonly prevLogTerm: number;
  readonly entries: readonly Entry[];
  readonly leaderCommit: number;
}
export interface AppendEntriesReply {
  readonly type: 'AppendEntriesReply';
  readonly term: number;
  readonly success: boolean;
  /** success: the follower's log matches the leader's up to here. */
  readonly matchIndex: number;
  /** failure: the prevLogIndex that was rejected (stale-reply detection, as etcd). */
  readonly rejectedIndex: number;
  /** failure hints (§5.3 "the follower can include the term of the conflicting entry"). */
  readonly conflictTerm: number;
  readonly conflictIndex: number;
}
export interface Heartbeat {
  readonly type: 'Heartbeat';
  readonly term: number;
  /** min(leader commit, follower's matchIndex): safe to adopt without a consistency check. */
  readonly commit: number;
  /**
   * The term of the leader's entry at `commit` (0 when compacted): the follower adopts
   * `commit` only if its own entry there has this term, which a follower that lost
   * acknowledged entries may not (follower.ts).
   */
  readonly commitTerm: number;
  /** The leader's ReadIndex round (§6.4); echoed back. */
  readonly round: number;
}
export interface HeartbeatReply {
  readonly type: 'HeartbeatReply';
  readonly term: number;
  readonly round: number;
  /** The follower's last log index, so the leader notices a follower that fell behind. */
  readonly lastIndex: number;
}
/** §7, sent in one piece (the paper's offset/done chunking is not needed in memory). */
export interface InstallSnapshot {
  readonly type: 'InstallSnapshot';
  readonly term: number;
  readonly snapshot: Snapshot;
}
export interface InstallSnapshotReply {
  readonly type: 'InstallSnapshotReply';
  readonly term: number;
  readonly matchIndex: number;
}
/** §3.10: "start an election now"; the target campaigns at once, bypassing pre-vote. */
export interface TimeoutNow {
  readonly type: 'TimeoutNow';
  readonly term: number;
}
/** Dissertation §6 ClientRequest (from a client node); answered by ClientReply. */
export interface ClientRequest {
  readonly type: 'ClientRequest';
  readonly command: ClientCommand;
}
export interface ClientReply extends ClientReplyBody {
  readonly type: 'ClientReply';
}

/** Messages between servers: every one carries a term (§5.1). */
export type PeerMessage =
  | RequestVote
  | RequestVoteReply
  | PreVote
  | PreVoteReply
  | AppendEntries
  | AppendEntriesReply
  | Heartbeat
  | HeartbeatReply
  | InstallSnapshot
  | InstallSnapshotReply
  | TimeoutNow;

export type RaftMessage = PeerMessage | ClientRequest | ClientReply;

/** Observable events: checkers, metrics and the linearizability history read these. */
export type RaftOutput =
  | { readonly type: 'leader'; readonly term: number }
  | { readonly type: 'campaign'; readonly term: number; readonly pre: boolean }
  | { readonly type: 'commit'; readonly index: number; readonly term: number }
  | {
      readonly type: 'apply';
      readonly index: number;
      readonly term: number;
      readonly id: string;
      /** The machine's result, for machines that report it (machine.ts reportsApplied). */
      readonly result?: unknown;
    }
  | { readonly type: 'reply'; readonly reply: ClientReplyBody<unknown> }
  | { readonly type: 'invoke'; readonly client: number; readonly seq: number; readonly op: KvOp }
  | {
      readonly type: 'complete';
      readonly client: number;
      readonly seq: number;
      readonly op: KvOp;
      readonly outcome: 'ok' | 'fail';
      readonly value: string | null;
    }
  | { readonly type: 'admin'; readonly client: number; readonly seq: number; readonly op: string }
  /**
   * A leader found that `follower` lost entries it had acknowledged (its log ends at
   * `lastIndex`, below `matchIndex`) and started its replication over. `level` asks hosts
   * to log it as a warning: it means a disk lost acknowledged data.
   */
  | {
      readonly type: 'follower-log-lost';
      readonly level: 'warn';
      readonly follower: NodeId;
      readonly lastIndex: number;
      readonly matchIndex: number;
    };

// ---- Validation of peer input --------------------------------------------------------------

/** Ids ascending without repeats (as leaders build them); at least one unless `mayBeEmpty`. */
function isIdList(x: unknown, mayBeEmpty = false): x is NodeId[] {
  return (
    Array.isArray(x) &&
    (mayBeEmpty || x.length > 0) &&
    x.every((v, i) => isNodeId(v) && (i === 0 || v > (x[i - 1] as number)))
  );
}

/** A configuration: at least one voter; learners, when given, none of them a voter. */
function isConfig(x: Record<string, unknown>): boolean {
  if (!isIdList(x.voters)) return false;
  if (x.learners === undefined) return true;
  const voters = x.voters;
  return isIdList(x.learners, true) && x.learners.every((l) => !voters.includes(l));
}

function isEntry(x: unknown, machine: RaftMachineDef): x is Entry {
  if (!isRecord(x)) return false;
  if (!isCount(x.index) || x.index < 1 || !isCount(x.term)) return false;
  if (x.kind === 'noop') return true;
  if (x.kind === 'config') return isConfig(x) && isCount(x.client) && isCount(x.seq);
  if (x.kind !== 'command' || !isCount(x.atMs)) return false;
  // Only the machine's operations enter the log as commands (requests.ts).
  const command = parseClientCommand(x.command, machine);
  return command !== undefined && isMachineCommand(command);
}

function isSnapshot(x: unknown, machine: RaftMachineDef): x is Snapshot {
  return (
    isRecord(x) && isCount(x.index) && isCount(x.term) && isConfig(x) && machine.isSnapshot(x.kv)
  );
}

/**
 * A term a server may adopt: it must stay a safe integer after the increment a campaign
 * makes (`term + 1`), or one forged or corrupt term would leave every server unable to
 * campaign past it (issue 14: a Heartbeat of term 2^53−1 stalled a cluster for good).
 */
function isTerm(x: unknown): x is number {
  return isCount(x) && x < Number.MAX_SAFE_INTEGER;
}

type Fields = Readonly<Record<string, unknown>>;

/** A peer message's term and its other count fields. */
function counts(m: Fields, ...fields: readonly string[]): boolean {
  return isTerm(m.term) && fields.every((f) => isCount(m[f]));
}

/**
 * Entries must be consecutive after prevLogIndex, and their terms never decrease along the
 * log nor pass the leader's term (§5.3): a bad batch is rejected whole, so appending it can
 * never trip the log's own checks.
 */
function isAppendEntries(m: Fields, machine: RaftMachineDef): boolean {
  if (!counts(m, 'prevLogIndex', 'prevLogTerm', 'leaderCommit')) return false;
  const { entries } = m;
  const term = m.term as number;
  const prevLogIndex = m.prevLogIndex as number;
  const prevLogTerm = m.prevLogTerm as number;
  if (!Array.isArray(entries) || prevLogTerm > term) return false;
  let lastTerm = prevLogTerm;
  for (const [i, e] of entries.entries()) {
    if (!isEntry(e, machine) || e.index !== prevLogIndex + i + 1) return false;
    if (e.term < lastTerm || e.term > term) return false;
    lastTerm = e.term;
  }
  return true;
}

const FAIL_REASON_SET: ReadonlySet<unknown> = new Set(FAIL_REASONS);

/** A ClientReply's fields, as the client reads them (value, reason and hint are optional). */
function isReplyBody(m: Fields, machine: RaftMachineDef): boolean {
  if (!isCount(m.client) || !isCount(m.seq) || !isBool(m.ok)) return false;
  if (m.value !== undefined && !machine.isReplyValue(m.value)) return false;
  if (m.reason !== undefined && !FAIL_REASON_SET.has(m.reason)) return false;
  return m.leaderHint === undefined || isNullOr(m.leaderHint, isCount);
}

/** One check per message type, looked up as an own property ('toString' finds nothing). */
const checksFor = (machine: RaftMachineDef): MessageChecks<RaftMessage> => ({
  RequestVote: (m) => counts(m, 'lastLogIndex', 'lastLogTerm') && isBool(m.transfer),
  RequestVoteReply: (m) => counts(m) && isBool(m.voteGranted),
  PreVote: (m) => counts(m, 'lastLogIndex', 'lastLogTerm'),
  PreVoteReply: (m) => counts(m) && isBool(m.voteGranted),
  AppendEntries: (m) => isAppendEntries(m, machine),
  AppendEntriesReply: (m) =>
    counts(m, 'matchIndex', 'rejectedIndex', 'conflictTerm', 'conflictIndex') && isBool(m.success),
  Heartbeat: (m) => counts(m, 'commit', 'commitTerm', 'round'),
  HeartbeatReply: (m) => counts(m, 'round', 'lastIndex'),
  InstallSnapshot: (m) => counts(m) && isSnapshot(m.snapshot, machine),
  InstallSnapshotReply: (m) => counts(m, 'matchIndex'),
  TimeoutNow: (m) => counts(m),
  ClientRequest: (m) => parseClientCommand(m.command, machine) !== undefined,
  ClientReply: (m) => isReplyBody(m, machine),
});

const CHECKS = new WeakMap<RaftMachineDef, MessageChecks<RaftMessage>>();

/**
 * Returns the message itself if it is well formed, else undefined (the caller drops it).
 * Commands, snapshots and reply values are checked by the machine's definition.
 */
export function parseRaftMessage(
  x: unknown,
  machine: RaftMachineDef = kvMachineDef as RaftMachineDef,
): RaftMessage | undefined {
  let checks = CHECKS.get(machine);
  if (checks === undefined) {
    checks = checksFor(machine);
    CHECKS.set(machine, checks);
  }
  return parseByType(checks, x);
}
