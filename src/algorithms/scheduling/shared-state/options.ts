// Options of scheduling/shared-state and the fixed per-run config its handlers read.

import type { OptionSpecs, OptionsOf } from '../../../core/algorithm.js';
import type { Step } from '../../../core/kernel.js';
import type { NodeId } from '../../../core/process.js';
import type { ClusterConfig } from '../shared/config.js';
import type { SchedulingOutput } from '../shared/outputs.js';
import { schedulingWorkloadOptionSpecs } from '../shared/workload.js';
import type { SharedStateMessage } from './messages.js';
import type { SharedStateState } from './state.js';

export const sharedStateOptionSpecs = {
  ...schedulingWorkloadOptionSpecs,
  schedulers: {
    kind: 'int',
    default: 2,
    min: 1,
    max: 32,
    description: 'schedulers sharing the cell (1 takes service jobs, the rest share batch jobs)',
  },
  conflicts: {
    kind: 'choice',
    default: 'fine',
    choices: ['fine', 'coarse'],
    description:
      'conflict detection: fine (refuse only what no longer fits) or coarse (refuse a ' +
      'commit to a machine that changed since the scheduler looked)',
  },
} as const satisfies OptionSpecs;

export type SharedStateOptions = OptionsOf<typeof sharedStateOptionSpecs>;

export interface SharedStateConfig {
  readonly opts: SharedStateOptions;
  readonly cluster: ClusterConfig;
  /** Nodes 1..schedulers: every machine publishes its usage to them. */
  readonly schedulers: readonly NodeId[];
}

export type X = Step<SharedStateMessage, SchedulingOutput, SharedStateState, SharedStateConfig>;
