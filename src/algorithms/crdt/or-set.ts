// OR-set: the observed-remove set, add-wins (Shapiro et al. 2011, Spec. 15). Every add
// makes a unique tag (its dot, "node.seq"); a remove tombstones exactly the tags of that
// element it has observed. An element is in the set while one of its tags is not
// tombstoned, so an add concurrent with a remove survives it (the remove never saw the new
// tag): add wins. The merge is the union of both tag sets. Deltas (Almeida et al. 2018): an
// add's delta is the one new tag; a remove's is the observed tags as tombstones.
//
// Tags are never collected (no causal-context compaction): state grows with every add and
// remove — the classic design's cost, which the optimized OR-set (Bieniusa et al. 2012)
// removes with version vectors.
//
// Fault model: peer states are parsed (element names bounded, tags well formed with node
// ids within 1..n, sorted and unique); a merge only adds tags, so no add or remove a
// replica has seen is ever undone by merging.

import { isArrayOf, isNodeId, isRecord, isString } from '../../core/validate.js';
import { type Crdt, compareKeys, unionKeys } from './types.js';

export interface OrSet {
  /** Every tag ever added, by element; each list sorted, unique, non-empty. */
  readonly adds: Readonly<Record<string, readonly string[]>>;
  /** Tombstoned tags, sorted and unique. */
  readonly removed: readonly string[];
}

export type OrSetOp =
  | { readonly kind: 'add'; readonly element: string }
  | { readonly kind: 'remove'; readonly element: string };

export const MAX_ELEMENT_LENGTH = 256;

export function orSetTag(node: number, seq: number): string {
  return `${node}.${seq}`;
}

/** The sorted union of two sorted, unique lists. */
function union(a: readonly string[], b: readonly string[]): string[] {
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const x = a[i];
    const y = b[j];
    if (y === undefined || (x !== undefined && x < y)) {
      out.push(x as string);
      i++;
    } else if (x === undefined || y < x) {
      out.push(y);
      j++;
    } else {
      out.push(x);
      i++;
      j++;
    }
  }
  return out;
}

/** Whether every element of sorted `a` is in sorted `b`. */
function subset(a: readonly string[], b: readonly string[]): boolean {
  let j = 0;
  for (const x of a) {
    while (j < b.length && (b[j] as string) < x) j++;
    if (b[j] !== x) return false;
  }
  return true;
}

function merge(a: OrSet, b: OrSet): OrSet {
  const adds: Record<string, readonly string[]> = {};
  for (const e of unionKeys(a.adds, b.adds)) adds[e] = union(a.adds[e] ?? [], b.adds[e] ?? []);
  return { adds, removed: union(a.removed, b.removed) };
}

function leq(a: OrSet, b: OrSet): boolean {
  if (!subset(a.removed, b.removed)) return false;
  for (const e of Object.keys(a.adds)) if (!subset(a.adds[e] ?? [], b.adds[e] ?? [])) return false;
  return true;
}

/** The live tags of `element`: added, not tombstoned. */
function liveTags(s: OrSet, element: string): string[] {
  const tags = Object.hasOwn(s.adds, element) ? (s.adds[element] ?? []) : [];
  return tags.filter((t) => !setHas(s.removed, t));
}

function setHas(sorted: readonly string[], x: string): boolean {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((sorted[mid] as string) < x) lo = mid + 1;
    else hi = mid;
  }
  return sorted[lo] === x;
}

export function orSetElements(s: OrSet): string[] {
  return Object.keys(s.adds)
    .filter((e) => liveTags(s, e).length > 0)
    .sort(compareKeys);
}

export function orSetHas(s: OrSet, element: string): boolean {
  return liveTags(s, element).length > 0;
}

const TAG = /^([1-9][0-9]*)\.([1-9][0-9]*)$/;

function isTag(x: unknown, n?: number): x is string {
  if (!isString(x) || x.length > 32) return false;
  const m = TAG.exec(x);
  return m !== null && isNodeId(Number(m[1]), n) && Number.isSafeInteger(Number(m[2]));
}

function isSortedTags(x: unknown, n?: number): x is string[] {
  if (!isArrayOf(x, (t): t is string => isTag(t, n))) return false;
  for (let i = 1; i < x.length; i++) if (!((x[i - 1] as string) < (x[i] as string))) return false;
  return true;
}

export const orSet: Crdt<OrSet, OrSetOp> = {
  name: 'orset',
  bottom: () => ({ adds: {}, removed: [] }),
  merge,
  leq,
  equals: (a, b) => leq(a, b) && leq(b, a),
  delta(s, op, dot) {
    if (op.kind === 'add')
      return { adds: { [op.element]: [orSetTag(dot.node, dot.seq)] }, removed: [] };
    return { adds: {}, removed: liveTags(s, op.element) };
  },
  value: orSetElements,
  size: (s) => {
    let tags = s.removed.length;
    for (const e of Object.keys(s.adds)) tags += s.adds[e]?.length ?? 0;
    return tags;
  },
  parse(raw, n) {
    if (!isRecord(raw) || !isRecord(raw.adds) || !isSortedTags(raw.removed, n)) return undefined;
    for (const [e, tags] of Object.entries(raw.adds)) {
      if (e.length > MAX_ELEMENT_LENGTH || !isSortedTags(tags, n) || tags.length === 0)
        return undefined;
    }
    return raw as unknown as OrSet;
  },
};
