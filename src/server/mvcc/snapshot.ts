// The MVCC machine's state as plain data, for Raft snapshots (log compaction, a member that
// falls behind or joins, Maintenance.Snapshot) and back; and the HashKV fingerprint.
//
// The snapshot is columnar: every retained entry of every key, key by key and oldest first,
// spread over parallel arrays, with all key bytes in one Uint8Array and all value bytes in
// another. A million keys then encode as a handful of large arrays instead of millions of
// small objects, which is what the codec (msgpack: numbers, bigint as int64, Uint8Array as
// bin) handles fastest. The revision log is not stored: it is exactly the retained entries at
// or after the compact revision (store.ts), rebuilt on restore.
//
// Fault model: a snapshot comes from a peer's disk or the network after authentication and
// checksums, so corruption is not expected, but restore still validates every column and
// throws SnapshotError rather than building a store that breaks an invariant later.

import { Buffer } from 'node:buffer';
import { crc32c } from '@node-rs/crc32';
import { EtcdError } from '../errors.js';
import { type Entry, entriesOf, type History, lastEntry, makeEntry } from './key-history.js';
import { LeaseTable } from './leases.js';
import { KvStore } from './store.js';

export const SNAPSHOT_FORMAT = 'cohort-mvcc/1';

export interface MvccSnapshot {
  readonly format: typeof SNAPSHOT_FORMAT;
  readonly revision: number;
  readonly compactRevision: number;
  /** All keys' bytes, ascending, concatenated; `keyLengths` splits them. */
  readonly keyBytes: Uint8Array;
  readonly keyLengths: number[];
  /** How many retained entries each key has. */
  readonly entryCounts: number[];
  /** Per entry, key by key, oldest first. A tombstone has version 0. */
  readonly modRevisions: number[];
  readonly subs: number[];
  readonly createRevisions: number[];
  readonly versions: number[];
  readonly leases: bigint[];
  readonly valueBytes: Uint8Array;
  readonly valueLengths: number[];
  /** Per lease, ordered by id. */
  readonly leaseIds: bigint[];
  readonly leaseTtls: number[];
  readonly leaseExpiriesMs: number[];
}

export class SnapshotError extends Error {
  override readonly name = 'SnapshotError';
}

function concatLatin1(parts: readonly string[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = Buffer.alloc(total);
  let at = 0;
  for (const p of parts) at += out.write(p, at, 'latin1');
  return new Uint8Array(out.buffer, out.byteOffset, out.byteLength);
}

export function takeSnapshot(store: KvStore, leases: LeaseTable): MvccSnapshot {
  const keys: string[] = [];
  const values: string[] = [];
  const s = {
    keyLengths: [] as number[],
    entryCounts: [] as number[],
    modRevisions: [] as number[],
    subs: [] as number[],
    createRevisions: [] as number[],
    versions: [] as number[],
    leases: [] as bigint[],
    valueLengths: [] as number[],
  };
  for (const [key, history] of store.tree.entries()) {
    const entries = entriesOf(history);
    keys.push(key);
    s.keyLengths.push(key.length);
    s.entryCounts.push(entries.length);
    for (const e of entries) {
      s.modRevisions.push(e.modRevision);
      s.subs.push(e.sub);
      s.createRevisions.push(e.createRevision);
      s.versions.push(e.version);
      s.leases.push(e.lease);
      values.push(e.value);
      s.valueLengths.push(e.value.length);
    }
  }
  const ls = [...leases.list()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return {
    format: SNAPSHOT_FORMAT,
    revision: store.revision,
    compactRevision: store.compactRevision,
    keyBytes: concatLatin1(keys),
    valueBytes: concatLatin1(values),
    ...s,
    leaseIds: ls.map((l) => l.id),
    leaseTtls: ls.map((l) => l.ttlSeconds),
    leaseExpiriesMs: ls.map((l) => l.expiryMs),
  };
}

const isInt = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n);

function check(condition: boolean, what: string): asserts condition {
  if (!condition) throw new SnapshotError(`invalid MVCC snapshot: ${what}`);
}

function checkShape(s: MvccSnapshot): void {
  check(typeof s === 'object' && s !== null && s.format === SNAPSHOT_FORMAT, 'unknown format');
  check(isInt(s.revision) && s.revision >= 1, 'revision');
  check(isInt(s.compactRevision) && s.compactRevision <= s.revision, 'compact revision');
  check(s.keyBytes instanceof Uint8Array && s.valueBytes instanceof Uint8Array, 'byte columns');
  const perKey = [s.keyLengths, s.entryCounts];
  const perEntry = [s.modRevisions, s.subs, s.createRevisions, s.versions, s.valueLengths];
  const perLease = [s.leaseTtls, s.leaseExpiriesMs];
  for (const col of [...perKey, ...perEntry, ...perLease]) {
    check(Array.isArray(col) && col.every(isInt), 'an integer column');
  }
  check(s.keyLengths.length === s.entryCounts.length, 'per-key columns differ in length');
  const n = s.entryCounts.reduce((a, b) => a + b, 0);
  check(perEntry.every((c) => c.length === n) && s.leases.length === n, 'per-entry columns');
  check(
    s.leases.every((l) => typeof l === 'bigint'),
    'entry leases',
  );
  check(s.keyLengths.reduce((a, b) => a + b, 0) === s.keyBytes.length, 'key bytes');
  check(s.valueLengths.reduce((a, b) => a + b, 0) === s.valueBytes.length, 'value bytes');
  check(
    perLease.every((c) => c.length === s.leaseIds.length),
    'per-lease columns',
  );
  check(
    s.leaseIds.every((l) => typeof l === 'bigint' && l !== 0n),
    'lease ids',
  );
}

/** Checks that an entry follows `prev` (same key) and describes a consistent version. */
function checkEntry(e: Entry, prev: Entry | undefined, revision: number): void {
  check(e.modRevision >= 1 && e.modRevision <= revision && e.sub >= 0, 'entry revision');
  if (prev !== undefined) {
    const after =
      e.modRevision > prev.modRevision || (e.modRevision === prev.modRevision && e.sub > prev.sub);
    check(after, 'entries of a key out of order');
  }
  // A tombstone's fields are checked on the columns, before makeEntry drops them.
  if (e.version !== 0) {
    check(e.version > 0 && e.createRevision >= 1 && e.createRevision <= e.modRevision, 'version');
  }
}

/** Rebuilds the machine state; throws SnapshotError on anything inconsistent. */
export function restoreSnapshot(s: MvccSnapshot): { store: KvStore; leases: LeaseTable } {
  checkShape(s);
  const leases = new LeaseTable();
  s.leaseIds.forEach((id, i) => {
    check(!leases.has(id), 'duplicate lease id');
    leases.add(id, s.leaseTtls[i] as number, s.leaseExpiriesMs[i] as number);
  });
  const store = new KvStore(leases);
  store.revision = s.revision;
  store.compactRevision = s.compactRevision;
  const keyBuf = Buffer.from(s.keyBytes.buffer, s.keyBytes.byteOffset, s.keyBytes.byteLength);
  const valBuf = Buffer.from(s.valueBytes.buffer, s.valueBytes.byteOffset, s.valueBytes.byteLength);
  const log: Entry[] = [];
  let keyAt = 0;
  let valAt = 0;
  let e = 0;
  let prevKey: string | undefined;
  for (let k = 0; k < s.keyLengths.length; k++) {
    const keyEnd = keyAt + (s.keyLengths[k] as number);
    const key = keyBuf.toString('latin1', keyAt, keyEnd);
    keyAt = keyEnd;
    check(key.length > 0 && (prevKey === undefined || key > prevKey), 'keys not ascending');
    prevKey = key;
    const count = s.entryCounts[k] as number;
    check(count >= 1, 'a key without entries');
    const entries: Entry[] = [];
    for (let j = 0; j < count; j++, e++) {
      const valueEnd = valAt + (s.valueLengths[e] as number);
      const value = valBuf.toString('latin1', valAt, valueEnd);
      valAt = valueEnd;
      const version = s.versions[e] as number;
      // Checked on the columns: a tombstone entry keeps none of these fields.
      if (version === 0) {
        const bare = s.createRevisions[e] === 0 && value === '' && s.leases[e] === 0n;
        check(bare, 'tombstone fields');
      }
      const entry = makeEntry(
        key,
        s.modRevisions[e] as number,
        s.subs[e] as number,
        s.createRevisions[e] as number,
        version,
        value,
        s.leases[e] as bigint,
      );
      checkEntry(entry, entries[entries.length - 1], s.revision);
      entries.push(entry);
      if (entry.modRevision >= s.compactRevision) log.push(entry);
    }
    const history: History = entries.length === 1 ? (entries[0] as Entry) : entries;
    store.tree.set(key, history);
    const last = lastEntry(history);
    if (last.version !== 0 && last.lease !== 0n) {
      check(leases.has(last.lease), 'a key names a lease that does not exist');
      leases.attach(last.lease, key);
    }
  }
  log.sort((a, b) => a.modRevision - b.modRevision || a.sub - b.sub);
  store.log = log;
  return { store, leases };
}

/**
 * HashKV: CRC-32C over every retained version with modRevision ≤ `revision` (0: current), key
 * by key, so members that applied the same log agree. etcd refuses a revision at or below the
 * compact revision and one in the future.
 */
export function hashKV(store: KvStore, revision: number): number {
  if (revision > 0 && revision <= store.compactRevision) throw new EtcdError('compacted');
  if (revision > store.revision) throw new EtcdError('futureRev');
  const upTo = revision > 0 ? revision : store.revision;
  // Entries are packed into one buffer and checksummed a buffer at a time (CRC-32C streams
  // over concatenation, so batching does not change the value): a Buffer and a native call
  // per key and value would cost more than the checksum itself.
  let scratch = Buffer.alloc(1 << 16);
  let used = 0;
  let crc = 0;
  for (const [key, history] of store.tree.entries()) {
    for (const e of entriesOf(history)) {
      if (e.modRevision > upTo) break;
      const size = 48 + key.length + e.value.length;
      if (used + size > scratch.length) {
        crc = crc32c(scratch.subarray(0, used), crc);
        used = 0;
        if (size > scratch.length) scratch = Buffer.alloc(size);
      }
      scratch.writeDoubleBE(e.modRevision, used);
      scratch.writeDoubleBE(e.sub, used + 8);
      scratch.writeDoubleBE(e.createRevision, used + 16);
      scratch.writeDoubleBE(e.version, used + 24);
      scratch.writeBigInt64BE(e.lease, used + 32);
      scratch.writeUInt32BE(key.length, used + 40);
      scratch.writeUInt32BE(e.value.length, used + 44);
      scratch.write(key, used + 48, 'latin1');
      scratch.write(e.value, used + 48 + key.length, 'latin1');
      used += size;
    }
  }
  crc = crc32c(scratch.subarray(0, used), crc);
  return crc;
}
