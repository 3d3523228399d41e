// Options of locks/znode-queue and the fixed per-run config its handlers read.

import type { OptionSpecs, OptionsOf } from '../../../core/algorithm.js';
import type { Step } from '../../../core/kernel.js';
import { LOCK_MAX_DRIFT_PPM, leaseBudgetMs } from '../timing.js';
import type { LockOutput } from '../workload.js';
import { lockOptionSpecs } from '../workload.js';
import type { ZnodeQueueMessage } from './messages.js';
import type { ZnodeQueueState } from './state.js';

const { ttlMs: _ttl, ...common } = lockOptionSpecs;

export const znodeQueueOptionSpecs = {
  ...common,
  herd: {
    kind: 'bool',
    default: false,
    description: 'every waiter watches the lock holder instead of its predecessor (herd effect)',
  },
  holdMs: {
    kind: 'int',
    default: 10,
    min: 1,
    max: 60_000,
    description: 'mean time a client holds the lock',
  },
  sessionTimeoutMs: {
    kind: 'int',
    default: 1_000,
    min: 10,
    max: 600_000,
    description: 'a session without a ping for this long (coordinator clock) expires',
  },
  pingMs: {
    kind: 'int',
    default: 150,
    min: 1,
    max: 60_000,
    description: 'how often a client pings its session',
  },
} as const satisfies OptionSpecs;

export type ZnodeQueueOptions = OptionsOf<typeof znodeQueueOptionSpecs>;

export interface ZnodeQueueConfig {
  readonly opts: ZnodeQueueOptions;
  /**
   * Local ms after a ping left during which its session surely lives at the coordinator,
   * allowing for drift and one pause before the client notices (../timing.ts).
   */
  readonly sessionBudgetMs: number;
  /** How long a request waits for its reply, or a watcher for its event, before asking again. */
  readonly retryMs: number;
}

export type X = Step<ZnodeQueueMessage, LockOutput, ZnodeQueueState, ZnodeQueueConfig>;

export function znodeQueueConfig(n: number, opts: ZnodeQueueOptions): ZnodeQueueConfig {
  return {
    opts,
    sessionBudgetMs: leaseBudgetMs(opts.sessionTimeoutMs, {
      maxDriftPpm: LOCK_MAX_DRIFT_PPM,
      maxPauseMs: opts.maxPauseMs,
      maxLatencyMs: 0,
    }),
    // Longer than any fault-free wait: every other client holding once, each hand-off
    // three latencies (Notify, Check, CheckReply) of up to 10 ms.
    retryMs: n * (2 * opts.holdMs + 60) + 200,
  };
}
