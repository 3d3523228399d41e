// Where a key lives: its preference list (Dynamo §4.3) on a ring of the nodes, starting at
// the key's hash. The first N nodes are its preferred replicas; the rest, in order, are the
// stand-ins a sloppy quorum uses. (A ring of nodes, not virtual nodes: partitioning proper
// is src/cluster's.)
//
// Fault model: none (pure).

import { hash32 } from '../../../core/prng.js';
import type { NodeId } from '../../../core/process.js';

/** Every node, in the key's preference order. */
export function preferenceList(key: string, n: number): NodeId[] {
  const start = hash32(key) % n;
  return Array.from({ length: n }, (_, i) => ((start + i) % n) + 1);
}
