// What the simulated schedulers report, read by the shared checks and metrics (checks.ts,
// metrics.ts). Machines report each task's start and end (a crash ends a machine's tasks
// silently: the lifecycle records say when); owners report each job's arrival;
// the shared-state schedulers report conflicts and the two-level master its offers.

import type { NodeId } from '../../../core/process.js';
import type { JobKind, TaskSpec } from './workload.js';

export type SchedulingOutput =
  | {
      readonly type: 'arrive';
      readonly job: number;
      readonly kind: JobKind;
      readonly tasks: number;
    }
  | ({ readonly type: 'start'; readonly machine: NodeId } & TaskSpec)
  | ({
      readonly type: 'end';
      readonly machine: NodeId;
      /** Stopped before its time: preempted, or killed when its lease lapsed (`lost`). */
      readonly preempted: boolean;
      /** Killed because the machine's lease with its launcher lapsed (lease.ts). */
      readonly lost: boolean;
    } & TaskSpec)
  | { readonly type: 'conflict'; readonly job: number; readonly index: number }
  | { readonly type: 'offer'; readonly framework: number; readonly machines: number }
  | { readonly type: 'decline'; readonly framework: number; readonly machines: number }
  | { readonly type: 'rescind'; readonly framework: number };
