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
  type ClientCommand,
  type ClientReplyBody,
  type KvOp,
  parseClientCommand,
} from './client-api.js';
import type { KvSnapshot } from './kv.js';

/** A log entry. `index` and `term` identify it (Log Matching, §5.3). */
export type Entry =
  | { readonly index: number; readonly term: number; readonly kind: 'noop' }
  | {
      readonly index: number;
      readonly term: number;
      readonly kind: 'command';
      readonly command: KvOp & { readonly client: number; readonly seq: number };
    }
  | {
      readonly index: number;
      readonly term: number;
      readonly kind: 'config';
      /** The voters of the configuration this entry starts (dissertation §4.1). */
      readonly voters: readonly NodeId[];
      readonly client: number;
      readonly seq: number;
    };

/** A snapshot (§7): the state machine and sessions as of `index`, and that index's config. */
export interface Snapshot {
  readonly index: number;
  readonly term: number;
  readonly voters: readonly NodeId[];
  readonly kv: KvSnapshot;
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
  | { readonly type: 'apply'; readonly index: number; readonly term: number; readonly id: string }
  | { readonly type: 'reply'; readonly reply: ClientReplyBody }
  | { readonly type: 'invoke'; readonly client: number; readonly seq: number; readonly op: KvOp }
  | {
      readonly type: 'complete';
      readonly client: number;
      readonly seq: number;
      readonly op: KvOp;
      readonly outcome: 'ok' | 'fail';
      readonly value: string | null;
    }
  | { readonly type: 'admin'; readonly client: number; readonly seq: number; readonly op: string };

// ---- Validation of peer input --------------------------------------------------------------

function isCount(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

function isIdList(x: unknown): x is NodeId[] {
  return Array.isArray(x) && x.every((v) => isCount(v) && v >= 1);
}

function isEntry(x: unknown): x is Entry {
  if (typeof x !== 'object' || x === null) return false;
  const e = x as Record<string, unknown>;
  if (!isCount(e.index) || e.index < 1 || !isCount(e.term)) return false;
  if (e.kind === 'noop') return true;
  if (e.kind === 'config') return isIdList(e.voters) && isCount(e.client) && isCount(e.seq);
  return e.kind === 'command' && parseClientCommand(e.command) !== undefined;
}

function isSnapshot(x: unknown): x is Snapshot {
  if (typeof x !== 'object' || x === null) return false;
  const s = x as Record<string, unknown>;
  const kv = s.kv as Record<string, unknown> | undefined;
  return (
    isCount(s.index) &&
    isCount(s.term) &&
    isIdList(s.voters) &&
    typeof kv === 'object' &&
    kv !== null &&
    Array.isArray(kv.data) &&
    Array.isArray(kv.sessions)
  );
}

/** Entries must be consecutive after prevLogIndex (a bad batch is rejected whole). */
function entriesFollow(m: Record<string, unknown>): boolean {
  if (!Array.isArray(m.entries) || !isCount(m.prevLogIndex)) return false;
  return m.entries.every((e, i) => isEntry(e) && e.index === (m.prevLogIndex as number) + i + 1);
}

const TERM_FIELDS: Readonly<Record<PeerMessage['type'], readonly string[]>> = {
  RequestVote: ['lastLogIndex', 'lastLogTerm'],
  RequestVoteReply: [],
  PreVote: ['lastLogIndex', 'lastLogTerm'],
  PreVoteReply: [],
  AppendEntries: ['prevLogIndex', 'prevLogTerm', 'leaderCommit'],
  AppendEntriesReply: ['matchIndex', 'rejectedIndex', 'conflictTerm', 'conflictIndex'],
  Heartbeat: ['commit', 'round'],
  HeartbeatReply: ['round', 'lastIndex'],
  InstallSnapshot: [],
  InstallSnapshotReply: ['matchIndex'],
  TimeoutNow: [],
};

/** Returns the message if it is well formed, else undefined (and the caller drops it). */
export function parseRaftMessage(x: unknown): RaftMessage | undefined {
  if (typeof x !== 'object' || x === null) return undefined;
  const m = x as Record<string, unknown>;
  if (m.type === 'ClientRequest')
    return parseClientCommand(m.command) === undefined ? undefined : (x as RaftMessage);
  if (m.type === 'ClientReply')
    return isCount(m.client) && isCount(m.seq) && typeof m.ok === 'boolean'
      ? (x as RaftMessage)
      : undefined;
  const fields = TERM_FIELDS[m.type as PeerMessage['type']];
  if (fields === undefined || !isCount(m.term)) return undefined;
  if (!fields.every((f) => isCount(m[f]))) return undefined;
  if ((m.type === 'RequestVoteReply' || m.type === 'PreVoteReply') && !isBool(m.voteGranted))
    return undefined;
  if (m.type === 'RequestVote' && !isBool(m.transfer)) return undefined;
  if (m.type === 'AppendEntriesReply' && !isBool(m.success)) return undefined;
  if (m.type === 'AppendEntries' && !entriesFollow(m)) return undefined;
  if (m.type === 'InstallSnapshot' && !isSnapshot(m.snapshot)) return undefined;
  return x as RaftMessage;
}

function isBool(x: unknown): x is boolean {
  return typeof x === 'boolean';
}
