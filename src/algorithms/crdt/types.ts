// The one shape of every CRDT here (Shapiro, Preguiça, Baquero, Zawirski, SSS 2011): a
// state-based CRDT is a join semilattice — `merge` is the join (commutative, associative,
// idempotent), `leq` its order, `bottom` its least element — and every update is written as
// a δ-mutator (Almeida, Shoker, Baquero, "Delta state replicated data types", JPDC 2018):
// `delta(s, op, dot)` returns the small state d with m(s) = s ⊔ d, so a replica can ship d
// instead of its whole state and the same `merge` applies either. Pure and deterministic:
// states are plain, codec-serializable data with canonical key order (a merge in either
// order gives the same bytes), and nothing reads a clock or a random source.
//
// Fault model: states arrive from peers, so every type has a total `parse` that refuses
// anything malformed (never throws); a replica's own states are trusted.

import type { NodeId } from '../../core/process.js';

/** A unique update id: the node that made it and its sequence number there (from 1). */
export interface Dot {
  readonly node: NodeId;
  readonly seq: number;
}

export interface Crdt<S, Op> {
  readonly name: string;
  /** The least state: what a replica holds before any update. */
  bottom(): S;
  /** The join: commutative, associative and idempotent. */
  merge(a: S, b: S): S;
  /** a ⊑ b: merging a into b changes nothing. */
  leq(a: S, b: S): boolean;
  equals(a: S, b: S): boolean;
  /** The δ-mutator: the delta of applying `op`, made at `dot`, to `s`. */
  delta(s: S, op: Op, dot: Dot): S;
  /** What a client reads. */
  value(s: S): unknown;
  /** Entries in the state (a measure of a message's payload). */
  size(s: S): number;
  /** A state from untrusted input, or undefined (node ids checked against 1..n when given). */
  parse(raw: unknown, n?: number): S | undefined;
}

/** The full mutator from the δ-mutator: m(s) = s ⊔ mδ(s). */
export function mutate<S, Op>(t: Crdt<S, Op>, s: S, op: Op, dot: Dot): { state: S; delta: S } {
  const delta = t.delta(s, op, dot);
  return { state: t.merge(s, delta), delta };
}

/** Keys of `a` and `b` together, ascending (node-id keys) or in code-unit order. */
export function unionKeys(a: object, b: object): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].sort(compareKeys);
}

/** Integer-like keys numerically, others by code unit: one canonical order for records. */
export function compareKeys(x: string, y: string): number {
  const nx = Number(x);
  const ny = Number(y);
  if (Number.isInteger(nx) && Number.isInteger(ny)) return nx - ny;
  return x < y ? -1 : x > y ? 1 : 0;
}
