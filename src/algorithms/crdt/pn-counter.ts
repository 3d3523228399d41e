// PN-counter: a counter that also decrements (Shapiro et al. 2011, Spec. 7) — two
// G-counters, increments P and decrements N; the value is ΣP − ΣN and the merge is each
// G-counter's merge. A decrement's delta raises the node's own N entry.
//
// Fault model: as g-counter.ts, for each half.

import { isRecord } from '../../core/validate.js';
import {
  type GCounter,
  gCounterDelta,
  gCounterLeq,
  gCounterMerge,
  gCounterValue,
  parseGCounter,
} from './g-counter.js';
import type { Crdt } from './types.js';

export interface PnCounter {
  readonly p: GCounter;
  readonly n: GCounter;
}

const leq = (a: PnCounter, b: PnCounter) => gCounterLeq(a.p, b.p) && gCounterLeq(a.n, b.n);

/** An increment (by > 0) or a decrement (by < 0); by ≠ 0. */
export const pnCounter: Crdt<PnCounter, { readonly by: number }> = {
  name: 'pncounter',
  bottom: () => ({ p: {}, n: {} }),
  merge: (a, b) => ({ p: gCounterMerge(a.p, b.p), n: gCounterMerge(a.n, b.n) }),
  leq,
  equals: (a, b) => leq(a, b) && leq(b, a),
  delta: (s, op, dot) =>
    op.by >= 0
      ? { p: gCounterDelta(s.p, dot.node, op.by), n: {} }
      : { p: {}, n: gCounterDelta(s.n, dot.node, -op.by) },
  value: (s) => gCounterValue(s.p) - gCounterValue(s.n),
  size: (s) => Object.keys(s.p).length + Object.keys(s.n).length,
  parse(raw, n) {
    if (!isRecord(raw)) return undefined;
    const p = parseGCounter(raw.p, n);
    const m = parseGCounter(raw.n, n);
    return p === undefined || m === undefined ? undefined : (raw as unknown as PnCounter);
  },
};
