// byzantine/oral-messages — OM(m), Lamport, Shostak and Pease, "The Byzantine Generals
// Problem" (TOPLAS 1982) §3 [001 §2.3, 004]. A commander sends an order; each lieutenant
// relays what it received along every path of up to m+1 generals; each decides by nested
// majorities with RETREAT as the default. With oral messages this reaches interactive
// consistency iff n > 3m and at most m generals are traitors; 3 generals with 1 traitor
// cannot (scenario `three-generals`).
//
// Fault model: synchronous oral messages (see ../generals.ts); traitors are chosen by
// `--traitors` and follow `--strategy`.

import { defineAlgorithm } from '../../../core/algorithm.js';
import type { NodeId } from '../../../core/process.js';
import {
  type DecideOutput,
  everyLoyalDecides,
  type GeneralsOptions,
  generalsMetrics,
  generalsOptionSpecs,
  interactiveConsistency,
  synchronousModel,
} from '../generals.js';
import { type OrderMessage, parseOralMessage } from './messages.js';
import { createOralMessages, type OralMessagesState } from './oral-messages.js';
import { omMessageCount } from './paths.js';

export type { OrderMessage } from './messages.js';
export type { OralMessagesState } from './oral-messages.js';

/**
 * Whether OM(m) must reach interactive consistency here (paper Theorem 1): more than 3m
 * generals AND at most m of them traitors. (A traitor id repeated or outside the cluster
 * is no extra general.)
 */
export function omPremise(nodes: readonly NodeId[], opts: GeneralsOptions): boolean {
  const traitors = nodes.filter((id) => opts.traitors.includes(id)).length;
  return nodes.length > 3 * opts.m && traitors <= opts.m;
}

export const oralMessages = defineAlgorithm<
  OrderMessage,
  DecideOutput,
  OralMessagesState,
  GeneralsOptions
>({
  name: 'byzantine/oral-messages',
  family: 'byzantine',
  summary: 'OM(m): recursive relay with majority (RETREAT default); agreement iff n > 3m',
  seed: '001 §2.3; 004',
  nodes: { default: 4, min: 2, max: 16 },
  durationMs: 1_000,
  livenessDeadlineMs: 1_000,
  options: generalsOptionSpecs,
  create: (id, ctx) => createOralMessages(id, ctx.nodes, ctx.options),
  parseMessage: (raw, ctx) => parseOralMessage(raw, ctx.nodes.length),
  invariants: (ctx) => interactiveConsistency(ctx.nodes, ctx.options),
  liveness: (ctx) => [everyLoyalDecides(ctx.nodes, ctx.options)],
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
  scenarios: [
    {
      name: 'three-generals',
      description:
        'Paper Fig. 1: 3 generals, lieutenant 3 a traitor. Lieutenant 2 hears "attack" from ' +
        'the loyal commander and "he said retreat" from 3: no majority, so it retreats (IC2).',
      faults: '',
      nodes: 3,
      options: { m: 1, traitors: [3], strategy: 'invert' },
      expect: { safety: 'violated', liveness: 'hold' },
    },
    {
      name: 'four-generals-traitor-commander',
      description: 'Paper Fig. 4: OM(1) with a traitor commander lying to half: IC1 holds.',
      faults: '',
      nodes: 4,
      options: { m: 1, traitors: [1], strategy: 'lie-half' },
      expect: { safety: 'hold', liveness: 'hold' },
    },
    {
      name: 'four-generals-traitor-lieutenant',
      description: 'Paper Fig. 3: OM(1), lieutenant 3 inverts what it relays: IC1 and IC2 hold.',
      faults: '',
      nodes: 4,
      options: { m: 1, traitors: [3], strategy: 'invert' },
      expect: { safety: 'hold', liveness: 'hold' },
    },
    {
      name: 'seven-generals-two-traitors',
      description: 'OM(2) with 7 generals, the commander and lieutenant 3 lying at random.',
      faults: '',
      nodes: 7,
      options: { m: 2, traitors: [1, 3], strategy: 'random' },
      expect: { safety: 'hold', liveness: 'hold' },
    },
    {
      name: 'too-many-traitors',
      description: 'OM(1) with 4 generals but 2 traitors (more than m): lieutenant 4 is outvoted.',
      faults: '',
      nodes: 4,
      options: { m: 1, traitors: [2, 3], strategy: 'invert' },
      expect: { safety: 'violated', liveness: 'hold' },
    },
  ],
});
