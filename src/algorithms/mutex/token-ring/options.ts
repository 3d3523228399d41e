// Options of mutex/token-ring (typed from their spec: core/algorithm.ts OptionsOf), the
// timing they imply and the per-run config the handlers read. Timeouts only decide how fast
// faults are noticed; safety rests on the lease rule alone (lease.ts), whose assumptions are `maxPauseMs` and a
// drift of at most ±5% (the simulator's largest). The latency assumed for a hop (10 ms, the
// simulator's default range) only tunes timeouts.

import type { OptionSpecs, OptionsOf } from '../../../core/algorithm.js';
import { mutexOptionSpecs } from '../workload.js';
import { type LeaseModel, leaseFor } from './lease.js';

export const tokenRingOptionSpecs = {
  ...mutexOptionSpecs,
  passDelayMs: {
    kind: 'int',
    default: 5,
    min: 0,
    max: 10_000,
    description: 'how long an idle holder keeps the token before passing it on (ms)',
  },
  maxPauseMs: {
    kind: 'int',
    default: 200,
    min: 0,
    max: 60_000,
    description: 'the longest process pause the lease assumes (the fault model, ms)',
  },
} as const satisfies OptionSpecs;

export type TokenRingOptions = OptionsOf<typeof tokenRingOptionSpecs>;

/** The clock drift the lease assumes: ±5%, the simulator's fuzzing range. */
export const MAX_DRIFT_PPM = 50_000;
/** The latency a hop is assumed to take (the simulator's default is 1..10 ms). */
const HOP_LATENCY_MS = 10;
/** A hand-off is re-sent this many times before the holder repairs the ring. */
export const HANDOFF_ATTEMPTS = 5;

export interface Timing {
  readonly model: LeaseModel;
  /** The longest critical section (a hold is drawn from 1..2·holdMs−1). */
  readonly holdMaxMs: number;
  /** A fault-free bound on a full lap at full load. */
  readonly lapMs: number;
  /** W: see lease.ts. */
  readonly leaseMs: number;
  /** No sight of the token for this long (plus jitter) and a node suspects it is lost. */
  readonly lostMs: number;
  /** A node that saw the token this recently answers a Probe with "alive". */
  readonly aliveMs: number;
  readonly handoffRetryMs: number;
  readonly regenRetryMs: number;
}

export function timing(n: number, opts: TokenRingOptions): Timing {
  const model = { maxPauseMs: opts.maxPauseMs, maxDriftPpm: MAX_DRIFT_PPM };
  const holdMaxMs = 2 * opts.holdMs - 1;
  const lapMs = n * (holdMaxMs + opts.passDelayMs + 2 * HOP_LATENCY_MS);
  // Slack of half again, so a fault-free lap never runs out of lease.
  const leaseMs = leaseFor(1.5 * (lapMs + holdMaxMs), model);
  return {
    model,
    holdMaxMs,
    lapMs,
    leaseMs,
    // Longer than a lease, so the promisers of a regeneration after a crash owe no wait.
    lostMs: leaseMs + lapMs,
    aliveMs: leaseMs,
    handoffRetryMs: 4 * HOP_LATENCY_MS + 10,
    regenRetryMs: 10 * HOP_LATENCY_MS,
  };
}

/** The next generation `id` may propose above `promised`: generations are unique per node. */
export function nextGeneration(promised: number, id: number, n: number): number {
  return (Math.floor(promised / n) + 1) * n + (id - 1);
}

/** Fixed per run: the options, their timing and the cluster size. */
export interface TokenRingConfig {
  readonly opts: TokenRingOptions;
  readonly t: Timing;
  readonly n: number;
}

export function tokenRingConfig(n: number, opts: TokenRingOptions): TokenRingConfig {
  return { opts, t: timing(n, opts), n };
}
