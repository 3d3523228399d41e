// scheduling/two-level — Mesos-style two-level scheduling with DRF between frameworks
// [001 §3–§4; Hindman et al., NSDI 2011]; the process is two-level.ts. Registry entry: the
// shared job stream and cluster, frameworks, hoarding, offer timeouts and decline filters,
// the shared checks and metrics plus offers, declines and rescinds, and the scenarios.

import { defineAlgorithm, type Metrics } from '../../../core/algorithm.js';
import { clusterConfig } from '../shared/config.js';
import { schedulingFaultModel } from '../shared/lease.js';
import { schedulingMetrics } from '../shared/metrics.js';
import type { SchedulingOutput } from '../shared/outputs.js';
import { twoLevelInvariants, twoLevelLiveness } from './invariants.js';
import { parseTwoLevelMessage, type TwoLevelMessage } from './messages.js';
import { type TwoLevelOptions, twoLevelOptionSpecs } from './options.js';
import { twoLevelScenarios } from './scenarios.js';
import type { TwoLevelState } from './state.js';
import { createTwoLevel } from './two-level.js';

export const twoLevel = defineAlgorithm<
  TwoLevelMessage,
  SchedulingOutput,
  TwoLevelState,
  TwoLevelOptions
>({
  name: 'scheduling/two-level',
  family: 'scheduling',
  summary: 'Mesos-style two-level: the master offers resources to frameworks in DRF order',
  seed: '001 §3–§4 (two-level scheduling; DRF)',
  nodes: { default: 12, min: 3, max: 289 },
  durationMs: 30_000,
  livenessDeadlineMs: 20_000,
  options: twoLevelOptionSpecs,
  create: (id, ctx) => {
    const frameworks = ctx.nodes.filter((n) => n >= 2 && n <= 1 + ctx.options.frameworks);
    const cluster = clusterConfig(ctx, 1 + frameworks.length, frameworks.length);
    return createTwoLevel({ opts: ctx.options, cluster, frameworks }, id);
  },
  parseMessage: parseTwoLevelMessage,
  invariants: twoLevelInvariants,
  liveness: twoLevelLiveness,
  metrics: (view, ctx): Metrics => {
    const control = Math.min(ctx.nodes.length, 1 + ctx.options.frameworks);
    const count = (type: SchedulingOutput['type']) =>
      view.outputs.filter((r) => r.output.type === type).length;
    return {
      ...schedulingMetrics(view, ctx.nodes.length - control, ctx.options),
      offers: count('offer'),
      declines: count('decline'),
      rescinds: count('rescind'),
    };
  },
  nodesFor: (o) => 1 + o.frameworks + o.machines,
  faultModel: schedulingFaultModel,
  scenarios: twoLevelScenarios,
});
