// clock/lamport — Lamport's logical clock on the family's seeded message workload
// [000 (logical clocks behind Ricart–Agrawala); 004 (ZAB epochs)]. The invariant checks the
// clock condition a → b ⇒ C(a) < C(b) against the simulator's true happens-before.

import { defineAlgorithm } from '../../../core/algorithm.js';
import type { ClockEvent } from '../workload.js';
import { lamportInvariants, lamportLiveness, lamportMetrics } from './invariants.js';
import { createLamport } from './lamport.js';
import { type LamportMessage, parseLamportMessage } from './messages.js';
import { type LamportOptions, lamportConfig, lamportOptionSpecs } from './options.js';
import { lamportScenarios } from './scenarios.js';
import type { LamportState } from './state.js';

export const lamport = defineAlgorithm<
  LamportMessage,
  ClockEvent<number>,
  LamportState,
  LamportOptions
>({
  name: 'clock/lamport',
  family: 'clock',
  summary: 'Lamport logical clocks: a → b implies C(a) < C(b)',
  seed: '000 (logical clocks behind Ricart–Agrawala); 004 (ZAB epochs)',
  nodes: { default: 5, min: 1, max: 64 },
  durationMs: 5_000,
  livenessDeadlineMs: 5_000,
  options: lamportOptionSpecs,
  causality: true,
  create: (id, ctx) => createLamport(lamportConfig(ctx.nodes, ctx.options), id),
  parseMessage: parseLamportMessage,
  invariants: lamportInvariants,
  liveness: lamportLiveness,
  metrics: lamportMetrics,
  messageCount: {
    formula: 'one Stamp per send event',
    compare: (view) => ({
      expected: view.outputs.filter((o) => o.output.kind === 'send').length,
      measured: view.stats.sent,
    }),
  },
  scenarios: lamportScenarios,
});
