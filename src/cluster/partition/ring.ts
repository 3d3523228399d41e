// A consistent-hash ring with virtual nodes (Karger et al. 1997): each node owns
// round(vnodes × weight) points at hash("<name>#<i>") for i = 0, 1, …; a key belongs to the
// node owning the first point at or after hash(key), wrapping past 2^64 − 1 to the first
// point. Adding a node takes over only the arcs just before its points (≈ 1/(N+1) of keys);
// more points per node spread each node's share over many arcs, which evens the load.
//
// Points that collide (the same 64-bit position) are ordered by node name, so the mapping
// never depends on the order nodes were listed in.
//
// Fault model: the node list is validated (nodes.ts); vnodes is an integer in 1..MAX_VNODES
// and the ring holds at most MAX_POINTS points, so memory stays bounded.

import { DEFAULT_HASH, type HashName, hashFunction, type Key } from './hash.js';
import { checkNodes, PartitionError } from './nodes.js';
import type { Partitioner } from './partitioner.js';

export const DEFAULT_VNODES = 100;
export const MAX_VNODES = 10_000;
export const MAX_POINTS = 10_000_000;

export interface RingOptions {
  /** Points per node of weight 1 (default 100); a node of weight w gets round(vnodes × w). */
  readonly vnodes?: number | undefined;
  readonly weights?: readonly number[] | undefined;
  readonly hash?: HashName;
}

export interface Ring extends Partitioner {
  /** The sorted point positions, and the index in `nodes` of each point's owner. */
  readonly points: BigUint64Array;
  readonly owners: Uint32Array;
}

function pointCounts(weights: readonly number[], vnodes: number): number[] {
  const counts = weights.map((w) => Math.max(1, Math.round(vnodes * w)));
  const total = counts.reduce((a, b) => a + b, 0);
  if (total > MAX_POINTS)
    throw new PartitionError(`${total} ring points: at most ${MAX_POINTS} (fewer vnodes)`);
  return counts;
}

export function ringPartitioner(names: readonly string[], options: RingOptions = {}): Ring {
  const nodes = checkNodes(names, options.weights);
  const vnodes = options.vnodes ?? DEFAULT_VNODES;
  if (!Number.isSafeInteger(vnodes) || vnodes < 1 || vnodes > MAX_VNODES)
    throw new PartitionError(`vnodes must be an integer in 1..${MAX_VNODES}, got ${vnodes}`);
  const hash = hashFunction(options.hash ?? DEFAULT_HASH);
  const counts = pointCounts(
    nodes.map((n) => n.weight),
    vnodes,
  );
  const entries: { at: bigint; owner: number }[] = [];
  nodes.forEach((node, owner) => {
    for (let i = 0; i < (counts[owner] as number); i++)
      entries.push({ at: hash(`${node.name}#${i}`), owner });
  });
  const order = nodes.map((n) => n.name);
  entries.sort((a, b) => {
    if (a.at !== b.at) return a.at < b.at ? -1 : 1;
    const x = order[a.owner] as string;
    const y = order[b.owner] as string;
    return x < y ? -1 : x > y ? 1 : 0;
  });
  const points = BigUint64Array.from(entries, (e) => e.at);
  const owners = Uint32Array.from(entries, (e) => e.owner);
  return {
    scheme: 'ring',
    nodes: order,
    points,
    owners,
    nodeFor: (key: Key) => order[owners[successor(points, hash(key))] as number] as string,
  };
}

/** Index of the first point ≥ h, or 0 past the last point (the ring wraps). */
export function successor(points: BigUint64Array, h: bigint): number {
  let lo = 0;
  let hi = points.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((points[mid] as bigint) < h) lo = mid + 1;
    else hi = mid;
  }
  return lo === points.length ? 0 : lo;
}
