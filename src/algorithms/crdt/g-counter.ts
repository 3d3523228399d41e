// G-counter: a grow-only counter (Shapiro et al. 2011, Spec. 6). One entry per node — the
// increments that node made — merged by pointwise maximum; the value is the sum. Entries are
// keyed by node id, so the record's key order is numeric and canonical. An increment's delta
// is the one entry it raises (Almeida et al. 2018, Fig. 2).
//
// Fault model: peer states are parsed (ids within 1..n, counts safe integers ≥ 1); a
// merged-in state can only raise entries, so no acknowledged increment is ever lost.

import { isCount, isNodeId, isRecord } from '../../core/validate.js';
import { type Crdt, unionKeys } from './types.js';

/** Increments by node id; absent = 0. */
export type GCounter = Readonly<Record<string, number>>;

export function gCounterMerge(a: GCounter, b: GCounter): GCounter {
  const out: Record<string, number> = {};
  for (const k of unionKeys(a, b)) out[k] = Math.max(a[k] ?? 0, b[k] ?? 0);
  return out;
}

export function gCounterLeq(a: GCounter, b: GCounter): boolean {
  for (const k of Object.keys(a)) if ((a[k] ?? 0) > (b[k] ?? 0)) return false;
  return true;
}

export function gCounterValue(s: GCounter): number {
  let sum = 0;
  for (const k of Object.keys(s)) sum += s[k] ?? 0;
  return sum;
}

/** The δ of `node` adding `by` (≥ 1): its own entry, raised. */
export function gCounterDelta(s: GCounter, node: number, by: number): GCounter {
  return { [node]: (s[node] ?? 0) + by };
}

export function parseGCounter(raw: unknown, n?: number): GCounter | undefined {
  if (!isRecord(raw)) return undefined;
  for (const [k, v] of Object.entries(raw))
    if (!isNodeId(Number(k), n) || String(Number(k)) !== k || !isCount(v) || v === 0)
      return undefined;
  return raw as GCounter;
}

export const gCounter: Crdt<GCounter, { readonly by: number }> = {
  name: 'gcounter',
  bottom: () => ({}),
  merge: gCounterMerge,
  leq: gCounterLeq,
  equals: (a, b) => gCounterLeq(a, b) && gCounterLeq(b, a),
  delta: (s, op, dot) => gCounterDelta(s, dot.node, op.by),
  value: gCounterValue,
  size: (s) => Object.keys(s).length,
  parse: parseGCounter,
};
