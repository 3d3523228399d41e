// Options of scheduling/two-level and the fixed per-run config its handlers read.

import type { OptionSpecs, OptionsOf } from '../../../core/algorithm.js';
import type { Step } from '../../../core/kernel.js';
import type { NodeId } from '../../../core/process.js';
import type { ClusterConfig } from '../shared/config.js';
import type { SchedulingOutput } from '../shared/outputs.js';
import { schedulingWorkloadOptionSpecs } from '../shared/workload.js';
import type { TwoLevelMessage } from './messages.js';
import type { TwoLevelState } from './state.js';

export const twoLevelOptionSpecs = {
  ...schedulingWorkloadOptionSpecs,
  frameworks: {
    kind: 'int',
    default: 3,
    min: 1,
    max: 32,
    description: 'framework schedulers (1 runs the service jobs, the rest share batch jobs)',
  },
  hoard: {
    kind: 'bool',
    default: false,
    description: 'the service framework keeps offers it cannot use yet, hoping to add to them',
  },
  offerTimeoutMs: {
    kind: 'int',
    default: 1_000,
    min: 10,
    max: 600_000,
    description: 'the master rescinds an offer held longer than this',
  },
  refuseMs: {
    kind: 'int',
    default: 500,
    min: 0,
    max: 600_000,
    description:
      "a machine a framework declined is not offered to it again for this long (Mesos' refuse_seconds)",
  },
} as const satisfies OptionSpecs;

export type TwoLevelOptions = OptionsOf<typeof twoLevelOptionSpecs>;

export interface TwoLevelConfig {
  readonly opts: TwoLevelOptions;
  readonly cluster: ClusterConfig;
  /** Nodes 2..frameworks+1. */
  readonly frameworks: readonly NodeId[];
}

export type X = Step<TwoLevelMessage, SchedulingOutput, TwoLevelState, TwoLevelConfig>;

/** How often the master rescinds stale offers and re-runs allocation. */
export const TICK_MS = 50;
