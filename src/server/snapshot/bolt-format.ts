// bbolt's on-disk format (go.etcd.io/bbolt v1.3.6, the version etcd 3.4 links), as far as a
// snapshot needs it: the constants and layouts shared by the writer and the reader. Learnt
// from bbolt's page.go, node.go, bucket.go and db.go; the code is ours.
//
// A file is a sequence of pages of `pageSize` bytes (4 KiB here). Every page starts with a
// 16-byte header, little-endian like every integer bbolt writes:
//
//   u64 id · u16 flags · u16 count · u32 overflow     (the page spans overflow + 1 pages)
//
// Pages 0 and 1 are the two meta pages (the one with the higher txid and a valid checksum
// wins); the meta names the root bucket's page, the freelist page (or none: etcd 3.4 runs
// with NoFreelistSync, so bbolt recomputes the free pages as "not reachable"), and the high
// water mark (pages in use). A leaf page holds `count` 16-byte elements
// (u32 flags · u32 pos · u32 ksize · u32 vsize) followed by the keys and values; `pos` counts
// from the element's own start. A branch page holds 16-byte elements (u32 pos · u32 ksize ·
// u64 child page id), each keyed by its child's first key. A leaf element with the bucket
// flag is a sub-bucket: its value is a 16-byte bucket header (u64 root page · u64 sequence),
// and when the root is 0 the bucket is inline — a leaf page (id 0) follows in the value.
//
// Fault model: none here (layouts and pure helpers); the reader validates files.

export const PAGE_SIZE = 4096;
export const PAGE_HEADER_BYTES = 16;
export const ELEMENT_BYTES = 16;
export const BUCKET_HEADER_BYTES = 16;
/** bbolt's meta struct up to (not including) its checksum: what FNV-64a covers. */
export const META_SUMMED_BYTES = 56;
export const META_MAGIC = 0xed0cdaed;
export const META_VERSION = 2;
/** The meta's freelist when none is written (bbolt's pgidNoFreelist). */
export const NO_FREELIST = 0xffff_ffff_ffff_ffffn;

export const PAGE_FLAGS = { branch: 0x01, leaf: 0x02, meta: 0x04, freelist: 0x10 } as const;
/** A leaf element that is a sub-bucket. */
export const BUCKET_LEAF_FLAG = 0x01;
/** bbolt inlines a bucket whose single leaf page is at most a quarter page. */
export const MAX_INLINE_BUCKET_BYTES = PAGE_SIZE / 4;

/** One key/value pair of a bucket; bytes are views, never copied by the reader. */
export interface BoltPair {
  readonly key: Uint8Array;
  readonly value: Uint8Array;
}

/**
 * A bucket's pairs by position. A list rather than an array of pairs, so a million keys can
 * live in a few large buffers (PackedPairs) instead of millions of small objects.
 */
export interface PairList {
  readonly length: number;
  key(i: number): Uint8Array;
  value(i: number): Uint8Array;
}

/** A top-level bucket: its name and its pairs in ascending key order (no sub-buckets). */
export interface BoltBucket {
  readonly name: Uint8Array;
  readonly pairs: PairList;
}

export function pairList(pairs: readonly BoltPair[]): PairList {
  return {
    length: pairs.length,
    key: (i) => (pairs[i] as BoltPair).key,
    value: (i) => (pairs[i] as BoltPair).value,
  };
}

/** A bucket named `name` (latin1) holding `pairs`. */
export function bucket(name: string, pairs: readonly BoltPair[]): BoltBucket {
  return { name: Buffer.from(name, 'latin1'), pairs: pairList(pairs) };
}

/** Pairs packed into two growing buffers, appended in order. */
export class PackedPairs implements PairList {
  private keys: Buffer;
  private values: Buffer;
  private keyEnds: number[] = [];
  private valueEnds: number[] = [];

  /** Sizes the buffers for what is expected, so a large bucket is not copied as it grows. */
  constructor(expected: { keyBytes: number; valueBytes: number } = { keyBytes: 0, valueBytes: 0 }) {
    this.keys = Buffer.allocUnsafe(Math.max(1024, expected.keyBytes));
    this.values = Buffer.allocUnsafe(Math.max(1024, expected.valueBytes));
  }

  get length(): number {
    return this.keyEnds.length;
  }

  private static room(buf: Buffer, used: number, more: number): Buffer {
    if (used + more <= buf.length) return buf;
    const next = Buffer.alloc(Math.max(buf.length * 2, used + more));
    buf.copy(next, 0, 0, used);
    return next;
  }

  push(key: Uint8Array, value: Uint8Array): void {
    const k = this.keyEnds.at(-1) ?? 0;
    const v = this.valueEnds.at(-1) ?? 0;
    this.keys = PackedPairs.room(this.keys, k, key.length);
    this.values = PackedPairs.room(this.values, v, value.length);
    this.keys.set(key, k);
    this.values.set(value, v);
    this.keyEnds.push(k + key.length);
    this.valueEnds.push(v + value.length);
  }

  key(i: number): Uint8Array {
    return this.keys.subarray(this.keyEnds[i - 1] ?? 0, this.keyEnds[i]);
  }

  value(i: number): Uint8Array {
    return this.values.subarray(this.valueEnds[i - 1] ?? 0, this.valueEnds[i]);
  }
}

/** Why a file is not a bbolt database we can read. */
export class BoltFormatError extends Error {
  override readonly name = 'BoltFormatError';
}

const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const U64 = 0xffff_ffff_ffff_ffffn;

/** FNV-64a, bbolt's meta checksum. */
export function fnv64a(bytes: Uint8Array): bigint {
  let h = FNV_OFFSET;
  for (const b of bytes) h = ((h ^ BigInt(b)) * FNV_PRIME) & U64;
  return h;
}

/** Unsigned byte order, as bbolt orders keys. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b);
}

/** Pages a node of `bytes` occupies. */
export function pagesFor(bytes: number): number {
  return Math.max(1, Math.ceil(bytes / PAGE_SIZE));
}
