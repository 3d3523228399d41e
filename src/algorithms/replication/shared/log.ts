// What replication/primary-backup and replication/chain replicate: a log of key-value
// entries (a put, or for primary-backup a read ordered among the writes) and the
// configuration master's view of the replicas. A replica's store and the highest client
// sequence number it logged are derived from its log (`rebuild`, `appendEntry`), so a
// snapshot carries only the log and a receiver cannot be handed a store that disagrees
// with it.
//
// Fault model: entries and views arrive from peers; `isEntry` and `isView` check their
// shape and bounds before a handler sees them (a peer may still lie within the shape).

import type { NodeId } from '../../../core/process.js';
import {
  isArrayOf,
  isCount,
  isNodeId,
  isNullOr,
  isRecord,
  isString,
} from '../../../core/validate.js';

/**
 * A configuration: `epoch` numbers it (the fencing token every replication message
 * carries); `members` lists the replicas in order — primary-backup's primary first, chain
 * replication's head to tail.
 */
export interface View {
  readonly epoch: number;
  readonly members: readonly NodeId[];
}

/** One client operation in log order: client `c`'s seq `q` writes `v` to `k` (null: a read). */
export interface Entry {
  readonly c: number;
  readonly q: number;
  readonly k: string;
  readonly v: string | null;
}

/** What a replica derives from its log. */
export interface Applied {
  log: Entry[];
  /** The value of every key written (keys never written are missing). */
  store: Record<string, string>;
  /** Per client (its id as a string), the highest seq logged: a duplicate is never re-applied. */
  lastSeq: Record<string, number>;
}

export function appendEntry(a: Applied, e: Entry): void {
  a.log.push(e);
  if (e.v !== null) a.store[e.k] = e.v;
  a.lastSeq[e.c] = Math.max(a.lastSeq[e.c] ?? 0, e.q);
}

/** Replaces `a`'s log with `log` (a copy) and derives the rest again. */
export function rebuild(a: Applied, log: readonly Entry[]): void {
  a.log = [];
  a.store = {};
  a.lastSeq = {};
  for (const e of log) appendEntry(a, e);
}

export function sameEntry(a: Entry | undefined, b: Entry | undefined): boolean {
  return a !== undefined && b !== undefined && a.c === b.c && a.q === b.q && a.v === b.v;
}

/** Bounds on what a peer may send. */
export const MAX_TEXT = 256;
export const MAX_LOG = 100_000;

export const isKey = (x: unknown): x is string => isString(x) && x.length <= MAX_TEXT;

export function isEntry(x: unknown, n: number): x is Entry {
  if (!isRecord(x)) return false;
  return (
    isNodeId(x.c, n) &&
    isCount(x.q) &&
    x.q >= 1 &&
    isKey(x.k) &&
    isNullOr(x.v, (v): v is string => isString(v) && v.length <= MAX_TEXT)
  );
}

export function isLog(x: unknown, n: number): x is Entry[] {
  return Array.isArray(x) && x.length <= MAX_LOG && isArrayOf(x, (e): e is Entry => isEntry(e, n));
}

export function isView(x: unknown, n: number): x is View {
  if (!isRecord(x) || !isCount(x.epoch) || x.epoch < 1 || !Array.isArray(x.members)) return false;
  const members = x.members as unknown[];
  if (members.length > n || !members.every((m) => isNodeId(m, n) && m !== 1)) return false;
  return new Set(members).size === members.length;
}
