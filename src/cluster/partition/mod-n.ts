// Hash mod N: node = nodes[hash(key) mod N]. Perfectly simple and well balanced, and the
// scheme the notes warn about: changing N remaps almost every key (a key stays only when
// hash mod N = hash mod N', about 1/(N+1) of keys when a node is added).
//
// Fault model: none beyond the node list's validation (nodes.ts).

import { DEFAULT_HASH, type HashName, hashHalvesFunction, type Key } from './hash.js';
import { checkNodes, checkUnweighted } from './nodes.js';
import type { Partitioner } from './partitioner.js';

export interface ModNOptions {
  readonly hash?: HashName;
}

export function modNPartitioner(names: readonly string[], options: ModNOptions = {}): Partitioner {
  const nodes = checkNodes(names);
  checkUnweighted('modn', nodes);
  const hash = hashHalvesFunction(options.hash ?? DEFAULT_HASH);
  const order = nodes.map((n) => n.name);
  const n = order.length;
  const h = new Uint32Array(2);
  // (hi·2^32 + lo) mod n without BigInt: (hi mod n)·2^32 + lo < n·2^32 ≤ 2^46 (MAX_NODES), exact.
  const nodeFor = (key: Key): string => {
    hash(key, h);
    return order[(((h[0] as number) % n) * 0x1_0000_0000 + (h[1] as number)) % n] as string;
  };
  return { scheme: 'modn', nodes: order, nodeFor };
}
