// Reads a bbolt database file (bolt-format.ts) into its top-level buckets: for restoring an
// etcd snapshot and for checking what the writer wrote.
//
// Fault model: the file is untrusted input (a snapshot from anywhere, possibly truncated or
// corrupt). Every meta is checksummed, every page id is checked against the high water mark
// and the file's length, every element's offsets against its page, every page is visited at
// most once (a cycle or a shared page is an error, as bbolt's tx.Check reports it), the tree
// depth is bounded, keys must ascend. Problems throw BoltFormatError; nothing is allocated
// beyond one small object per element (bounded by the file's size), and keys and values are
// views into the file's bytes.

import {
  type BoltBucket,
  BoltFormatError,
  type BoltPair,
  BUCKET_HEADER_BYTES,
  BUCKET_LEAF_FLAG,
  compareBytes,
  ELEMENT_BYTES,
  fnv64a,
  META_MAGIC,
  META_SUMMED_BYTES,
  META_VERSION,
  NO_FREELIST,
  PAGE_FLAGS,
  PAGE_HEADER_BYTES,
  pairList,
} from './bolt-format.js';

/** A tree deeper than this is not something bbolt writes (4 KiB pages, 2+ keys a branch). */
const MAX_DEPTH = 64;
const MIN_PAGE_SIZE = 512;
const MAX_PAGE_SIZE = 64 * 1024;

export interface BoltFile {
  readonly pageSize: number;
  /** Pages in use (the meta's high water mark): the size bbolt reports is this × pageSize. */
  readonly highWater: number;
  readonly txid: bigint;
  /** Top-level buckets by ascending name. */
  readonly buckets: readonly BoltBucket[];
}

interface Meta {
  readonly pageSize: number;
  readonly root: bigint;
  readonly freelist: bigint;
  readonly highWater: bigint;
  readonly txid: bigint;
}

function fail(what: string): never {
  throw new BoltFormatError(`bolt file: ${what}`);
}

/** The meta at `at`, or a reason it is not valid. */
function metaAt(buf: Buffer, at: number): Meta | string {
  const m = at + PAGE_HEADER_BYTES;
  if (m + META_SUMMED_BYTES + 8 > buf.length) return 'truncated meta page';
  if (buf.readUInt16LE(at + 8) !== PAGE_FLAGS.meta) return 'not a meta page';
  if (buf.readUInt32LE(m) !== META_MAGIC) return 'bad magic';
  if (buf.readUInt32LE(m + 4) !== META_VERSION) return 'unsupported version';
  const sum = buf.readBigUInt64LE(m + META_SUMMED_BYTES);
  if (sum !== fnv64a(buf.subarray(m, m + META_SUMMED_BYTES))) return 'meta checksum mismatch';
  const pageSize = buf.readUInt32LE(m + 8);
  const powerOfTwo = (pageSize & (pageSize - 1)) === 0;
  if (!powerOfTwo || pageSize < MIN_PAGE_SIZE || pageSize > MAX_PAGE_SIZE) return 'page size';
  return {
    pageSize,
    root: buf.readBigUInt64LE(m + 16),
    freelist: buf.readBigUInt64LE(m + 32),
    highWater: buf.readBigUInt64LE(m + 40),
    txid: buf.readBigUInt64LE(m + 48),
  };
}

/** The newest valid meta of pages 0 and 1 (bbolt's db.meta()). */
function chooseMeta(buf: Buffer): Meta {
  const first = metaAt(buf, 0);
  const pageSize = typeof first === 'string' ? 4096 : first.pageSize;
  const second = metaAt(buf, pageSize);
  const valid = [first, second].filter((m): m is Meta => typeof m !== 'string');
  if (valid.length === 0) fail(`no valid meta page (${String(first)}; ${String(second)})`);
  const meta = valid.reduce((a, b) => (b.txid > a.txid ? b : a));
  if (meta.pageSize !== pageSize) fail('meta pages disagree on the page size');
  if (meta.highWater < 3n) fail('high water mark below the first data page');
  if (meta.highWater * BigInt(pageSize) > BigInt(buf.length))
    fail(`file shorter than its ${meta.highWater} pages`);
  return meta;
}

interface Span {
  readonly start: number;
  readonly end: number;
  readonly flags: number;
  readonly count: number;
}

class Pages {
  private readonly seen = new Set<number>();
  readonly freed = new Set<number>();

  constructor(
    readonly buf: Buffer,
    readonly meta: Meta,
  ) {}

  /** Page `id` (overflow included), claimed once; throws on anything out of bounds. */
  claim(id: bigint, what: string): Span {
    const { buf, meta } = this;
    if (id < 2n || id >= meta.highWater) fail(`${what}: page ${id} out of bounds`);
    const n = Number(id);
    const start = n * meta.pageSize;
    if (buf.readBigUInt64LE(start) !== id) fail(`page ${n}: header names another page`);
    const overflow = buf.readUInt32LE(start + 12);
    if (BigInt(n + overflow) >= meta.highWater) fail(`page ${n}: overflow beyond the file`);
    for (let p = n; p <= n + overflow; p++) {
      if (this.seen.has(p)) fail(`page ${p}: multiple references`);
      if (this.freed.has(p)) fail(`page ${p}: reachable freed`);
      this.seen.add(p);
    }
    const end = start + (overflow + 1) * meta.pageSize;
    return { start, end, flags: buf.readUInt16LE(start + 8), count: buf.readUInt16LE(start + 10) };
  }

  /** Every page is a meta, reachable, or free (bbolt's "unreachable unfreed"). */
  checkAccounted(): void {
    for (let p = 2; p < Number(this.meta.highWater); p++)
      if (!this.seen.has(p) && !this.freed.has(p)) fail(`page ${p}: unreachable unfreed`);
  }
}

function readFreelist(pages: Pages): void {
  const { meta, buf } = pages;
  if (meta.freelist === NO_FREELIST) return;
  const span = pages.claim(meta.freelist, 'freelist');
  if (span.flags !== PAGE_FLAGS.freelist) fail('freelist page has another type');
  let at = span.start + PAGE_HEADER_BYTES;
  let count = span.count;
  if (count === 0xffff) {
    if (at + 8 > span.end) fail('freelist count beyond its page');
    count = Number(buf.readBigUInt64LE(at));
    at += 8;
  }
  if (count > (span.end - at) / 8) fail('freelist longer than its page');
  const ids: bigint[] = [];
  for (let i = 0; i < count; i++) ids.push(buf.readBigUInt64LE(at + i * 8));
  for (const id of ids) {
    if (id < 2n || id >= meta.highWater) fail(`freelist: page ${id} out of bounds`);
    if (pages.freed.has(Number(id))) fail(`page ${id}: already freed`);
    pages.freed.add(Number(id));
  }
}

interface Element {
  readonly flags: number;
  readonly key: Uint8Array;
  /** A leaf's value, or undefined for a branch element. */
  readonly value?: Uint8Array;
  readonly child?: bigint;
}

/** The elements of the page in `buf[span]`, bounds-checked. */
function elementsOf(buf: Buffer, span: Span): Element[] {
  const leaf = span.flags === PAGE_FLAGS.leaf;
  if (!leaf && span.flags !== PAGE_FLAGS.branch) fail(`page type ${span.flags} in a bucket`);
  const first = span.start + PAGE_HEADER_BYTES;
  if (first + span.count * ELEMENT_BYTES > span.end) fail('elements beyond their page');
  const out: Element[] = [];
  for (let i = 0; i < span.count; i++) {
    const e = first + i * ELEMENT_BYTES;
    const flags = leaf ? buf.readUInt32LE(e) : 0;
    const pos = buf.readUInt32LE(leaf ? e + 4 : e);
    const keyBytes = buf.readUInt32LE(leaf ? e + 8 : e + 4);
    const valueBytes = leaf ? buf.readUInt32LE(e + 12) : 0;
    const from = e + pos;
    if (from + keyBytes + valueBytes > span.end) fail('element data beyond its page');
    const key = buf.subarray(from, from + keyBytes);
    if (!leaf) out.push({ flags, key, child: buf.readBigUInt64LE(e + 8) });
    else
      out.push({ flags, key, value: buf.subarray(from + keyBytes, from + keyBytes + valueBytes) });
  }
  return out;
}

/** A bucket's pairs, depth first over its pages (or its inline page), keys ascending. */
function readTree(pages: Pages, root: bigint | Span, topLevel: boolean): BoltPair[] {
  const pairs: BoltPair[] = [];
  const stack: { readonly span: Span; readonly depth: number }[] = [];
  const push = (id: bigint, depth: number) => {
    if (depth > MAX_DEPTH) fail('tree deeper than any bbolt writes');
    stack.push({ span: pages.claim(id, 'bucket'), depth });
  };
  if (typeof root === 'bigint') push(root, 0);
  else stack.push({ span: root, depth: 0 });
  while (stack.length > 0) {
    const { span, depth } = stack.pop() as (typeof stack)[number];
    const elements = elementsOf(pages.buf, span);
    if (span.flags === PAGE_FLAGS.branch) {
      // Children in reverse, so the leftmost is read first.
      for (let i = elements.length - 1; i >= 0; i--)
        push((elements[i] as Element).child as bigint, depth + 1);
      continue;
    }
    for (const e of elements) {
      const isBucket = e.flags === BUCKET_LEAF_FLAG;
      if (e.flags !== 0 && !isBucket) fail(`leaf element flags ${e.flags}`);
      if (isBucket !== topLevel) fail(topLevel ? 'a value at the top level' : 'a nested bucket');
      const last = pairs[pairs.length - 1];
      if (last !== undefined && compareBytes(last.key, e.key) >= 0) fail('keys out of order');
      pairs.push({ key: e.key, value: e.value as Uint8Array });
    }
  }
  return pairs;
}

function readBucket(pages: Pages, name: Uint8Array, header: Uint8Array): BoltBucket {
  const label = Buffer.from(name).toString('latin1');
  if (header.length < BUCKET_HEADER_BYTES) fail(`bucket ${label}: short header`);
  const value = Buffer.from(header.buffer, header.byteOffset, header.byteLength);
  const root = value.readBigUInt64LE(0);
  if (root !== 0n) return { name, pairs: pairList(readTree(pages, root, false)) };
  // Inline: a leaf page follows the header inside the value.
  if (value.length < BUCKET_HEADER_BYTES + PAGE_HEADER_BYTES) fail(`bucket ${label}: short page`);
  const start = value.byteOffset - pages.buf.byteOffset + BUCKET_HEADER_BYTES;
  const span: Span = {
    start,
    end: start - BUCKET_HEADER_BYTES + value.length,
    flags: pages.buf.readUInt16LE(start + 8),
    count: pages.buf.readUInt16LE(start + 10),
  };
  if (span.flags !== PAGE_FLAGS.leaf) fail(`bucket ${label}: inline page is not a leaf`);
  return { name, pairs: pairList(readTree(pages, span, false)) };
}

/** Reads and validates a whole bbolt file; throws BoltFormatError. */
export function readBolt(bytes: Uint8Array): BoltFile {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 2 * MIN_PAGE_SIZE) fail('shorter than two meta pages');
  const meta = chooseMeta(buf);
  const pages = new Pages(buf, meta);
  readFreelist(pages);
  const top = readTree(pages, meta.root, true);
  const buckets = top.map((p) => readBucket(pages, p.key, p.value));
  // Without a freelist (etcd's NoFreelistSync) bbolt counts every unreachable page as free.
  if (meta.freelist !== NO_FREELIST) pages.checkAccounted();
  return {
    pageSize: meta.pageSize,
    highWater: Number(meta.highWater),
    txid: meta.txid,
    buckets,
  };
}
