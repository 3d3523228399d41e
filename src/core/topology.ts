// How an algorithm wires its nodes, declared for those who draw them (the Lab's stage) — it
// does not constrain the simulator, which lets any node message any other. Absent means
// every pair talks (a complete graph).

import type { NodeId } from './process.js';

export type Topology =
  /** One ring: each node passes to the next in `order`, the last to the first. */
  | { readonly kind: 'ring'; readonly order: readonly NodeId[] }
  /**
   * Two-layer rings: each inner ring in its own order; the first node of each inner ring
   * sits on the outer ring, which runs through those first nodes in the order given.
   */
  | { readonly kind: 'rings'; readonly rings: readonly (readonly NodeId[])[] };

/** The ring 1 → 2 → … → n → 1. */
export function ascendingRing(nodes: number): Topology {
  return { kind: 'ring', order: Array.from({ length: nodes }, (_, i) => i + 1) };
}
