// Options of detect/heartbeat and the fixed per-run config its handlers read. The φ
// detector's parameters are Akka's (reliability/detect/phi-accrual.ts explains each), scaled
// to the simulator's 100 ms heartbeats and 1–10 ms default latency.

import type { OptionSpecs, OptionsOf } from '../../../core/algorithm.js';
import {
  MAX_PHI_THRESHOLD,
  type PhiDetector,
  phiDetector,
} from '../../../reliability/detect/index.js';

export const heartbeatOptionSpecs = {
  intervalMs: {
    kind: 'int',
    default: 100,
    min: 5,
    max: 10_000,
    description: 'every node sends a Heartbeat to every other node this often',
  },
  detector: {
    kind: 'choice',
    default: 'phi',
    choices: ['fixed', 'phi'],
    description: 'fixed: suspect after --timeout-ms of silence; phi: the φ accrual detector',
  },
  timeoutMs: {
    kind: 'int',
    default: 300,
    min: 1,
    max: 600_000,
    description: 'fixed detector: silence after which a peer is suspected',
  },
  phiThreshold: {
    kind: 'int',
    default: 8,
    min: 1,
    max: MAX_PHI_THRESHOLD,
    description: 'phi detector: suspect when φ reaches this (1: 10% chance of a mistake, 8: 10⁻⁸)',
  },
  minStdDeviationMs: {
    kind: 'int',
    default: 25,
    min: 1,
    max: 600_000,
    description: "phi detector: floor under the inter-arrival times' standard deviation",
  },
  acceptablePauseMs: {
    kind: 'int',
    default: 0,
    min: 0,
    max: 600_000,
    description: 'phi detector: silence added to the mean before φ rises (lost beats, GC)',
  },
  windowSize: {
    kind: 'int',
    default: 100,
    min: 1,
    max: 10_000,
    description: 'phi detector: inter-arrival times kept per peer (a sliding window)',
  },
} as const satisfies OptionSpecs;

export type HeartbeatOptions = OptionsOf<typeof heartbeatOptionSpecs>;

export type DetectorConfig =
  | { readonly kind: 'fixed'; readonly timeoutMs: number }
  | { readonly kind: 'phi'; readonly phi: PhiDetector };

/** Fixed for a run: what the handlers need of the options. */
export interface HeartbeatConfig {
  readonly intervalMs: number;
  readonly detector: DetectorConfig;
}

export function heartbeatConfig(opts: HeartbeatOptions): HeartbeatConfig {
  const detector: DetectorConfig =
    opts.detector === 'fixed'
      ? { kind: 'fixed', timeoutMs: opts.timeoutMs }
      : {
          kind: 'phi',
          phi: phiDetector({
            threshold: opts.phiThreshold,
            maxSampleSize: opts.windowSize,
            minStdDeviationMs: opts.minStdDeviationMs,
            acceptableHeartbeatPauseMs: opts.acceptablePauseMs,
            firstHeartbeatEstimateMs: opts.intervalMs,
          }),
        };
  return { intervalMs: opts.intervalMs, detector };
}
