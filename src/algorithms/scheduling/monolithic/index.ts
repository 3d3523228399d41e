// scheduling/monolithic — Borg-style monolithic scheduling [001 §3–§4; Verma et al., EuroSys
// 2015]; the process is monolithic.ts. Registry entry: the shared job stream and cluster,
// preemption, the shared checks and metrics, and the head-of-line blocking scenario.

import { defineAlgorithm } from '../../../core/algorithm.js';
import { clusterConfig } from '../shared/config.js';
import { schedulingFaultModel } from '../shared/lease.js';
import { schedulingMetrics } from '../shared/metrics.js';
import type { SchedulingOutput } from '../shared/outputs.js';
import { monolithicInvariants, monolithicLiveness } from './invariants.js';
import { type MonolithicMessage, parseMonolithicMessage } from './messages.js';
import { createMonolithic } from './monolithic.js';
import { type MonolithicOptions, monolithicOptionSpecs } from './options.js';
import { monolithicScenarios } from './scenarios.js';
import type { MonolithicState } from './state.js';

export const monolithic = defineAlgorithm<
  MonolithicMessage,
  SchedulingOutput,
  MonolithicState,
  MonolithicOptions
>({
  name: 'scheduling/monolithic',
  family: 'scheduling',
  summary: 'Borg-style monolithic scheduler: one queue, filter feasible machines, score, pick',
  seed: '001 §3–§4 (monolithic scheduling)',
  nodes: { default: 9, min: 2, max: 257 },
  durationMs: 30_000,
  livenessDeadlineMs: 20_000,
  options: monolithicOptionSpecs,
  create: (id, ctx) =>
    createMonolithic({ opts: ctx.options, cluster: clusterConfig(ctx, 1, 1) }, id),
  parseMessage: parseMonolithicMessage,
  invariants: monolithicInvariants,
  liveness: monolithicLiveness,
  metrics: (view, ctx) => schedulingMetrics(view, ctx.nodes.length - 1, ctx.options),
  nodesFor: (o) => 1 + o.machines,
  faultModel: schedulingFaultModel,
  scenarios: monolithicScenarios,
});
