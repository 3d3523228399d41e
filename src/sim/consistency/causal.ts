// Causal consistency, as causal memory (Ahamad, Neiger, Burns, Kohli & Hutto 1995): each
// process sees all writes in one order of its own that respects causality — program order
// and read-from, transitively — and its reads return the latest write in that order.
// Causally related writes are seen by everyone in the same order; concurrent ones may be
// seen in different orders by different processes.
//
// For arbitrary histories this is NP-complete; for differentiated ones (history.ts) it is
// polynomial, by the bad patterns of Bouajjani, Enea, Guerraoui & Hamza ("On verifying
// causal consistency", POPL 2017, §4 causal memory), which this checks:
// - CyclicCO: causal order co = (po ∪ rf)+ has a cycle;
// - WriteCOInitRead / WriteHBInitRead: a read of the initial value after (in co, or in the
//   reading process's happens-before) a write to that key;
// - WriteCORead / CyclicHB: a process's happens-before has a cycle. Happens-before of a
//   process p is co plus, for each read r of p reading w on x, an edge w' → w for every
//   other write w' to x that happens before r (w must be the last write p saw before r),
//   closed transitively; a read of w after a w' that itself came after w is such a cycle.
// Ancestor sets are bitsets; the cost is about (operations² / 32) words per process, so a
// history above `maxOperations` is answered 'unknown' rather than exhausting memory.
//
// Fault model: none (pure computation on a prepared history).

import { INITIAL, type PreparedHistory } from './history.js';

export const DEFAULT_CAUSAL_MAX_OPERATIONS = 4000;

/** Operations whose constraints cannot hold together, and what they break. */
export interface CausalViolation {
  readonly pattern: 'CyclicCO' | 'WriteCOInitRead' | 'WriteHBInitRead' | 'CyclicHB';
  readonly ops: readonly number[];
}

/** A set of op ids as a bitset row. */
class Rows {
  readonly words: number;
  readonly bits: Uint32Array;
  constructor(
    readonly n: number,
    from?: Rows,
  ) {
    this.words = (n + 31) >>> 5;
    this.bits = from === undefined ? new Uint32Array(n * this.words) : Uint32Array.from(from.bits);
  }
  has(row: number, id: number): boolean {
    return ((this.bits[row * this.words + (id >>> 5)]! >>> (id & 31)) & 1) === 1;
  }
  add(row: number, id: number): void {
    this.bits[row * this.words + (id >>> 5)]! |= 1 << (id & 31);
  }
  /** row |= other row; whether it grew. */
  merge(row: number, other: number): boolean {
    let grew = false;
    const a = row * this.words;
    const b = other * this.words;
    for (let i = 0; i < this.words; i++) {
      const v = this.bits[a + i]! | this.bits[b + i]!;
      if (v !== this.bits[a + i]) {
        this.bits[a + i] = v;
        grew = true;
      }
    }
    return grew;
  }
}

/** The violations of causal memory (at most `limit`), or 'unknown' when too large. */
export function causalViolations(
  h: PreparedHistory,
  maxOperations = DEFAULT_CAUSAL_MAX_OPERATIONS,
  limit = 5,
): CausalViolation[] | 'unknown' {
  if (h.ops.length > maxOperations) return 'unknown';
  const co = causalOrder(h);
  if (!(co instanceof Rows)) return [co];
  const out: CausalViolation[] = [];
  for (const ids of h.sessions.values()) {
    const v = processViolation(h, co, ids);
    if (v !== undefined) out.push(v);
    if (out.length >= limit) break;
  }
  return out;
}

/** Ancestors under (po ∪ rf)+ for every op, or the cycle that makes co no order. */
function causalOrder(h: PreparedHistory): Rows | CausalViolation {
  const n = h.ops.length;
  const preds: number[][] = h.ops.map(() => []);
  const succs: number[][] = h.ops.map(() => []);
  const edge = (a: number, b: number) => {
    preds[b]!.push(a);
    succs[a]!.push(b);
  };
  for (const ids of h.sessions.values())
    for (let i = 1; i < ids.length; i++) edge(ids[i - 1]!, ids[i]!);
  for (const [read, from] of h.readFrom) if (from !== INITIAL && from !== read) edge(from, read);
  const indegree = preds.map((p) => p.length);
  const order: number[] = [];
  for (let id = 0; id < n; id++) if (indegree[id] === 0) order.push(id);
  for (let i = 0; i < order.length; i++)
    for (const s of succs[order[i]!]!) if (--indegree[s]! === 0) order.push(s);
  if (order.length < n) return { pattern: 'CyclicCO', ops: cycleAmong(preds, indegree) };
  const anc = new Rows(n);
  for (const id of order)
    for (const p of preds[id]!) {
      anc.merge(id, p);
      anc.add(id, p);
    }
  return anc;
}

/** One cycle among the ops Kahn's algorithm could not order (indegree still positive). */
function cycleAmong(preds: readonly number[][], indegree: readonly number[]): number[] {
  let at = indegree.findIndex((d) => d > 0);
  const seenAt = new Map<number, number>();
  const path: number[] = [];
  while (!seenAt.has(at)) {
    seenAt.set(at, path.length);
    path.push(at);
    at = preds[at]!.find((p) => indegree[p]! > 0)!;
  }
  return path.slice(seenAt.get(at)).reverse();
}

/** Process `ids`'s happens-before, saturated; its first violation, if any. */
function processViolation(
  h: PreparedHistory,
  co: Rows,
  ids: readonly number[],
): CausalViolation | undefined {
  const hb = new Rows(co.n, co);
  const reads = ids.filter((id) => h.ops[id]!.reads !== null);
  for (let grew = true; grew; ) {
    grew = false;
    for (const r of reads) {
      const op = h.ops[r]!;
      const w = h.readFrom.get(r);
      if (w === undefined) continue; // Read out of thin air: reported on its own.
      for (const other of h.writesByKey.get(op.key) ?? []) {
        if (other === w || other === r || !hb.has(r, other)) continue;
        if (w === INITIAL) {
          const pattern = co.has(r, other) ? 'WriteCOInitRead' : 'WriteHBInitRead';
          return { pattern, ops: [other, r] };
        }
        if (hb.has(w, other)) continue;
        if (hb.has(other, w)) return { pattern: 'CyclicHB', ops: [w, other, r] };
        orderBefore(hb, other, w);
        grew = true;
      }
    }
  }
  return undefined;
}

/** Adds a → b to `hb` and closes it: b and everything after b gain a and a's ancestors. */
function orderBefore(hb: Rows, a: number, b: number): void {
  for (let d = 0; d < hb.n; d++) {
    if (d !== b && !hb.has(d, b)) continue;
    hb.merge(d, a);
    hb.add(d, a);
  }
}
