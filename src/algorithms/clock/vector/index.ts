// clock/vector — vector clocks on the family's seeded message workload [000 (logical
// clocks); Fidge 1988, Mattern 1989]. The invariant checks that they characterise
// causality exactly: a → b ⇔ V(a) < V(b), against the simulator's true happens-before.

import { defineAlgorithm } from '../../../core/algorithm.js';
import type { VectorClock } from '../../../core/clocks/vector.js';
import type { ClockEvent } from '../workload.js';
import { vectorInvariants, vectorLiveness, vectorMetrics } from './invariants.js';
import { parseVectorMessage, type VectorMessage } from './messages.js';
import { type VectorOptions, vectorConfig, vectorOptionSpecs } from './options.js';
import { vectorScenarios } from './scenarios.js';
import type { VectorState } from './state.js';
import { createVector } from './vector.js';

export const vector = defineAlgorithm<
  VectorMessage,
  ClockEvent<VectorClock>,
  VectorState,
  VectorOptions
>({
  name: 'clock/vector',
  family: 'clock',
  summary: 'Vector clocks: a → b if and only if V(a) < V(b)',
  seed: '000 (logical clocks); Fidge 1988, Mattern 1989',
  nodes: { default: 5, min: 1, max: 64 },
  durationMs: 5_000,
  livenessDeadlineMs: 5_000,
  options: vectorOptionSpecs,
  causality: true,
  create: (id, ctx) => createVector(vectorConfig(ctx.nodes, ctx.options), id),
  parseMessage: (raw, ctx) => parseVectorMessage(raw, ctx.nodes.length),
  invariants: vectorInvariants,
  liveness: vectorLiveness,
  metrics: vectorMetrics,
  messageCount: {
    formula: 'one Stamp (n integers) per send event',
    compare: (view) => ({
      expected: view.outputs.filter((o) => o.output.kind === 'send').length,
      measured: view.stats.sent,
    }),
  },
  scenarios: vectorScenarios,
});
