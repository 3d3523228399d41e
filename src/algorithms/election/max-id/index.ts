// election/max-id — the notes' simplest election [004]: broadcast your id, drop out on a
// larger one, decide after one round. n(n−1) messages. One-shot by design: its declared
// fault model admits no crash, loss, partition or pause (see invariants.ts).

import { defineAlgorithm } from '../../../core/algorithm.js';
import { type ElectionOutput, electionMetrics } from '../workload.js';
import { maxIdFaultModel, maxIdInvariants, maxIdLiveness } from './invariants.js';
import { createMaxId } from './max-id.js';
import { type MaxIdMessage, parseMaxIdMessage } from './messages.js';
import { type MaxIdOptions, maxIdConfig, maxIdOptionSpecs } from './options.js';
import { maxIdScenarios } from './scenarios.js';
import type { MaxIdState } from './state.js';

export const maxId = defineAlgorithm<MaxIdMessage, ElectionOutput, MaxIdState, MaxIdOptions>({
  name: 'election/max-id',
  family: 'election',
  summary: 'The simplest election: broadcast your id, drop out on a larger one (n(n−1) messages)',
  seed: '004',
  nodes: { default: 5, min: 1, max: 256 },
  durationMs: 2_000,
  livenessDeadlineMs: 1_000,
  options: maxIdOptionSpecs,
  create: (id, ctx) => createMaxId(maxIdConfig(ctx.options), id),
  parseMessage: (raw, ctx) => parseMaxIdMessage(raw, ctx.nodes.length),
  invariants: maxIdInvariants,
  liveness: maxIdLiveness,
  metrics: (view) => electionMetrics(view),
  messageCount: {
    formula: 'n(n−1): every node broadcasts its id once',
    compare: (view, ctx) => ({
      expected: ctx.nodes.length * (ctx.nodes.length - 1),
      measured: view.stats.sent,
    }),
  },
  faultModel: () => maxIdFaultModel,
  scenarios: maxIdScenarios,
});
