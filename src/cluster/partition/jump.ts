// Jump consistent hash (Lamping & Veach, "A Fast, Minimal Memory, Consistent Hash Algorithm",
// 2014): maps a 64-bit key to one of `buckets` buckets with no table at all. Growing from n to
// n+1 buckets moves exactly the keys that land in the new bucket (1/(n+1) in expectation);
// buckets can only be added or removed at the end, so a node leaving from the middle of the
// list costs more (see jumpRemoval in movement.ts).
//
// The loop is the paper's reference code, line for line: the same 64-bit linear congruential
// step and the same double-precision jump, so outputs equal the paper's C++ (and Guava's
// Hashing.consistentHash) for every key.
//
// Fault model: none; bad arguments (not a 64-bit key, buckets outside 1..2^31-1) are a
// PartitionError.

import { DEFAULT_HASH, type HashName, hashFunction, type Key } from './hash.js';
import { checkNodes, checkUnweighted, PartitionError } from './nodes.js';
import type { Partitioner } from './partitioner.js';

const MASK64 = (1n << 64n) - 1n;
const LCG_MULTIPLIER = 2862933555777941757n;
const MAX_BUCKETS = 2 ** 31 - 1;

export function jumpConsistentHash(key: bigint, buckets: number): number {
  if (typeof key !== 'bigint' || key < 0n || key > MASK64)
    throw new PartitionError('a jump hash key is an unsigned 64-bit integer');
  if (!Number.isSafeInteger(buckets) || buckets < 1 || buckets > MAX_BUCKETS)
    throw new PartitionError(`buckets must be an integer in 1..${MAX_BUCKETS}, got ${buckets}`);
  let k = key;
  let b = -1;
  let j = 0;
  while (j < buckets) {
    b = j;
    k = (k * LCG_MULTIPLIER + 1n) & MASK64;
    j = Math.floor((b + 1) * (2 ** 31 / (Number(k >> 33n) + 1)));
  }
  return b;
}

export interface JumpOptions {
  readonly hash?: HashName;
}

/** Bucket i is names[i]: the node list's order is part of the mapping. */
export function jumpPartitioner(names: readonly string[], options: JumpOptions = {}): Partitioner {
  const nodes = checkNodes(names);
  checkUnweighted('jump', nodes);
  const hash = hashFunction(options.hash ?? DEFAULT_HASH);
  const order = nodes.map((n) => n.name);
  return {
    scheme: 'jump',
    nodes: order,
    nodeFor: (key: Key) => order[jumpConsistentHash(hash(key), order.length)] as string,
  };
}
