// The retained versions of one key, oldest first: etcd's keyIndex generations flattened. Each
// entry is a put (version ≥ 1, carrying its generation's create revision and its version
// within it) or a tombstone (version 0) that ends a generation; a put after a tombstone starts
// a new generation with version 1. Reading at revision r takes the newest entry with
// modRevision ≤ r: a put is the value, a tombstone or nothing means "absent".
//
// Most keys, once compacted, hold one version, so a history is stored as the bare entry until
// a second one arrives (an array per key would cost about 50 bytes for nothing at a million
// keys).
//
// Fault model: none (pure functions over plain data).

import { assert } from '../../core/assert.js';

/** One version of one key, at (modRevision, sub): the sub-revision orders writes of one Txn. */
export interface Entry {
  /** The key's latin1 spelling (bytes.ts), shared with the tree's key. */
  readonly key: string;
  readonly modRevision: number;
  readonly sub: number;
  /** The revision that created this generation; 0 for a tombstone. */
  readonly createRevision: number;
  /** 1 for a generation's first put, +1 per put after it; 0 for a tombstone. */
  readonly version: number;
  /** latin1; '' for a tombstone. */
  readonly value: string;
  /** 0n: no lease. */
  readonly lease: bigint;
}

/**
 * Entries are made by `makeEntry` only, as one of three classes, so the common ones carry no
 * field they can derive: a generation's first put (most keys' only version, after a bulk
 * load) knows its version is 1 and its create revision its own, and a tombstone holds only
 * its key and revision. At a million keys each field left out saves 8 MB of live heap.
 */
class FirstPut implements Entry {
  constructor(
    readonly key: string,
    readonly modRevision: number,
    readonly sub: number,
    readonly value: string,
    readonly lease: bigint,
  ) {}
  get createRevision(): number {
    return this.modRevision;
  }
  get version(): number {
    return 1;
  }
}

class LaterPut implements Entry {
  constructor(
    readonly key: string,
    readonly modRevision: number,
    readonly sub: number,
    readonly createRevision: number,
    readonly version: number,
    readonly value: string,
    readonly lease: bigint,
  ) {}
}

class Tombstone implements Entry {
  constructor(
    readonly key: string,
    readonly modRevision: number,
    readonly sub: number,
  ) {}
  get createRevision(): number {
    return 0;
  }
  get version(): number {
    return 0;
  }
  get value(): string {
    return '';
  }
  get lease(): bigint {
    return 0n;
  }
}

/** An entry (a tombstone when `version` is 0, whose other fields are then ignored). */
export function makeEntry(
  key: string,
  modRevision: number,
  sub: number,
  createRevision: number,
  version: number,
  value: string,
  lease: bigint,
): Entry {
  if (version === 0) return new Tombstone(key, modRevision, sub);
  // A decoded 0n is an object of its own; the literal is one shared constant.
  const shared = lease === 0n ? 0n : lease;
  if (version === 1 && createRevision === modRevision)
    return new FirstPut(key, modRevision, sub, value, shared);
  return new LaterPut(key, modRevision, sub, createRevision, version, value, shared);
}

/** Mutable on purpose: a hot key appends in place instead of copying its history per put. */
export type History = Entry | Entry[];

export function isTombstone(entry: Entry): boolean {
  return entry.version === 0;
}

export function entriesOf(history: History): readonly Entry[] {
  return Array.isArray(history) ? history : [history as Entry];
}

export function lastEntry(history: History): Entry {
  if (!Array.isArray(history)) return history as Entry;
  const entries = history as readonly Entry[];
  return entries[entries.length - 1] as Entry;
}

/** The newest entry with modRevision ≤ `revision`, tombstones included; undefined if none. */
export function entryAt(history: History, revision: number): Entry | undefined {
  if (!Array.isArray(history)) {
    const only = history as Entry;
    return only.modRevision <= revision ? only : undefined;
  }
  const entries = history as readonly Entry[];
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((entries[mid] as Entry).modRevision <= revision) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? undefined : entries[lo - 1];
}

/** The key's live version at `revision`, or undefined when it did not exist then. */
export function visibleAt(history: History, revision: number): Entry | undefined {
  const entry = entryAt(history, revision);
  return entry === undefined || isTombstone(entry) ? undefined : entry;
}

export function appendEntry(history: History | undefined, entry: Entry): History {
  if (history === undefined) return entry;
  const last = lastEntry(history);
  assert(
    entry.modRevision > last.modRevision ||
      (entry.modRevision === last.modRevision && entry.sub > last.sub),
    'a key history grows in revision order',
  );
  if (!Array.isArray(history)) return [history as Entry, entry];
  (history as Entry[]).push(entry);
  return history;
}

/**
 * Drops what no read or watch at a revision ≥ `revision` can reach. Kept: every entry at or
 * after `revision` (a watcher may start exactly at the compact revision, as etcd allows, and
 * must see all of it, tombstones included), plus the newest put before it when nothing
 * happened to the key at `revision` itself (that put is the value reads there see). A key
 * left with nothing is gone (undefined).
 */
export function compactHistory(history: History, revision: number): History | undefined {
  const entries = entriesOf(history);
  let i = entries.length - 1;
  while (i >= 0 && (entries[i] as Entry).modRevision > revision) i--;
  if (i < 0) return history; // Everything is newer than the compaction.
  let from: number;
  if ((entries[i] as Entry).modRevision === revision) {
    from = i;
    while (from > 0 && (entries[from - 1] as Entry).modRevision === revision) from--;
  } else {
    from = isTombstone(entries[i] as Entry) ? i + 1 : i;
  }
  if (from === 0) return history;
  const kept = entries.slice(from);
  if (kept.length === 0) return undefined;
  return kept.length === 1 ? (kept[0] as Entry) : kept;
}
