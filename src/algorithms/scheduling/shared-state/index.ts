// scheduling/shared-state — Omega-style shared-state scheduling [001 §3–§4; Schwarzkopf et
// al., EuroSys 2013]; the process is shared-state.ts. Registry entry: the shared job stream
// and cluster, the number of schedulers and the conflict detection, the shared checks and
// metrics plus conflicts, and the contention scenarios.

import { defineAlgorithm, type Metrics } from '../../../core/algorithm.js';
import { clusterConfig } from '../shared/config.js';
import { schedulingFaultModel } from '../shared/lease.js';
import { schedulingMetrics } from '../shared/metrics.js';
import type { SchedulingOutput } from '../shared/outputs.js';
import { sharedStateInvariants, sharedStateLiveness } from './invariants.js';
import { parseSharedStateMessage, type SharedStateMessage } from './messages.js';
import { type SharedStateOptions, sharedStateOptionSpecs } from './options.js';
import { sharedStateScenarios } from './scenarios.js';
import { createSharedState } from './shared-state.js';
import type { SharedStateState } from './state.js';

export const sharedState = defineAlgorithm<
  SharedStateMessage,
  SchedulingOutput,
  SharedStateState,
  SharedStateOptions
>({
  name: 'scheduling/shared-state',
  family: 'scheduling',
  summary: 'Omega-style shared state: schedulers commit optimistically, machines detect conflicts',
  seed: '001 §3–§4 (shared-state scheduling)',
  nodes: { default: 10, min: 2, max: 288 },
  durationMs: 30_000,
  livenessDeadlineMs: 20_000,
  options: sharedStateOptionSpecs,
  create: (id, ctx) => {
    const schedulers = ctx.nodes.filter((n) => n <= ctx.options.schedulers);
    const cluster = clusterConfig(ctx, schedulers.length, schedulers.length);
    return createSharedState({ opts: ctx.options, cluster, schedulers }, id);
  },
  parseMessage: parseSharedStateMessage,
  invariants: sharedStateInvariants,
  liveness: sharedStateLiveness,
  metrics: (view, ctx): Metrics => {
    const machines = ctx.nodes.length - Math.min(ctx.options.schedulers, ctx.nodes.length);
    const base = schedulingMetrics(view, machines, ctx.options);
    const conflicts = view.outputs.filter((r) => r.output.type === 'conflict').length;
    const claims = conflicts + (base.tasksStarted as number);
    return {
      ...base,
      conflicts,
      retries: conflicts,
      conflictFraction: claims === 0 ? 0 : Math.round((1000 * conflicts) / claims) / 1000,
    };
  },
  nodesFor: (o) => o.schedulers + o.machines,
  faultModel: schedulingFaultModel,
  scenarios: sharedStateScenarios,
});
