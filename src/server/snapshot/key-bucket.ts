// The MVCC store's versions as etcd's `key` bucket (mvcc/kvstore.go, revision.go): one pair
// per retained version, keyed by its revision — 8-byte big-endian main revision, '_', 8-byte
// big-endian sub revision, and a trailing 't' for a tombstone — whose value is the
// mvccpb.KeyValue etcd wrote (a tombstone's carries only the key). And etcd's HashKV over it.
//
// What etcd retains after compacting at R is not quite what the machine keeps (key-history.ts
// keeps a tombstone written at R itself, for watchers starting at R): etcd deletes every
// tombstone at or below R from the bucket. The bucket here is etcd's, so a snapshot's
// `etcdctl snapshot status` and HashKV equal etcd's for the same history.
//
// Fault model: the input is our own machine's snapshot (validated when it was built).

import { crc32c } from '@node-rs/crc32';
import { EtcdError } from '../errors.js';
import type { MvccSnapshot } from '../mvcc/index.js';
import { PackedPairs } from './bolt-format.js';
import { ProtoWriter } from './protobuf.js';
import { runSteps, STEP_ITEMS, type Steps } from './steps.js';

export const REVISION_BYTES = 17;
export const TOMBSTONE_MARK = 0x74; // 't'

/** Writes etcd's revision key (17 bytes; 18 with the tombstone mark) at `at`. */
export function writeRevision(out: Buffer, at: number, main: number, sub: number): void {
  writeU64(out, at, main);
  out[at + 8] = 0x5f; // '_'
  writeU64(out, at + 9, sub);
}

/** A safe non-negative integer as 8 big-endian bytes (no BigInt: one per version adds up). */
function writeU64(out: Buffer, at: number, n: number): void {
  out.writeUInt32BE(Math.floor(n / 0x1_0000_0000), at);
  out.writeUInt32BE(n % 0x1_0000_0000, at + 4);
}

/** etcd's 17-byte revision key of (main, 0), as the meta bucket keeps compact revisions. */
export function revisionKey(main: number): Uint8Array {
  const out = Buffer.alloc(REVISION_BYTES);
  writeRevision(out, 0, main, 0);
  return out;
}

/** Per-entry positions in a snapshot's columns (which key, where its bytes are). */
export class SnapshotEntries {
  readonly count: number;
  readonly keyOf: Uint32Array;
  readonly keyStart: Float64Array;
  readonly keyEnd: Float64Array;
  readonly valueStart: Float64Array;

  constructor(readonly s: MvccSnapshot) {
    this.count = s.modRevisions.length;
    this.keyOf = new Uint32Array(this.count);
    this.keyStart = new Float64Array(s.keyLengths.length);
    this.keyEnd = new Float64Array(s.keyLengths.length);
    this.valueStart = new Float64Array(this.count);
    let e = 0;
    let keyAt = 0;
    let valueAt = 0;
    for (let k = 0; k < s.keyLengths.length; k++) {
      this.keyStart[k] = keyAt;
      keyAt += s.keyLengths[k] as number;
      this.keyEnd[k] = keyAt;
      for (let j = 0; j < (s.entryCounts[k] as number); j++, e++) {
        this.keyOf[e] = k;
        this.valueStart[e] = valueAt;
        valueAt += s.valueLengths[e] as number;
      }
    }
  }

  /** Key bytes over all versions (each version's KeyValue repeats its key). */
  keyBytesTotal(): number {
    let total = 0;
    for (let k = 0; k < this.s.entryCounts.length; k++)
      total += (this.s.keyLengths[k] as number) * (this.s.entryCounts[k] as number);
    return total;
  }

  isTombstone(e: number): boolean {
    return this.s.versions[e] === 0;
  }

  /** Whether etcd's bucket holds entry `e` (compaction deleted tombstones at or below it). */
  retained(e: number): boolean {
    return !(this.isTombstone(e) && (this.s.modRevisions[e] as number) <= this.s.compactRevision);
  }

  /**
   * Entry indices sorted by revision (the bucket's order), filtered by `keep`: a counting
   * sort on the main revision when the revisions span little more than the entries (the
   * usual case: linear, no comparator calls), a comparison sort otherwise.
   */
  *byRevision(keep: (e: number) => boolean): Steps<Uint32Array> {
    const mod = this.s.modRevisions;
    const sub = this.s.subs;
    const picked: number[] = [];
    let low = Number.POSITIVE_INFINITY;
    let high = 0;
    yield;
    for (let e = 0; e < this.count; e++) {
      if (e % STEP_ITEMS === STEP_ITEMS - 1) yield;
      if (!keep(e)) continue;
      picked.push(e);
      low = Math.min(low, mod[e] as number);
      high = Math.max(high, mod[e] as number);
    }
    yield;
    const bySub = (a: number, b: number) => (sub[a] as number) - (sub[b] as number);
    if (picked.length === 0 || high - low > 4 * picked.length + 1024) {
      const order = Uint32Array.from(picked);
      order.sort((a, b) => (mod[a] as number) - (mod[b] as number) || bySub(a, b));
      return order;
    }
    const starts = new Uint32Array(high - low + 2);
    for (const e of picked) {
      const slot = (mod[e] as number) - low + 1;
      starts[slot] = (starts[slot] as number) + 1;
    }
    for (let i = 1; i < starts.length; i++)
      starts[i] = (starts[i] as number) + (starts[i - 1] as number);
    const order = new Uint32Array(picked.length);
    for (const e of picked) {
      const slot = (mod[e] as number) - low;
      order[starts[slot] as number] = e;
      starts[slot] = (starts[slot] as number) + 1;
    }
    yield;
    // A txn writes several keys at one main revision: order them by sub revision.
    for (let i = 0; i < order.length; ) {
      let j = i + 1;
      while (j < order.length && mod[order[j] as number] === mod[order[i] as number]) j++;
      if (j - i > 1) order.subarray(i, j).sort(bySub);
      i = j;
    }
    return order;
  }

  /** Entry `e`'s bucket key into `out` at `at`; returns its length. */
  writeKey(out: Buffer, at: number, e: number): number {
    writeRevision(out, at, this.s.modRevisions[e] as number, this.s.subs[e] as number);
    if (!this.isTombstone(e)) return REVISION_BYTES;
    out[at + REVISION_BYTES] = TOMBSTONE_MARK;
    return REVISION_BYTES + 1;
  }

  /** Entry `e`'s mvccpb.KeyValue, as etcd's put and delete marshal it. */
  encodeValue(w: ProtoWriter, e: number): void {
    const s = this.s;
    const k = this.keyOf[e] as number;
    w.bytes(1, s.keyBytes.subarray(this.keyStart[k], this.keyEnd[k]));
    if (this.isTombstone(e)) return;
    const valueStart = this.valueStart[e] as number;
    w.int(2, s.createRevisions[e] as number)
      .int(3, s.modRevisions[e] as number)
      .int(4, s.versions[e] as number)
      .bytes(5, s.valueBytes.subarray(valueStart, valueStart + (s.valueLengths[e] as number)))
      .int(6, s.leases[e] as bigint);
  }
}

/** etcd's `key` bucket for the machine state `s`, in steps. */
export function* keyBucketSteps(s: MvccSnapshot): Steps<PackedPairs> {
  const entries = new SnapshotEntries(s);
  // Each KeyValue: its key (once per version), its value, and about 30 bytes of tags and
  // varints; a tombstone has a 't' more in its key.
  const pairs = new PackedPairs({
    keyBytes: entries.count * (REVISION_BYTES + 1),
    valueBytes: s.valueBytes.length + entries.keyBytesTotal() + entries.count * 32,
  });
  const key = Buffer.alloc(REVISION_BYTES + 1);
  const w = new ProtoWriter();
  const order = yield* entries.byRevision((e) => entries.retained(e));
  for (let i = 0; i < order.length; i++) {
    const e = order[i] as number;
    w.reset();
    entries.encodeValue(w, e);
    pairs.push(key.subarray(0, entries.writeKey(key, 0, e)), w.finish());
    if (i % STEP_ITEMS === STEP_ITEMS - 1) yield;
  }
  return pairs;
}

export function keyBucketPairs(s: MvccSnapshot): PackedPairs {
  return runSteps(keyBucketSteps(s));
}

/**
 * For HashKV at `upTo`: per entry at or below the compact revision, whether etcd's
 * kvindex.Keep(upTo) names it — it is the newest version of its key at or below `upTo` (and
 * a put) — and whether Keep names anything at all.
 */
function keptAt(entries: SnapshotEntries, upTo: number): { kept: Uint8Array; any: boolean } {
  const s = entries.s;
  const kept = new Uint8Array(entries.count);
  let any = false;
  let e = 0;
  for (let k = 0; k < s.entryCounts.length; k++) {
    const count = s.entryCounts[k] as number;
    let newest = -1;
    for (let j = 0; j < count; j++)
      if ((s.modRevisions[e + j] as number) <= upTo && entries.retained(e + j)) newest = e + j;
    if (newest >= 0 && !entries.isTombstone(newest)) {
      kept[newest] = 1;
      any = true;
    }
    e += count;
  }
  return { kept, any };
}

/**
 * etcd's HashKV (mvcc/kvstore.go HashByRev): CRC-32C (Castagnoli) of "key", then of each
 * bucket pair's key and value in revision order up to `revision` (0: the current one),
 * skipping versions at or below the compact revision that a compaction at `revision` would
 * delete. Refuses a compacted or future revision with etcd's errors.
 */
export function hashKV(s: MvccSnapshot, revision: number): number {
  return runSteps(hashKVSteps(s, revision));
}

/** hashKV in steps (see steps.ts). */
export function* hashKVSteps(s: MvccSnapshot, revision: number): Steps<number> {
  if (revision > 0 && revision <= s.compactRevision) throw new EtcdError('compacted');
  if (revision > s.revision) throw new EtcdError('futureRev');
  const upTo = revision > 0 ? revision : s.revision;
  const entries = new SnapshotEntries(s);
  const { kept, any } = keptAt(entries, upTo);
  const order = yield* entries.byRevision((e) => {
    const mod = s.modRevisions[e] as number;
    if (mod > upTo || !entries.retained(e)) return false;
    return !(mod <= s.compactRevision && any && kept[e] === 0);
  });
  let crc = crc32c(Buffer.from('key'));
  // Pairs are packed into one buffer and checksummed a buffer at a time (CRC-32C streams
  // over concatenation): a native call per pair would cost more than the checksum.
  let scratch = Buffer.alloc(1 << 16);
  let used = 0;
  const w = new ProtoWriter();
  for (let i = 0; i < order.length; i++) {
    const e = order[i] as number;
    if (i % STEP_ITEMS === STEP_ITEMS - 1) yield;
    w.reset();
    entries.encodeValue(w, e);
    const value = w.finish();
    const size = REVISION_BYTES + 1 + value.length;
    if (used + size > scratch.length) {
      crc = crc32c(scratch.subarray(0, used), crc);
      used = 0;
      if (size > scratch.length) scratch = Buffer.alloc(size);
    }
    used += entries.writeKey(scratch, used, e);
    scratch.set(value, used);
    used += value.length;
  }
  return crc32c(scratch.subarray(0, used), crc);
}
