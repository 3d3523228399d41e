// Options of locks/redlock and the fixed per-run config its handlers read.

import type { OptionSpecs, OptionsOf } from '../../../core/algorithm.js';
import type { Step } from '../../../core/kernel.js';
import { nodeIds } from '../../../core/process.js';
import { LOCK_MAX_DRIFT_PPM, leaseBudgetMs } from '../timing.js';
import { type LockOutput, lockOptionSpecs } from '../workload.js';
import type { RedlockMessage } from './messages.js';
import type { RedlockState } from './state.js';

export const redlockOptionSpecs = {
  ...lockOptionSpecs,
  instances: {
    kind: 'int',
    default: 5,
    min: 1,
    max: 15,
    description: 'independent lock instances (nodes 1..N); clients are the nodes after them',
  },
  holdMs: {
    kind: 'int',
    default: 20,
    min: 1,
    max: 60_000,
    description: 'mean time a client holds the lock',
  },
  acquireTimeoutMs: {
    kind: 'int',
    default: 100,
    min: 1,
    max: 60_000,
    description: 'how long an attempt waits for a majority before releasing everywhere',
  },
} as const satisfies OptionSpecs;

export type RedlockOptions = OptionsOf<typeof redlockOptionSpecs>;

/** Fixed for a run. */
export interface RedlockConfig {
  readonly opts: RedlockOptions;
  /** The lock instances, 1..N (never every node: at least one client). */
  readonly instances: readonly number[];
  readonly majority: number;
  /**
   * Local ms after an attempt began within which a holder must be out: Redlock's validity
   * time (TTL − elapsed − drift), here with the pause and latency bounds too (../timing.ts).
   */
  readonly budgetMs: number;
}

export type X = Step<RedlockMessage, LockOutput, RedlockState, RedlockConfig>;

export function redlockConfig(n: number, opts: RedlockOptions): RedlockConfig {
  const instances = nodeIds(Math.min(opts.instances, Math.max(1, n - 1)));
  return {
    opts,
    instances,
    majority: Math.floor(instances.length / 2) + 1,
    budgetMs: leaseBudgetMs(opts.ttlMs, {
      maxDriftPpm: LOCK_MAX_DRIFT_PPM,
      maxPauseMs: opts.maxPauseMs,
      maxLatencyMs: 0,
    }),
  };
}
