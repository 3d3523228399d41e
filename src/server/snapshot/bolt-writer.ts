// Writes a bbolt database file (bolt-format.ts) from top-level buckets of sorted pairs: what
// etcd's snapshot is. Pure: buckets in, file bytes out, built in one buffer whose size is
// planned first.
//
// Layout: meta pages 0 and 1 (identical but for txid), then each bucket's pages — its leaves,
// then each branch level above them — then the root bucket's pages, and no freelist (etcd
// 3.4's NoFreelistSync: bbolt recomputes the free pages, and there are none). A bucket whose
// single leaf fits in a quarter page is inlined into its parent's value, as bbolt does. Leaves
// are filled greedily up to a page; an element larger than a page gets a page of its own with
// overflow pages. Every page below the high water mark is reachable, so bbolt's tx.Check
// (`etcdctl snapshot status`) finds nothing unreachable, unfreed or referenced twice.
//
// Fault model: none (our own data: sorted, unique keys are asserted, not validated).

import { assert } from '../../core/assert.js';
import {
  type BoltBucket,
  type BoltPair,
  BUCKET_HEADER_BYTES,
  BUCKET_LEAF_FLAG,
  compareBytes,
  ELEMENT_BYTES,
  fnv64a,
  MAX_INLINE_BUCKET_BYTES,
  META_MAGIC,
  META_SUMMED_BYTES,
  META_VERSION,
  NO_FREELIST,
  PAGE_FLAGS,
  PAGE_HEADER_BYTES,
  PAGE_SIZE,
  type PairList,
  pagesFor,
  pairList,
} from './bolt-format.js';
import { runSteps, STEP_ITEMS, type Steps } from './steps.js';

interface LeafNode {
  readonly kind: 'leaf';
  id: number;
  readonly pairs: PairList;
  readonly start: number;
  readonly end: number;
  /** Element flags of every pair (the root bucket's pairs are sub-buckets). */
  readonly flags: number;
  readonly bytes: number;
}

interface BranchItem {
  readonly key: Uint8Array;
  readonly id: number;
}

interface BranchNode {
  readonly kind: 'branch';
  id: number;
  readonly items: readonly BranchItem[];
  readonly bytes: number;
}

type PlannedNode = LeafNode | BranchNode;

/** Pages handed out in order; `nodes` is what gets written where. */
class PageAllocator {
  next = 2;
  readonly nodes: PlannedNode[] = [];

  place(node: PlannedNode): number {
    node.id = this.next;
    this.next += pagesFor(node.bytes);
    this.nodes.push(node);
    return node.id;
  }
}

const leafItemBytes = (pairs: PairList, i: number) =>
  ELEMENT_BYTES + pairs.key(i).length + pairs.value(i).length;

/** Greedy split of `pairs` into leaves of at most a page (one oversized pair per leaf). */
function* planLeaves(pairs: PairList, flags: number): Steps<LeafNode[]> {
  const leaves: LeafNode[] = [];
  let start = 0;
  let bytes = PAGE_HEADER_BYTES;
  for (let i = 0; i < pairs.length; i++) {
    if (i % STEP_ITEMS === STEP_ITEMS - 1) yield;
    assert(i === 0 || compareBytes(pairs.key(i - 1), pairs.key(i)) < 0, 'keys ascending, unique');
    const size = leafItemBytes(pairs, i);
    if (i > start && bytes + size > PAGE_SIZE) {
      leaves.push({ kind: 'leaf', id: 0, pairs, start, end: i, flags, bytes });
      start = i;
      bytes = PAGE_HEADER_BYTES;
    }
    bytes += size;
  }
  leaves.push({ kind: 'leaf', id: 0, pairs, start, end: pairs.length, flags, bytes });
  return leaves;
}

/** Places a tree over `pairs`: leaves, then branch levels until one root; returns its id. */
function* placeTree(alloc: PageAllocator, pairs: PairList, flags: number): Steps<number> {
  const leaves = yield* planLeaves(pairs, flags);
  let level: BranchItem[] = leaves.map((leaf) => ({
    key: leaf.start < leaf.end ? pairs.key(leaf.start) : new Uint8Array(0),
    id: alloc.place(leaf),
  }));
  while (level.length > 1) {
    const above: BranchItem[] = [];
    let items: BranchItem[] = [];
    let bytes = PAGE_HEADER_BYTES;
    const close = () => {
      const first = items[0] as BranchItem;
      above.push({ key: first.key, id: alloc.place({ kind: 'branch', id: 0, items, bytes }) });
    };
    for (const item of level) {
      const size = ELEMENT_BYTES + item.key.length;
      if (items.length > 0 && bytes + size > PAGE_SIZE) {
        close();
        items = [];
        bytes = PAGE_HEADER_BYTES;
      }
      items.push(item);
      bytes += size;
    }
    close();
    level = above;
  }
  return (level[0] as BranchItem).id;
}

function writePageHeader(buf: Buffer, at: number, id: number, flags: number, count: number) {
  assert(count <= 0xffff, 'a page counts its elements in 16 bits');
  buf.writeBigUInt64LE(BigInt(id), at);
  buf.writeUInt16LE(flags, at + 8);
  buf.writeUInt16LE(count, at + 10);
  buf.writeUInt32LE(0, at + 12);
}

/** Writes a leaf page (header included) at `at`; returns the bytes written. */
function writeLeaf(buf: Buffer, at: number, id: number, node: Omit<LeafNode, 'kind' | 'id'>) {
  const count = node.end - node.start;
  writePageHeader(buf, at, id, PAGE_FLAGS.leaf, count);
  let element = at + PAGE_HEADER_BYTES;
  let data = element + count * ELEMENT_BYTES;
  for (let i = node.start; i < node.end; i++, element += ELEMENT_BYTES) {
    const key = node.pairs.key(i);
    const value = node.pairs.value(i);
    buf.writeUInt32LE(node.flags, element);
    buf.writeUInt32LE(data - element, element + 4);
    buf.writeUInt32LE(key.length, element + 8);
    buf.writeUInt32LE(value.length, element + 12);
    buf.set(key, data);
    buf.set(value, data + key.length);
    data += key.length + value.length;
  }
  return data - at;
}

function writeBranch(buf: Buffer, at: number, node: BranchNode): void {
  writePageHeader(buf, at, node.id, PAGE_FLAGS.branch, node.items.length);
  let element = at + PAGE_HEADER_BYTES;
  let data = element + node.items.length * ELEMENT_BYTES;
  for (const item of node.items) {
    buf.writeUInt32LE(data - element, element);
    buf.writeUInt32LE(item.key.length, element + 4);
    buf.writeBigUInt64LE(BigInt(item.id), element + 8);
    buf.set(item.key, data);
    data += item.key.length;
    element += ELEMENT_BYTES;
  }
}

/** The value of a bucket's element in its parent: a header, plus the page when inline. */
function* placeBucket(alloc: PageAllocator, pairs: PairList): Steps<Uint8Array> {
  let leafBytes = PAGE_HEADER_BYTES;
  for (let i = 0; i < pairs.length && leafBytes <= MAX_INLINE_BUCKET_BYTES; i++) {
    assert(i === 0 || compareBytes(pairs.key(i - 1), pairs.key(i)) < 0, 'keys ascending, unique');
    leafBytes += leafItemBytes(pairs, i);
  }
  if (leafBytes <= MAX_INLINE_BUCKET_BYTES) {
    const value = Buffer.alloc(BUCKET_HEADER_BYTES + leafBytes);
    const node = { pairs, start: 0, end: pairs.length, flags: 0, bytes: leafBytes };
    writeLeaf(value, BUCKET_HEADER_BYTES, 0, node);
    return value;
  }
  const value = Buffer.alloc(BUCKET_HEADER_BYTES);
  value.writeBigUInt64LE(BigInt(yield* placeTree(alloc, pairs, 0)), 0);
  return value;
}

function writeMeta(buf: Buffer, page: number, root: number, highWater: number, txid: number) {
  const at = page * PAGE_SIZE;
  writePageHeader(buf, at, page, PAGE_FLAGS.meta, 0);
  const m = at + PAGE_HEADER_BYTES;
  buf.writeUInt32LE(META_MAGIC, m);
  buf.writeUInt32LE(META_VERSION, m + 4);
  buf.writeUInt32LE(PAGE_SIZE, m + 8);
  buf.writeUInt32LE(0, m + 12);
  buf.writeBigUInt64LE(BigInt(root), m + 16);
  buf.writeBigUInt64LE(0n, m + 24);
  buf.writeBigUInt64LE(NO_FREELIST, m + 32);
  buf.writeBigUInt64LE(BigInt(highWater), m + 40);
  buf.writeBigUInt64LE(BigInt(txid), m + 48);
  buf.writeBigUInt64LE(fnv64a(buf.subarray(m, m + META_SUMMED_BYTES)), m + META_SUMMED_BYTES);
}

function assertSorted(keys: { readonly length: number; key(i: number): Uint8Array }, what: string) {
  for (let i = 1; i < keys.length; i++)
    assert(compareBytes(keys.key(i - 1), keys.key(i)) < 0, `${what}: keys ascending and unique`);
}

/** The bytes of a bbolt file holding `buckets` (names ascending, each's pairs ascending). */
export function writeBolt(buckets: readonly BoltBucket[], options: { txid?: number } = {}): Buffer {
  return runSteps(writeBoltSteps(buckets, options));
}

/** writeBolt in steps (see steps.ts): a yield every so many pages written. */
export function* writeBoltSteps(
  buckets: readonly BoltBucket[],
  options: { txid?: number } = {},
): Steps<Buffer> {
  assertSorted({ length: buckets.length, key: (i) => (buckets[i] as BoltBucket).name }, 'buckets');
  const alloc = new PageAllocator();
  const rootPairs: BoltPair[] = [];
  for (const b of buckets) {
    yield;
    rootPairs.push({ key: b.name, value: yield* placeBucket(alloc, b.pairs) });
  }
  const root = yield* placeTree(alloc, pairList(rootPairs), BUCKET_LEAF_FLAG);
  const highWater = alloc.next;
  // Zeroed page by page as they are written (zeroing 100 MiB at once is a long pause).
  const buf = Buffer.allocUnsafe(highWater * PAGE_SIZE);
  buf.fill(0, 0, 2 * PAGE_SIZE);
  const txid = options.txid ?? 2;
  writeMeta(buf, 0, root, highWater, txid);
  writeMeta(buf, 1, root, highWater, txid + 1);
  yield;
  for (let i = 0; i < alloc.nodes.length; i++) {
    const node = alloc.nodes[i] as PlannedNode;
    if (i % (STEP_ITEMS / 16) === 0) yield;
    const at = node.id * PAGE_SIZE;
    buf.fill(0, at, at + pagesFor(node.bytes) * PAGE_SIZE);
    if (node.kind === 'leaf') writeLeaf(buf, at, node.id, node);
    else writeBranch(buf, at, node);
    buf.writeUInt32LE(pagesFor(node.bytes) - 1, at + 12);
  }
  return buf;
}
