// Options of mutex/ricart-agrawala and the fixed per-run config its handlers read. The
// option types come from the spec itself (core/algorithm.ts OptionsOf), never a second
// interface.

import type { OptionSpecs, OptionsOf } from '../../../core/algorithm.js';
import {
  type DetectorTiming,
  detectorTiming,
  PERFECT_DETECTOR_WORST_LATENCY_MS,
} from '../failure-detector.js';
import { mutexOptionSpecs } from '../workload.js';

export const ricartAgrawalaOptionSpecs = {
  ...mutexOptionSpecs,
  variant: {
    kind: 'choice',
    default: 'classic',
    choices: ['classic', 'fd'],
    description: 'fd: a heartbeat failure detector stops waiting for crashed peers',
  },
  heartbeatMs: {
    kind: 'int',
    default: 50,
    min: 1,
    max: 60_000,
    description: 'heartbeat period of the failure detector (variant fd)',
  },
  replicate: {
    kind: 'bool',
    default: false,
    description: 'the HDFS example: the holder edits a replicated file and ships it',
  },
} as const satisfies OptionSpecs;

export type RicartAgrawalaOptions = OptionsOf<typeof ricartAgrawalaOptionSpecs>;

/** Fixed per run: the options and the failure detector's timing. */
export interface RicartAgrawalaConfig {
  readonly opts: RicartAgrawalaOptions;
  readonly timing: DetectorTiming;
}

export function ricartAgrawalaConfig(opts: RicartAgrawalaOptions): RicartAgrawalaConfig {
  return { opts, timing: detectorTiming(opts.heartbeatMs, PERFECT_DETECTOR_WORST_LATENCY_MS) };
}
