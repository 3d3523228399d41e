// Rendezvous (highest random weight) hashing, Thaler & Ravishankar 1996: every node scores
// every key and the key goes to the highest score. Removing a node moves only its own keys;
// adding one moves only the keys it now wins (≈ 1/(N+1)). O(N) per lookup, no table.
//
// Score of (key, node): u = fmix64(hash(key) XOR hash(name)) mapped into (0, 1), then
// −weight / ln(u) — the logarithmic method (Resch, "New Hashing Algorithms for Data Storage",
// 2015 / Schindelhauer & Schomaker's weighted consistent hashing): a node of weight w wins a
// share w / Σw of keys, and changing one weight moves only keys to or from that node. With
// equal weights the order is that of u. Ties (probability about 2^-52) go to the earlier name.
//
// Fault model: the node list and weights are validated (nodes.ts).

import {
  DEFAULT_HASH,
  fmix64Halves,
  type HashName,
  hashHalvesFunction,
  type Key,
  unitIntervalHalves,
} from './hash.js';
import { checkNodes } from './nodes.js';
import type { Partitioner } from './partitioner.js';

export interface RendezvousOptions {
  readonly weights?: readonly number[] | undefined;
  readonly hash?: HashName;
}

export function rendezvousPartitioner(
  names: readonly string[],
  options: RendezvousOptions = {},
): Partitioner {
  const nodes = checkNodes(names, options.weights);
  const hash = hashHalvesFunction(options.hash ?? DEFAULT_HASH);
  // Each node's name hash as halves, side by side: seeds[2i] high, seeds[2i + 1] low.
  const seeds = new Uint32Array(2 * nodes.length);
  const h = new Uint32Array(2);
  nodes.forEach((n, i) => {
    hash(n.name, h);
    seeds[2 * i] = h[0] as number;
    seeds[2 * i + 1] = h[1] as number;
  });
  const weights = Float64Array.from(nodes, (n) => n.weight);
  const order = nodes.map((n) => n.name);
  const x = new Uint32Array(2);
  const nodeFor = (key: Key): string => {
    hash(key, h);
    const hi = h[0] as number;
    const lo = h[1] as number;
    let best = 0;
    let bestScore = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < order.length; i++) {
      fmix64Halves(
        (hi ^ (seeds[2 * i] as number)) >>> 0,
        (lo ^ (seeds[2 * i + 1] as number)) >>> 0,
        x,
      );
      const u = unitIntervalHalves(x[0] as number, x[1] as number);
      const score = -(weights[i] as number) / Math.log(u);
      if (
        score > bestScore ||
        (score === bestScore && (order[i] as string) < (order[best] as string))
      ) {
        best = i;
        bestScore = score;
      }
    }
    return order[best] as string;
  };
  return { scheme: 'rendezvous', nodes: order, nodeFor };
}
