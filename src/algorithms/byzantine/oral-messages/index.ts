// byzantine/oral-messages — OM(m), Lamport, Shostak and Pease, "The Byzantine Generals
// Problem" (TOPLAS 1982) §3 [001 §2.3, 004]; the process is oral-messages.ts. Registry
// entry: the generals' options, interactive consistency, the premise metric, the message
// count and the paper's figures as scenarios.

import { defineAlgorithm } from '../../../core/algorithm.js';
import { type DecideOutput, generalsMetrics, synchronousModel } from '../generals.js';
import { omPremise, oralMessagesInvariants, oralMessagesLiveness } from './invariants.js';
import { type OrderMessage, parseOralMessage } from './messages.js';
import {
  type OralMessagesOptions,
  oralMessagesConfig,
  oralMessagesOptionSpecs,
} from './options.js';
import { createOralMessages } from './oral-messages.js';
import { omMessageCount } from './paths.js';
import { oralMessagesScenarios } from './scenarios.js';
import type { OralMessagesState } from './state.js';

export type { OrderMessage } from './messages.js';
export type { OralMessagesState } from './state.js';

export const oralMessages = defineAlgorithm<
  OrderMessage,
  DecideOutput,
  OralMessagesState,
  OralMessagesOptions
>({
  name: 'byzantine/oral-messages',
  family: 'byzantine',
  summary: 'OM(m): recursive relay with majority (RETREAT default); agreement iff n > 3m',
  seed: '001 §2.3; 004',
  nodes: { default: 4, min: 2, max: 16 },
  durationMs: 1_000,
  livenessDeadlineMs: 1_000,
  options: oralMessagesOptionSpecs,
  create: (id, ctx) => createOralMessages(oralMessagesConfig(ctx.options, ctx.nodes), id),
  parseMessage: (raw, ctx) => parseOralMessage(raw, ctx.nodes.length),
  invariants: (ctx) => oralMessagesInvariants(ctx.nodes, ctx.options),
  liveness: (ctx) => oralMessagesLiveness(ctx.nodes, ctx.options),
  metrics: (view, ctx) => ({
    ...generalsMetrics(view, ctx.nodes, ctx.options),
    premise: omPremise(ctx.nodes, ctx.options),
    expectedMessages: omMessageCount(ctx.nodes.length, ctx.options.m),
  }),
  messageCount: {
    formula: 'Σ_{k=0..m} (n−1)(n−2)…(n−1−k) (fewer when a traitor stays silent)',
    compare: (view, ctx) => ({
      expected: omMessageCount(ctx.nodes.length, ctx.options.m),
      measured: view.stats.sent,
    }),
  },
  faultModel: (opts) => synchronousModel(opts),
  scenarios: oralMessagesScenarios,
});
