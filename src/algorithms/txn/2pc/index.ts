// txn/2pc — two-phase commit [001 §2.3.1; SPEC §4]: a coordinator and cohorts, CanCommit /
// Vote, DoCommit / DoAbort, HaveCommitted; the process is 2pc.ts. Registry entry: options,
// the family's checks and metrics, the 4N message count and the scenarios of the notes'
// weaknesses.

import { ALL_FAULT_KINDS, defineAlgorithm } from '../../../core/algorithm.js';
import { txnMetrics } from '../shared/metrics.js';
import type { TxnOutput } from '../shared/outputs.js';
import { createTwoPc } from './2pc.js';
import { twoPcInvariants, twoPcLiveness } from './invariants.js';
import { parseTwoPcMessage, type TwoPcMessage } from './messages.js';
import { type TwoPcOptions, twoPcConfig, twoPcOptionSpecs } from './options.js';
import { twoPcScenarios } from './scenarios.js';
import type { TwoPcState } from './state.js';

export const twoPc = defineAlgorithm<TwoPcMessage, TxnOutput, TwoPcState, TwoPcOptions>({
  name: 'txn/2pc',
  family: 'txn',
  summary:
    'Two-phase commit: coordinator and cohorts, CanCommit/Vote then DoCommit/DoAbort and ' +
    'HaveCommitted (4N messages per transaction); blocks while the coordinator is down',
  seed: '001 §2.3.1; SPEC §4',
  nodes: { default: 4, min: 2, max: 64 },
  durationMs: 3_000,
  livenessDeadlineMs: 4_000,
  options: twoPcOptionSpecs,
  create: (id, ctx) => createTwoPc(twoPcConfig(ctx.nodes.length, ctx.options), id),
  parseMessage: parseTwoPcMessage,
  invariants: twoPcInvariants,
  liveness: twoPcLiveness,
  metrics: (view, ctx) => txnMetrics(view, twoPcConfig(ctx.nodes.length, ctx.options).cohorts),
  messageCount: {
    formula: '4N per transaction (CanCommit, Vote, DoCommit/DoAbort, HaveCommitted; N cohorts)',
    compare: (view, ctx) => ({
      expected:
        4 * (ctx.nodes.length - 1) * view.outputs.filter((o) => o.output.type === 'begin').length,
      measured: view.stats.sent,
    }),
  },
  faultModel: () => ({
    tolerates: ALL_FAULT_KINDS,
    assumption:
      'none for safety (the prepared record and the decision are durable before the messages ' +
      'that rely on them); liveness needs the coordinator back',
  }),
  scenarios: twoPcScenarios,
});
