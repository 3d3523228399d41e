// Options of mutex/centralized and the fixed per-run config its handlers read. The option
// types come from the spec itself (core/algorithm.ts OptionsOf), never a second interface.

import type { OptionSpecs, OptionsOf } from '../../../core/algorithm.js';
import type { Step } from '../../../core/kernel.js';
import type { NodeId } from '../../../core/process.js';
import {
  type DetectorTiming,
  detectorTiming,
  PERFECT_DETECTOR_WORST_LATENCY_MS,
} from '../failure-detector.js';
import { type MutexOutput, mutexOptionSpecs } from '../workload.js';
import type { CentralizedMessage } from './messages.js';
import type { CentralizedState } from './state.js';

export const centralizedOptionSpecs = {
  ...mutexOptionSpecs,
  failover: {
    kind: 'bool',
    default: false,
    description: 'elect a new coordinator when it fails; it rebuilds the queue from clients',
  },
  heartbeatMs: {
    kind: 'int',
    default: 50,
    min: 1,
    max: 60_000,
    description: "the coordinator's heartbeat period (with --failover)",
  },
} as const satisfies OptionSpecs;

export type CentralizedOptions = OptionsOf<typeof centralizedOptionSpecs>;

/** What every handler receives (core/kernel.ts). */
export type X = Step<CentralizedMessage, MutexOutput, CentralizedState, CentralizedConfig>;

/**
 * Handles `m` from `from` in the current step, as if it had arrived: how a coordinator that
 * is also a client (with --failover) talks to itself (../local-delivery.ts). centralized.ts
 * supplies it.
 */
export type Receive = (x: X, from: NodeId, m: CentralizedMessage) => void;

/** Fixed for a run. */
export interface CentralizedConfig {
  readonly opts: CentralizedOptions;
  readonly timing: DetectorTiming;
  /** How long an election waits for answers, and a new coordinator for reports. */
  readonly electMs: number;
  readonly receive: Receive;
}

/** The config without the local dispatch, which the process adds (centralized.ts). */
export type CentralizedRunConfig = Omit<CentralizedConfig, 'receive'>;

export function centralizedConfig(opts: CentralizedOptions): CentralizedRunConfig {
  return {
    opts,
    timing: detectorTiming(opts.heartbeatMs, PERFECT_DETECTOR_WORST_LATENCY_MS),
    electMs: 2 * PERFECT_DETECTOR_WORST_LATENCY_MS + 20,
  };
}
