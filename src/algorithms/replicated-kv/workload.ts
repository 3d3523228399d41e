// The simulated client workload every replicated key-value algorithm runs (Raft,
// Multi-Paxos, ZAB; issue 15: one workload, one history). Each client draws, from its node's
// seeded stream (env.random), the pause before its next operation, then the key (k0, k1, …),
// then the operation by the algorithm's mix. A written value names the client and the seq
// (`<client>.<seq>`), so every write is distinct and a history shows whose write a read saw.
// A compare-and-swap expects the value the client last saw of its key, so it often matches.
// The draw order is fixed (key, then operation): a run's operations depend on the seed alone.
//
// The clients differ only in how they deliver an operation (a Raft client node retrying
// across servers, a Multi-Paxos or ZAB server submitting its own), not in what they ask.
//
// Fault model: none of its own — what a client saw (`seen`) is volatile and lost with a
// crash, which only makes a later compare-and-swap less likely to match.

import { assert } from '../../core/assert.js';
import type { Random } from '../../core/prng.js';
import type { KvOp, Value } from './ops.js';

/** Relative weights of the operations a client draws (integers; zero leaves one out). */
export type KvOpMix = Readonly<Record<KvOp['type'], number>>;

/** Every operation: reads 40%, puts 30%, compare-and-swaps 20%, deletes 10%. */
export const FULL_MIX: KvOpMix = { get: 4, put: 3, cas: 2, delete: 1 };

/** Reads and puts, half each (an algorithm whose wire carries only these: Multi-Paxos). */
export const PUT_GET_MIX: KvOpMix = { get: 1, put: 1, cas: 0, delete: 0 };

/** The draw order of the mix's operations (fixed: a roll means the same in every run). */
const MIX_ORDER = ['get', 'put', 'cas', 'delete'] as const;

export interface KvWorkload {
  /** Distinct keys, named k0 … k(keys − 1). */
  readonly keys: number;
  /** Mean pause before each operation: uniform in 0 … 2·thinkMs (0: none). */
  readonly thinkMs: number;
  readonly mix: KvOpMix;
}

/** What a client saw of each key (null: missing): a compare-and-swap expects it. */
export type SeenValues = Map<string, Value | null>;

/** The pause before a client's next operation. */
export function thinkTime(random: Random, w: KvWorkload): number {
  return w.thinkMs === 0 ? 0 : random.range(0, 2 * w.thinkMs);
}

/** Client `client`'s operation number `seq`: a key, then an operation by the mix. */
export function nextKvOp(
  random: Random,
  w: KvWorkload,
  client: number,
  seq: number,
  seen: ReadonlyMap<string, Value | null>,
): KvOp {
  const total = MIX_ORDER.reduce((sum, type) => sum + w.mix[type], 0);
  assert(w.keys >= 1 && total >= 1, 'a workload has a key and an operation to draw');
  const key = `k${random.int(w.keys)}`;
  const value = `${client}.${seq}`;
  let roll = random.int(total);
  let type: KvOp['type'] = 'delete';
  for (const t of MIX_ORDER) {
    if (roll < w.mix[t]) {
      type = t;
      break;
    }
    roll -= w.mix[t];
  }
  assert(w.mix[type] > 0, 'the mix draws only operations it weighs');
  if (type === 'get' || type === 'delete') return { type, key };
  if (type === 'put') return { type, key, value };
  return { type, key, expected: seen.get(key) ?? null, value };
}

/**
 * What the client knows of `op.key` after `op` completed: the value it read or wrote, or
 * for a failed compare-and-swap the current value it was answered.
 */
export function observeCompletion(
  seen: SeenValues,
  op: KvOp,
  outcome: 'ok' | 'fail',
  value: Value | null,
): void {
  if (outcome === 'ok')
    seen.set(op.key, op.type === 'get' ? value : op.type === 'delete' ? null : op.value);
  else if (op.type === 'cas') seen.set(op.key, value);
}
