// chain/pow — proof of work as Bitcoin does it [001 §2.3.1, 003, 004; SPEC §3]; the process
// is pow.ts. Registry entry: options, validity / fork-choice / finality checks, metrics, the
// flooding message count and the scenarios (51 % attacker, forger, partition fork).
//
// Hashing is REAL (every nonce is double-SHA-256'd) at a low difficulty, and hash rate is
// virtual: node i tries hashrates[i] nonces per 20 ms of simulated time.

import { defineAlgorithm } from '../../../core/algorithm.js';
import { floodedBlockCount } from '../shared/chain-checks.js';
import { commonPrefix, powInvariants } from './invariants.js';
import { type PowMessage, parsePowMessage } from './messages.js';
import { powMetrics } from './metrics.js';
import { type PowOptions, powConfig, powOptionSpecs } from './options.js';
import { createPow } from './pow.js';
import { powScenarios } from './scenarios.js';
import type { PowOutput, PowState } from './state.js';

export type { PowMessage } from './messages.js';
export type { PowOutput, PowState } from './state.js';

export const pow = defineAlgorithm<PowMessage, PowOutput, PowState, PowOptions>({
  name: 'chain/pow',
  family: 'chain',
  summary: 'Proof of work: Bitcoin headers and retargeting, real SHA-256d, most-work chain',
  seed: '003; 004',
  nodes: { default: 5, min: 1, max: 32 },
  durationMs: 4_000,
  livenessDeadlineMs: 2_000,
  options: powOptionSpecs,
  create: (id, ctx) => createPow(powConfig(ctx.options), id),
  parseMessage: (raw) => parsePowMessage(raw),
  invariants: (ctx) => powInvariants(ctx.options, powConfig(ctx.options).genesis),
  liveness: (ctx) => [commonPrefix(ctx.options)],
  metrics: (view, ctx) => powMetrics(view, ctx.options),
  messageCount: {
    formula:
      '(n−1)² Block messages per mined block (the miner sends n−1, every other node ' +
      'forwards once to n−2); GetBlock/BlockResponse only when a block outruns its parent',
    compare: floodedBlockCount('mined'),
  },
  scenarios: powScenarios,
});
