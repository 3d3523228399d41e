// Hash mod N: node = nodes[hash(key) mod N]. Perfectly simple and well balanced, and the
// scheme the notes warn about: changing N remaps almost every key (a key stays only when
// hash mod N = hash mod N', about 1/(N+1) of keys when a node is added).
//
// Fault model: none beyond the node list's validation (nodes.ts).

import { DEFAULT_HASH, type HashName, hashFunction, type Key } from './hash.js';
import { checkNodes, checkUnweighted } from './nodes.js';
import type { Partitioner } from './partitioner.js';

export interface ModNOptions {
  readonly hash?: HashName;
}

export function modNPartitioner(names: readonly string[], options: ModNOptions = {}): Partitioner {
  const nodes = checkNodes(names);
  checkUnweighted('modn', nodes);
  const hash = hashFunction(options.hash ?? DEFAULT_HASH);
  const order = nodes.map((n) => n.name);
  const n = BigInt(order.length);
  return {
    scheme: 'modn',
    nodes: order,
    nodeFor: (key: Key) => order[Number(hash(key) % n)] as string,
  };
}
