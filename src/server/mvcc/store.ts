// The multi-version key space: etcd's mvcc store (kvstore.go, kvstore_txn.go, index.go) as
// plain in-memory data. One revision counter (an empty store is at 1); a write transaction
// writes every change at revision + 1 with increasing sub-revisions and bumps the counter once
// at its end, and only if it changed something. Keys live in a B-tree (btree.ts) by their
// latin1 spelling, each with its retained versions (key-history.ts); `log` lists the same
// entries in revision order, so watch catch-up and compaction cost what they touch rather than
// a walk over every key.
//
// Invariants: `log` holds exactly the retained entries with modRevision ≥ compactRevision,
// in (modRevision, sub) order; every entry in `log` is in its key's history; the lease table
// names exactly the keys whose current version carries that lease.
//
// Fault model: none (pure and deterministic; time and ids come in as arguments). Errors are
// etcd's (errors.ts), thrown before anything is written.

import { assert } from '../../core/assert.js';
import { EtcdError } from '../errors.js';
import { BTree } from './btree.js';
import { fromLatin1 } from './bytes.js';
import {
  appendEntry,
  compactHistory,
  type Entry,
  type History,
  isTombstone,
  makeEntry,
  visibleAt,
} from './key-history.js';
import type { LeaseTable } from './leases.js';
import type { Event, EventType, KeyValue } from './types.js';

/** A key range in latin1: `end` undefined is the single key, '' is "to the end". */
export interface KeySpan {
  readonly key: string;
  readonly end: string | undefined;
}

export interface RangeResult {
  /** Visible versions in key order, at most `limit` of them (all when limit ≤ 0). */
  readonly entries: Entry[];
  /** How many keys the range holds at the read revision, whatever the limit. */
  readonly count: number;
  /** The revision the answer is reported at (the store's, not the one read). */
  readonly revision: number;
}

const EMPTY = new Uint8Array(0);

export function toKeyValue(entry: Entry, options?: { readonly keysOnly?: boolean }): KeyValue {
  return {
    key: fromLatin1(entry.key),
    createRevision: entry.createRevision,
    modRevision: entry.modRevision,
    version: entry.version,
    value: options?.keysOnly === true || entry.value === '' ? EMPTY : fromLatin1(entry.value),
    lease: entry.lease,
  };
}

export class KvStore {
  readonly tree = new BTree<History>();
  /** Retained entries with modRevision ≥ compactRevision, in revision order. */
  log: Entry[] = [];
  revision = 1;
  /** etcd starts at -1: no compaction yet. */
  compactRevision = -1;

  constructor(readonly leases: LeaseTable) {}

  /** The visible versions of `span` at `atRev`; etcd's rangeKeys, for a txn reading at `curRev`. */
  rangeAt(span: KeySpan, atRev: number, curRev: number, limit = 0, countOnly = false): RangeResult {
    if (atRev > curRev) throw new EtcdError('futureRev');
    const rev = atRev <= 0 ? curRev : atRev;
    if (rev < this.compactRevision) throw new EtcdError('compacted');
    const entries: Entry[] = [];
    let count = 0;
    this.visit(span, rev, (entry) => {
      count++;
      if (!countOnly && (limit <= 0 || entries.length < limit)) entries.push(entry);
    });
    return { entries, count, revision: curRev };
  }

  /** Calls `fn` with each key of `span` visible at `rev`, in key order. */
  visit(span: KeySpan, rev: number, fn: (entry: Entry) => void): void {
    if (span.end === undefined) {
      const history = this.tree.get(span.key);
      const entry = history === undefined ? undefined : visibleAt(history, rev);
      if (entry !== undefined) fn(entry);
      return;
    }
    this.tree.scan(span.key, span.end === '' ? undefined : span.end, (_key, history) => {
      const entry = visibleAt(history, rev);
      if (entry !== undefined) fn(entry);
      return true;
    });
  }

  /** The key's current live version. */
  current(key: string): Entry | undefined {
    const history = this.tree.get(key);
    return history === undefined ? undefined : visibleAt(history, this.revision);
  }

  write(): WriteTxn {
    return new WriteTxn(this);
  }

  /**
   * etcd's Compact: forget what no read or watch at a revision ≥ `rev` needs. Two ways to
   * find the keys with versions to drop, same result: through the log when few keys changed
   * since the last compaction (random-order lookups), or one walk over the whole tree in key
   * order when many did (a sequential walk beats a million lookups by an order of magnitude).
   */
  compact(rev: number, how: 'auto' | 'log' | 'walk' = 'auto'): void {
    if (rev <= this.compactRevision) throw new EtcdError('compacted');
    if (rev > this.revision) throw new EtcdError('futureRev');
    let lo = 0;
    let hi = this.log.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((this.log[mid] as Entry).modRevision < rev) lo = mid + 1;
      else hi = mid;
    }
    const cut = lo;
    const walk = how === 'walk' || (how === 'auto' && cut > this.tree.size / 4);
    const changes = walk ? this.compactionByWalk(rev) : this.compactionByLog(rev);
    for (const [key, kept] of changes) {
      if (kept === undefined) this.tree.delete(key);
      else this.tree.set(key, kept);
    }
    this.log = this.log.slice(cut);
    this.compactRevision = rev;
  }

  /**
   * Only keys written at revisions in [compactRevision, rev] can change: any other key holds
   * at most one put from before compactRevision, still the value reads at `rev` see. (Keys
   * written exactly at `rev` count: their older versions go.)
   */
  private compactionByLog(rev: number): [string, History | undefined][] {
    const changes: [string, History | undefined][] = [];
    const done = new Set<string>(); // Keys with several versions, compacted already.
    for (let i = 0; i < this.log.length; i++) {
      const logged = this.log[i] as Entry;
      if (logged.modRevision > rev) break;
      const history = this.tree.get(logged.key);
      assert(history !== undefined, 'a logged entry belongs to a retained key');
      if (!Array.isArray(history)) {
        // One version: only a tombstone before `rev` goes. Every tombstone is in the log
        // (older ones were dropped), so it is met here when it matters.
        if (history === logged && isTombstone(logged) && logged.modRevision < rev) {
          changes.push([logged.key, undefined]);
        }
        continue;
      }
      if (done.has(logged.key)) continue;
      done.add(logged.key);
      const kept = compactHistory(history, rev);
      if (kept !== history) changes.push([logged.key, kept]);
    }
    return changes;
  }

  private compactionByWalk(rev: number): [string, History | undefined][] {
    const changes: [string, History | undefined][] = [];
    for (const [key, history] of this.tree.entries()) {
      if (!Array.isArray(history)) {
        const only = history as Entry;
        if (isTombstone(only) && only.modRevision < rev) changes.push([key, undefined]);
        continue;
      }
      const kept = compactHistory(history, rev);
      if (kept !== history) changes.push([key, kept]);
    }
    return changes;
  }

  /** The key's value just before `rev` as a watch event's prev_kv (absent if compacted). */
  prevKv(key: string, rev: number): KeyValue | undefined {
    if (rev - 1 < this.compactRevision) return undefined;
    const history = this.tree.get(key);
    const prev = history === undefined ? undefined : visibleAt(history, rev - 1);
    return prev === undefined ? undefined : toKeyValue(prev);
  }

  /** The event an entry records, with prev_kv. A tombstone's kv is etcd's: key and revision. */
  eventOf(entry: Entry): Event {
    const prevKv = this.prevKv(entry.key, entry.modRevision);
    const type: EventType = isTombstone(entry) ? 'DELETE' : 'PUT';
    const kv = toKeyValue(entry);
    return prevKv === undefined ? { type, kv } : { type, kv, prevKv };
  }
}

/**
 * One write transaction (etcd's storeTxnWrite): reads see its own earlier writes; every write
 * lands at `beginRev + 1`; `end()` commits the revision if anything changed.
 */
export class WriteTxn {
  readonly beginRev: number;
  readonly changes: Entry[] = [];
  readonly events: Event[] = [];
  private ended = false;

  constructor(private readonly store: KvStore) {
    this.beginRev = store.revision;
  }

  /** The revision reads inside the txn see (its own writes once it has any). */
  get readRev(): number {
    return this.changes.length > 0 ? this.beginRev + 1 : this.beginRev;
  }

  range(span: KeySpan, atRev = 0, limit = 0, countOnly = false): RangeResult {
    return this.store.rangeAt(span, atRev, this.readRev, limit, countOnly);
  }

  put(key: string, value: string, lease: bigint): number {
    assert(!this.ended, 'a txn writes before it ends');
    const rev = this.beginRev + 1;
    const sub = this.changes.length;
    let prev: Entry | undefined;
    let before: Entry | undefined;
    let entry: Entry | undefined;
    // One descent of the tree reads the key's history and appends the new version.
    this.store.tree.upsert(key, (history) => {
      prev = history === undefined ? undefined : visibleAt(history, rev);
      before = history === undefined ? undefined : visibleAt(history, this.beginRev);
      entry = makeEntry(
        key,
        rev,
        sub,
        prev === undefined ? rev : prev.createRevision,
        prev === undefined ? 1 : prev.version + 1,
        value,
        lease,
      );
      return appendEntry(history, entry);
    });
    assert(entry !== undefined, 'upsert ran the update');
    this.logged(entry, before);
    const old = prev as Entry | undefined;
    if (old !== undefined && old.lease !== 0n) this.store.leases.detach(old.lease, key);
    if (lease !== 0n) this.store.leases.attach(lease, key);
    return rev;
  }

  /** Deletes the live keys of `span`; returns how many and the revision to report. */
  deleteRange(span: KeySpan): { readonly deleted: number; readonly revision: number } {
    assert(!this.ended, 'a txn writes before it ends');
    const live: Entry[] = [];
    this.store.visit(span, this.readRev, (entry) => live.push(entry));
    for (const prev of live) {
      const tombstone = makeEntry(prev.key, this.beginRev + 1, this.changes.length, 0, 0, '', 0n);
      this.record(tombstone);
      if (prev.lease !== 0n) this.store.leases.detach(prev.lease, prev.key);
    }
    const changed = live.length > 0 || this.changes.length > 0;
    return { deleted: live.length, revision: changed ? this.beginRev + 1 : this.beginRev };
  }

  /** Commits: the store's revision moves on once, if anything changed. Returns it. */
  end(): number {
    assert(!this.ended, 'a txn ends once');
    this.ended = true;
    if (this.changes.length > 0) this.store.revision = this.beginRev + 1;
    return this.store.revision;
  }

  private record(entry: Entry): void {
    let before: Entry | undefined;
    this.store.tree.upsert(entry.key, (history) => {
      before = history === undefined ? undefined : visibleAt(history, this.beginRev);
      return appendEntry(history, entry);
    });
    this.logged(entry, before);
  }

  /**
   * An entry is in its key's history: log it and produce its event, whose prev_kv is the key
   * at beginRev (watchers read it at the event's revision - 1; etcd does the same).
   */
  private logged(entry: Entry, before: Entry | undefined): void {
    this.changes.push(entry);
    this.store.log.push(entry);
    const type: EventType = isTombstone(entry) ? 'DELETE' : 'PUT';
    const kv = toKeyValue(entry);
    const prevKv = before === undefined ? undefined : toKeyValue(before);
    this.events.push(prevKv === undefined ? { type, kv } : { type, kv, prevKv });
  }
}
