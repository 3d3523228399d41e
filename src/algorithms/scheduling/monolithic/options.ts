// Options of scheduling/monolithic and the fixed per-run config its handlers read.

import type { OptionSpecs, OptionsOf } from '../../../core/algorithm.js';
import type { Step } from '../../../core/kernel.js';
import type { ClusterConfig } from '../shared/config.js';
import type { SchedulingOutput } from '../shared/outputs.js';
import { schedulingWorkloadOptionSpecs } from '../shared/workload.js';
import type { MonolithicMessage } from './messages.js';
import type { MonolithicState } from './state.js';

export const monolithicOptionSpecs = {
  ...schedulingWorkloadOptionSpecs,
  preemption: {
    kind: 'bool',
    default: true,
    description: 'a task that fits nowhere may evict lower-priority tasks (Borg §2.5)',
  },
} as const satisfies OptionSpecs;

export type MonolithicOptions = OptionsOf<typeof monolithicOptionSpecs>;

export interface MonolithicConfig {
  readonly opts: MonolithicOptions;
  readonly cluster: ClusterConfig;
}

export type X = Step<MonolithicMessage, SchedulingOutput, MonolithicState, MonolithicConfig>;
