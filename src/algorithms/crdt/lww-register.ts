// LWW-register: last writer wins (Shapiro et al. 2011, Spec. 8; Thomas's write rule). The
// state is the value with its timestamp and writer; the merge keeps the larger
// (timestamp, writer) and — only when both are equal, which two honest writers never
// produce — the larger value in codec order, so the merge stays a total join. A write's
// delta is the whole new register; the writer stamps it above every timestamp it has seen
// (`lwwNextTs`), so a node's own write always shows until a later one replaces it.
//
// Fault model: a concurrent write with a larger timestamp silently replaces another (the
// register's documented loss: "last" is by timestamp, and clocks drift). In lattice order
// nothing is lost — the merged register is ⊒ every write merged into it.

import { isCount, isInt, isNodeId, isNullOr, isRecord, isString } from '../../core/validate.js';
import type { Crdt } from './types.js';

export type LwwValue = string | number | null;

export interface LwwRegister {
  readonly value: LwwValue;
  readonly ts: number;
  /** The writer's node id (0 for the initial register). */
  readonly node: number;
}

function order(a: LwwRegister, b: LwwRegister): number {
  if (a.ts !== b.ts) return a.ts - b.ts;
  if (a.node !== b.node) return a.node - b.node;
  const x = JSON.stringify(a.value);
  const y = JSON.stringify(b.value);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A timestamp above both the writer's clock and everything the register has seen. */
export function lwwNextTs(s: LwwRegister, clockMs: number): number {
  return Math.max(Math.floor(clockMs), s.ts + 1);
}

export const lwwRegister: Crdt<LwwRegister, { readonly value: LwwValue; readonly ts: number }> = {
  name: 'lww',
  bottom: () => ({ value: null, ts: 0, node: 0 }),
  merge: (a, b) => (order(a, b) >= 0 ? a : b),
  leq: (a, b) => order(a, b) <= 0,
  equals: (a, b) => order(a, b) === 0,
  delta: (_s, op, dot) => ({ value: op.value, ts: op.ts, node: dot.node }),
  value: (s) => s.value,
  size: () => 1,
  parse(raw, n) {
    if (!isRecord(raw) || !isCount(raw.ts)) return undefined;
    if (!(raw.node === 0 || isNodeId(raw.node, n))) return undefined;
    const v = raw.value;
    if (!(isNullOr(v, isString) || isInt(v))) return undefined;
    return raw as unknown as LwwRegister;
  },
};
