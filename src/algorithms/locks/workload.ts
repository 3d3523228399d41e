// What the lock family's processes share: the workload options (requests, think time, TTL,
// the pause bound their leases assume), the outputs clients report — the mutex family's
// `request` / `enter` / `exit` (so its metrics and checks apply unchanged), plus the
// storage's `write` / `reject` for the fenced resource — and the retry delays.

import type { Invariant, Liveness, OptionSpecs, OptionsOf } from '../../core/algorithm.js';
import type { MutexNodeState, MutexOutput } from '../mutex/workload.js';

export const lockOptionSpecs = {
  requests: {
    kind: 'int',
    default: 5,
    min: 1,
    max: 100_000,
    description: 'lock acquisitions per client',
  },
  thinkMs: {
    kind: 'int',
    default: 50,
    min: 1,
    max: 600_000,
    description: 'mean time between acquisitions (ms)',
  },
  ttlMs: {
    kind: 'int',
    default: 1_000,
    min: 1,
    max: 600_000,
    description: 'lease time to live (ms), measured on the granting node',
  },
  maxPauseMs: {
    kind: 'int',
    default: 100,
    min: 0,
    max: 60_000,
    description: 'longest process pause the holder’s timing assumes (the fault model’s bound)',
  },
} as const satisfies OptionSpecs;

export type LockOptions = OptionsOf<typeof lockOptionSpecs>;

export type LockOutput =
  | { readonly type: 'request' }
  /** One try at a lock that may fail and be retried (Redlock's round over every instance). */
  | { readonly type: 'attempt' }
  | { readonly type: 'enter'; readonly token: number }
  | { readonly type: 'exit' }
  /**
   * A lock's coordinator removed an entry (released, or its session expired), leaving
   * `waiting` entries, and woke `woken` watchers of it.
   */
  | { readonly type: 'unlock'; readonly waiting: number; readonly woken: number }
  /** The storage applied a write carrying `token` from `client`. */
  | { readonly type: 'write'; readonly token: number; readonly client: number }
  /** The storage refused it: a newer token had been seen (fencing). */
  | { readonly type: 'reject'; readonly token: number; readonly client: number };

/** A think time drawn around `thinkMs` (1 .. 2·thinkMs − 1). */
export function thinkDelayMs(random: { range(a: number, b: number): number }, thinkMs: number) {
  return random.range(1, Math.max(1, 2 * thinkMs - 1));
}

type MutexCheck = Invariant<MutexNodeState, MutexOutput> | Liveness<MutexNodeState, MutexOutput>;

/**
 * One of the mutex family's checks for a lock: they read only the `request` / `enter` /
 * `exit` outputs and a node's `inCS` / `served`, which every lock state and output here has
 * (a lock's `enter` also carries its token, which they ignore).
 */
export function fromMutex<S extends MutexNodeState>(
  check: MutexCheck,
): Invariant<S, LockOutput> & Liveness<S, LockOutput> {
  return check as unknown as Invariant<S, LockOutput> & Liveness<S, LockOutput>;
}
