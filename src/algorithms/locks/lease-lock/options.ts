// Options of locks/lease-lock and the fixed per-run config its handlers read.

import type { OptionSpecs, OptionsOf } from '../../../core/algorithm.js';
import type { Step } from '../../../core/kernel.js';
import { LOCK_MAX_DRIFT_PPM, LOCK_WORST_LATENCY_MS, leaseBudgetMs } from '../timing.js';
import { type LockOutput, lockOptionSpecs } from '../workload.js';
import type { LeaseLockMessage } from './messages.js';
import type { LeaseLockState } from './state.js';

export const leaseLockOptionSpecs = {
  ...lockOptionSpecs,
  fencing: {
    kind: 'bool',
    default: false,
    description: 'the storage rejects a write whose token is older than the newest it has seen',
  },
  writes: {
    kind: 'int',
    default: 2,
    min: 1,
    max: 1_000,
    description: 'writes a holder makes per lease (each after a unit of work)',
  },
  workMs: {
    kind: 'int',
    default: 20,
    min: 1,
    max: 600_000,
    description: 'work before each write (the check of the lease comes before it)',
  },
} as const satisfies OptionSpecs;

export type LeaseLockOptions = OptionsOf<typeof leaseLockOptionSpecs>;

/** Fixed for a run. */
export interface LeaseLockConfig {
  readonly opts: LeaseLockOptions;
  /** Clients (nodes 3..n). */
  readonly clients: number;
  /** Local ms after its Acquire left during which a holder may start a unit of work. */
  readonly budgetMs: number;
  /** How long a waiting client waits before asking again: longer than any fault-free wait. */
  readonly acquireRetryMs: number;
  /** How long a writer waits for the storage's answer before writing again. */
  readonly writeRetryMs: number;
}

export type X = Step<LeaseLockMessage, LockOutput, LeaseLockState, LeaseLockConfig>;

export function leaseLockConfig(n: number, opts: LeaseLockOptions): LeaseLockConfig {
  const clients = Math.max(0, n - 2);
  return {
    opts,
    clients,
    budgetMs: leaseBudgetMs(opts.ttlMs, {
      maxDriftPpm: LOCK_MAX_DRIFT_PPM,
      maxPauseMs: opts.maxPauseMs,
      maxLatencyMs: LOCK_WORST_LATENCY_MS,
    }),
    acquireRetryMs: clients * opts.ttlMs + 4 * LOCK_WORST_LATENCY_MS,
    writeRetryMs: 2 * LOCK_WORST_LATENCY_MS + 10,
  };
}
