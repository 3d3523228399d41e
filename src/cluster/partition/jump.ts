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
// The LCG runs on 32-bit halves (mul64 in hash.ts): the BigInt form allocated a BigInt per
// step and was several times slower; the outputs are bit for bit the same.
//
// Fault model: none; bad arguments (not a 64-bit key, buckets outside 1..2^31-1) are a
// PartitionError.

import { DEFAULT_HASH, type HashName, hashHalvesFunction, type Key, mul64 } from './hash.js';
import { checkNodes, checkUnweighted, PartitionError } from './nodes.js';
import type { Partitioner } from './partitioner.js';

const MASK64 = (1n << 64n) - 1n;
const MAX_BUCKETS = 2 ** 31 - 1;
// 2862933555777941757, the paper's LCG multiplier, as halves.
const LCG_HI = 0x27bb2ee6;
const LCG_LO = 0x87b0b0fd;

export function jumpConsistentHash(key: bigint, buckets: number): number {
  if (typeof key !== 'bigint' || key < 0n || key > MASK64)
    throw new PartitionError('a jump hash key is an unsigned 64-bit integer');
  if (!Number.isSafeInteger(buckets) || buckets < 1 || buckets > MAX_BUCKETS)
    throw new PartitionError(`buckets must be an integer in 1..${MAX_BUCKETS}, got ${buckets}`);
  return jumpHalves(Number(key >> 32n), Number(key & 0xffff_ffffn), buckets, new Uint32Array(2));
}

/** The paper's loop on the key's halves; `state` is scratch space for the LCG. */
function jumpHalves(hi: number, lo: number, buckets: number, state: Uint32Array): number {
  state[0] = hi;
  state[1] = lo;
  let b = -1;
  let j = 0;
  while (j < buckets) {
    b = j;
    mul64(state[0] as number, state[1] as number, LCG_HI, LCG_LO, state);
    state[1] = ((state[1] as number) + 1) >>> 0;
    if (state[1] === 0) state[0] = ((state[0] as number) + 1) >>> 0;
    j = Math.floor((b + 1) * (2 ** 31 / (((state[0] as number) >>> 1) + 1)));
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
  const hash = hashHalvesFunction(options.hash ?? DEFAULT_HASH);
  const order = nodes.map((n) => n.name);
  const h = new Uint32Array(2);
  return {
    scheme: 'jump',
    nodes: order,
    nodeFor: (key: Key) => {
      hash(key, h);
      return order[jumpHalves(h[0] as number, h[1] as number, order.length, h)] as string;
    },
  };
}
