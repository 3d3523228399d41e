// An in-memory B+ tree from string keys to values, ordered by JavaScript string comparison.
// The MVCC store keys it by the latin1 spelling of a key's bytes (one UTF-16 code unit per
// byte, 0–255), whose string order IS unsigned byte order, so etcd's [key, range_end) scans
// are a seek and a walk. A sorted array would cost O(n) per new key (a splice); at the
// server's 1-million-key goal that is the difference between microseconds and milliseconds
// per put. Leaves are linked left to right so a range scan never climbs back up the tree.
//
// Invariants (checked by `check()` in the tests): every leaf but a lone root holds between
// `min` and `order` entries, every branch but the root between `min` and `order` children;
// `keys[i]` of a branch separates child i (all keys smaller) from child i+1 (all keys equal
// or greater); all leaves sit at one depth; the leaf chain visits every key in order.
//
// Fault model: none (a pure data structure; a broken invariant is our bug).

import { assert } from '../../core/assert.js';

class Leaf<V> {
  keys: string[] = [];
  vals: V[] = [];
  next: Leaf<V> | null = null;
}

class Branch<V> {
  keys: string[] = [];
  children: Node<V>[] = [];
}

type Node<V> = Leaf<V> | Branch<V>;

/** The first index whose key is ≥ `key` (binary search). */
function lowerBound(keys: readonly string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((keys[mid] as string) < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** The first index whose key is > `key`: in a branch, the child that may hold `key`. */
function upperBound(keys: readonly string[], key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((keys[mid] as string) <= key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

interface Split<V> {
  readonly separator: string;
  readonly right: Node<V>;
}

export class BTree<V> {
  private root: Node<V> = new Leaf<V>();
  private count = 0;
  private readonly min: number;

  /** `order`: the most entries per leaf and children per branch (small in tests, to go deep). */
  constructor(private readonly order = 64) {
    assert(Number.isInteger(order) && order >= 4, 'a B-tree needs an order of at least 4');
    this.min = Math.floor(order / 2);
  }

  get size(): number {
    return this.count;
  }

  get(key: string): V | undefined {
    let node = this.root;
    while (node instanceof Branch) node = node.children[upperBound(node.keys, key)] as Node<V>;
    const i = lowerBound(node.keys, key);
    return node.keys[i] === key ? node.vals[i] : undefined;
  }

  has(key: string): boolean {
    return this.get(key) !== undefined;
  }

  /** Inserts or replaces. Values must not be `undefined` (get() uses it for "absent"). */
  set(key: string, value: V): void {
    this.upsert(key, () => value);
  }

  /**
   * Sets `key` to `update(current value or undefined)` in one descent: a read-modify-write
   * costs one walk down the tree instead of two (`update` must not touch the tree).
   */
  upsert(key: string, update: (current: V | undefined) => V): void {
    const split = this.insert(this.root, key, update);
    if (split === undefined) return;
    const root = new Branch<V>();
    root.keys.push(split.separator);
    root.children.push(this.root, split.right);
    this.root = root;
  }

  /** Removes `key`; returns whether it was there. */
  delete(key: string): boolean {
    const removed = this.remove(this.root, key);
    const root = this.root;
    if (root instanceof Branch && root.children.length === 1) {
      this.root = root.children[0] as Node<V>;
    }
    return removed;
  }

  /**
   * Visits the entries with `start` ≤ key < `end` in ascending order (`end` undefined: to the
   * last key) until `visit` returns false.
   */
  scan(
    start: string,
    end: string | undefined,
    visit: (key: string, value: V) => boolean | undefined,
  ): void {
    let node = this.root;
    while (node instanceof Branch) node = node.children[upperBound(node.keys, start)] as Node<V>;
    let leaf: Leaf<V> | null = node;
    let i = lowerBound(leaf.keys, start);
    while (leaf !== null) {
      const { keys, vals } = leaf;
      for (; i < keys.length; i++) {
        const key = keys[i] as string;
        if (end !== undefined && key >= end) return;
        if (visit(key, vals[i] as V) === false) return;
      }
      leaf = leaf.next;
      i = 0;
    }
  }

  /** Every entry in ascending key order. */
  *entries(): Generator<[string, V]> {
    let node = this.root;
    while (node instanceof Branch) node = node.children[0] as Node<V>;
    for (let leaf: Leaf<V> | null = node; leaf !== null; leaf = leaf.next) {
      for (let i = 0; i < leaf.keys.length; i++) yield [leaf.keys[i] as string, leaf.vals[i] as V];
    }
  }

  private insert(
    node: Node<V>,
    key: string,
    update: (current: V | undefined) => V,
  ): Split<V> | undefined {
    if (node instanceof Leaf) {
      const i = lowerBound(node.keys, key);
      const found = node.keys[i] === key;
      const value = update(found ? node.vals[i] : undefined);
      assert(value !== undefined, 'a B-tree value cannot be undefined');
      if (found) {
        node.vals[i] = value;
        return undefined;
      }
      node.keys.splice(i, 0, key);
      node.vals.splice(i, 0, value);
      this.count++;
      return node.keys.length > this.order ? this.splitLeaf(node) : undefined;
    }
    const i = upperBound(node.keys, key);
    const split = this.insert(node.children[i] as Node<V>, key, update);
    if (split === undefined) return undefined;
    node.keys.splice(i, 0, split.separator);
    node.children.splice(i + 1, 0, split.right);
    return node.children.length > this.order ? this.splitBranch(node) : undefined;
  }

  private splitLeaf(leaf: Leaf<V>): Split<V> {
    const right = new Leaf<V>();
    const mid = Math.ceil(leaf.keys.length / 2);
    right.keys = leaf.keys.slice(mid);
    right.vals = leaf.vals.slice(mid);
    // Fresh arrays of the exact size: a shortened array keeps the capacity it grew to (about
    // twice what it now holds), and the left half of a split never grows again when keys
    // arrive in ascending order — the common case — so that room would be waste for good.
    leaf.keys = leaf.keys.slice(0, mid);
    leaf.vals = leaf.vals.slice(0, mid);
    right.next = leaf.next;
    leaf.next = right;
    return { separator: right.keys[0] as string, right };
  }

  private splitBranch(branch: Branch<V>): Split<V> {
    const right = new Branch<V>();
    const mid = Math.ceil(branch.children.length / 2);
    right.children = branch.children.slice(mid);
    right.keys = branch.keys.slice(mid);
    // The key between the halves moves up: it separates them in the parent.
    const separator = branch.keys[mid - 1] as string;
    // Exact-size arrays, as in splitLeaf.
    branch.children = branch.children.slice(0, mid);
    branch.keys = branch.keys.slice(0, mid - 1);
    return { separator, right };
  }

  private remove(node: Node<V>, key: string): boolean {
    if (node instanceof Leaf) {
      const i = lowerBound(node.keys, key);
      if (node.keys[i] !== key) return false;
      node.keys.splice(i, 1);
      node.vals.splice(i, 1);
      this.count--;
      return true;
    }
    const i = upperBound(node.keys, key);
    const child = node.children[i] as Node<V>;
    if (!this.remove(child, key)) return false;
    const size = child instanceof Leaf ? child.keys.length : child.children.length;
    if (size < this.min) this.rebalance(node, i);
    return true;
  }

  /** Child `i` of `parent` fell below `min`: borrow from a sibling, or merge with one. */
  private rebalance(parent: Branch<V>, i: number): void {
    const left = i > 0 ? (parent.children[i - 1] as Node<V>) : undefined;
    const right = parent.children[i + 1] as Node<V> | undefined;
    const sizeOf = (n: Node<V>) => (n instanceof Leaf ? n.keys.length : n.children.length);
    if (left !== undefined && sizeOf(left) > this.min) this.borrowFromLeft(parent, i);
    else if (right !== undefined && sizeOf(right) > this.min) this.borrowFromRight(parent, i);
    else if (left !== undefined) this.merge(parent, i - 1);
    else if (right !== undefined) this.merge(parent, i);
  }

  private borrowFromLeft(parent: Branch<V>, i: number): void {
    const child = parent.children[i] as Node<V>;
    const left = parent.children[i - 1] as Node<V>;
    if (child instanceof Leaf && left instanceof Leaf) {
      child.keys.unshift(left.keys.pop() as string);
      child.vals.unshift(left.vals.pop() as V);
      parent.keys[i - 1] = child.keys[0] as string;
      return;
    }
    assert(child instanceof Branch && left instanceof Branch, 'siblings share a depth');
    child.children.unshift(left.children.pop() as Node<V>);
    child.keys.unshift(parent.keys[i - 1] as string);
    parent.keys[i - 1] = left.keys.pop() as string;
  }

  private borrowFromRight(parent: Branch<V>, i: number): void {
    const child = parent.children[i] as Node<V>;
    const right = parent.children[i + 1] as Node<V>;
    if (child instanceof Leaf && right instanceof Leaf) {
      child.keys.push(right.keys.shift() as string);
      child.vals.push(right.vals.shift() as V);
      parent.keys[i] = right.keys[0] as string;
      return;
    }
    assert(child instanceof Branch && right instanceof Branch, 'siblings share a depth');
    child.children.push(right.children.shift() as Node<V>);
    child.keys.push(parent.keys[i] as string);
    parent.keys[i] = right.keys.shift() as string;
  }

  /** Merges child `j + 1` of `parent` into child `j`. */
  private merge(parent: Branch<V>, j: number): void {
    const left = parent.children[j] as Node<V>;
    const right = parent.children[j + 1] as Node<V>;
    if (left instanceof Leaf && right instanceof Leaf) {
      left.keys.push(...right.keys);
      left.vals.push(...right.vals);
      left.next = right.next;
    } else {
      assert(left instanceof Branch && right instanceof Branch, 'siblings share a depth');
      left.keys.push(parent.keys[j] as string, ...right.keys);
      left.children.push(...right.children);
    }
    parent.keys.splice(j, 1);
    parent.children.splice(j + 1, 1);
  }

  /** Asserts every structural invariant (tests call it after each operation). */
  check(): void {
    const leaves: Leaf<V>[] = [];
    const depths = new Set<number>();
    const walk = (node: Node<V>, lo: string | undefined, hi: string | undefined, d: number) => {
      const isRoot = node === this.root;
      if (node instanceof Leaf) {
        assert(isRoot || node.keys.length >= this.min, 'leaf underflow');
        assert(node.keys.length <= this.order, 'leaf overflow');
        assert(node.keys.length === node.vals.length, 'leaf keys and values pair up');
        for (let k = 0; k < node.keys.length; k++) {
          const key = node.keys[k] as string;
          assert(k === 0 || (node.keys[k - 1] as string) < key, 'leaf keys ascend');
          assert(lo === undefined || key >= lo, 'key below its separator');
          assert(hi === undefined || key < hi, 'key at or above the next separator');
        }
        leaves.push(node);
        depths.add(d);
        return;
      }
      assert(isRoot ? node.children.length >= 2 : node.children.length >= this.min, 'underflow');
      assert(node.children.length <= this.order, 'branch overflow');
      assert(node.keys.length === node.children.length - 1, 'one separator between children');
      node.children.forEach((c, k) => {
        walk(c, k === 0 ? lo : node.keys[k - 1], k === node.keys.length ? hi : node.keys[k], d + 1);
      });
    };
    walk(this.root, undefined, undefined, 0);
    assert(depths.size === 1, 'all leaves at one depth');
    let total = 0;
    for (let k = 0; k < leaves.length; k++) {
      assert((leaves[k] as Leaf<V>).next === (leaves[k + 1] ?? null), 'leaf chain in order');
      total += (leaves[k] as Leaf<V>).keys.length;
    }
    assert(total === this.count, 'size matches the entries');
  }
}
