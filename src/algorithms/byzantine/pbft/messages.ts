// PBFT's messages (Castro and Liskov, "Practical Byzantine Fault Tolerance", OSDI 1999, §4):
// REQUEST, PRE-PREPARE, PREPARE, COMMIT, REPLY, VIEW-CHANGE and NEW-VIEW. PRE-PREPARE,
// PREPARE and VIEW-CHANGE carry Ed25519 signatures because they travel inside certificates
// (a VIEW-CHANGE proves what was prepared; a NEW-VIEW proves the view changes) that third
// parties must check; COMMIT and REPLY rely on the authenticated point-to-point channel.
// `parsePbftMessage` checks the shape of peer input, certificates included; whether a
// message tells the truth (digests, signatures, quorums) is crypto.ts's and the handlers'.

import type { NodeId } from '../../../core/process.js';
import {
  isArrayOf,
  isCount,
  isInt,
  isNodeId,
  isRecord,
  isString,
  type MessageChecks,
  parseByType,
} from '../../../core/validate.js';

/** The service's operation: add `op` to a counter; the result is the new total. */
export interface Request {
  readonly client: NodeId;
  /** The client's timestamp (one per request, increasing). */
  readonly t: number;
  readonly op: number;
}

export interface PrePrepare {
  readonly view: number;
  readonly seq: number;
  readonly digest: string;
  /** The request, or null for the null request a new primary uses to fill a gap. */
  readonly request: Request | null;
  readonly sig: string;
}

export interface Prepare {
  readonly view: number;
  readonly seq: number;
  readonly digest: string;
  readonly replica: NodeId;
  readonly sig: string;
}

/** A prepared certificate: the pre-prepare and 2f matching prepares from other backups. */
export interface Prepared {
  readonly prePrepare: PrePrepare;
  readonly prepares: readonly Prepare[];
}

export interface ViewChange {
  readonly newView: number;
  readonly replica: NodeId;
  readonly prepared: readonly Prepared[];
  readonly sig: string;
}

export type PbftMessage =
  | { readonly type: 'Request'; readonly request: Request }
  | ({ readonly type: 'PrePrepare' } & PrePrepare)
  | ({ readonly type: 'Prepare' } & Prepare)
  | {
      readonly type: 'Commit';
      readonly view: number;
      readonly seq: number;
      readonly digest: string;
    }
  | {
      readonly type: 'Reply';
      readonly view: number;
      readonly t: number;
      readonly result: number;
    }
  | ({ readonly type: 'ViewChange' } & ViewChange)
  /** Catch-up (in place of checkpoints and state transfer): how far the sender executed. */
  | { readonly type: 'Status'; readonly view: number; readonly lastExecuted: number }
  /** Committed requests the receiver lacks; f+1 matching reports make an entry certain. */
  | {
      readonly type: 'CommittedEntries';
      readonly entries: readonly { readonly seq: number; readonly request: Request | null }[];
    }
  | {
      readonly type: 'NewView';
      readonly view: number;
      readonly viewChanges: readonly ViewChange[];
      readonly prePrepares: readonly PrePrepare[];
    };

const isPositive = (x: unknown): x is number => isCount(x) && x >= 1;
/** Digests and signatures are hex text of a fixed small size; 256 bounds what is kept. */
const isText = (x: unknown): x is string => isString(x) && x.length <= 256;
/** CommittedEntries is bounded: a reply to one catch-up request. */
const ENTRIES_MAX = 1_000;

function isRequest(r: unknown, n?: number): r is Request {
  return isRecord(r) && isNodeId(r.client, n) && isPositive(r.t) && isCount(r.op);
}

function isPrePrepare(p: unknown, n?: number): p is PrePrepare {
  return (
    isRecord(p) &&
    isCount(p.view) &&
    isPositive(p.seq) &&
    isText(p.digest) &&
    isText(p.sig) &&
    (p.request === null || isRequest(p.request, n))
  );
}

function isPrepare(p: unknown, n?: number): p is Prepare {
  return (
    isRecord(p) &&
    isCount(p.view) &&
    isPositive(p.seq) &&
    isText(p.digest) &&
    isNodeId(p.replica, n) &&
    isText(p.sig)
  );
}

function isPrepared(c: unknown, n?: number): c is Prepared {
  return (
    isRecord(c) &&
    isPrePrepare(c.prePrepare, n) &&
    isArrayOf(c.prepares, (p): p is Prepare => isPrepare(p, n))
  );
}

function isViewChange(v: unknown, n?: number): v is ViewChange {
  return (
    isRecord(v) &&
    isPositive(v.newView) &&
    isNodeId(v.replica, n) &&
    isText(v.sig) &&
    isArrayOf(v.prepared, (c): c is Prepared => isPrepared(c, n))
  );
}

const checks: MessageChecks<PbftMessage> = {
  Request: (m, n) => isRequest(m.request, n),
  PrePrepare: (m, n) => isPrePrepare(m, n),
  Prepare: (m, n) => isPrepare(m, n),
  Commit: (m) => isCount(m.view) && isPositive(m.seq) && isText(m.digest),
  Reply: (m) => isCount(m.view) && isPositive(m.t) && isInt(m.result),
  ViewChange: (m, n) => isViewChange(m, n),
  Status: (m) => isCount(m.view) && isCount(m.lastExecuted),
  CommittedEntries: (m, n) =>
    Array.isArray(m.entries) &&
    m.entries.length <= ENTRIES_MAX &&
    m.entries.every(
      (e) => isRecord(e) && isPositive(e.seq) && (e.request === null || isRequest(e.request, n)),
    ),
  NewView: (m, n) =>
    isPositive(m.view) &&
    isArrayOf(m.viewChanges, (v): v is ViewChange => isViewChange(v, n)) &&
    isArrayOf(m.prePrepares, (p): p is PrePrepare => isPrePrepare(p, n)),
};

/** The message itself if it is well formed (node ids within 1..n when `n` is given). */
export function parsePbftMessage(raw: unknown, n?: number): PbftMessage | undefined {
  return parseByType(checks, raw, n);
}

export type PbftOutput =
  | {
      readonly type: 'executed';
      readonly seq: number;
      readonly digest: string;
      readonly request: Request | null;
      readonly result: number | null;
    }
  | { readonly type: 'view'; readonly view: number }
  | { readonly type: 'invoke'; readonly client: NodeId; readonly t: number; readonly op: number }
  | {
      readonly type: 'accept';
      readonly client: NodeId;
      readonly t: number;
      readonly result: number;
    };
