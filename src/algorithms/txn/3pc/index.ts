// txn/3pc — three-phase commit [001 §2.3.2; SPEC §4]: CanCommit → PreCommit → DoCommit with
// timeouts on both sides; the process is 3pc.ts. Registry entry: options, the family's checks
// and metrics, the message count (6N to commit, 4N to abort at the vote), the synchronous
// fault model its timeouts assume and the scenarios: no blocking on a coordinator crash,
// divergence under a partition.

import { defineAlgorithm } from '../../../core/algorithm.js';
import { txnMetrics } from '../shared/metrics.js';
import type { TxnOutput } from '../shared/outputs.js';
import { cohortIds } from '../shared/workload.js';
import { createThreePc } from './3pc.js';
import { threePcInvariants, threePcLiveness } from './invariants.js';
import { parseThreePcMessage, type ThreePcMessage } from './messages.js';
import { type ThreePcOptions, threePcConfig, threePcOptionSpecs } from './options.js';
import { threePcScenarios } from './scenarios.js';
import type { ThreePcState } from './state.js';

/** Longest message delay the timeouts assume (see the fault model in 3pc.ts). */
const MAX_DELAY_MS = 40;

const decided = (view: { outputs: readonly { output: TxnOutput }[] }, outcome: string) =>
  view.outputs.filter((o) => o.output.type === 'decide' && o.output.outcome === outcome).length;

export const threePc = defineAlgorithm<ThreePcMessage, TxnOutput, ThreePcState, ThreePcOptions>({
  name: 'txn/3pc',
  family: 'txn',
  summary:
    'Three-phase commit: CanCommit, PreCommit, DoCommit with timeouts on both sides; no ' +
    'blocking on a coordinator crash, divergence under a partition',
  seed: '001 §2.3.2; SPEC §4',
  nodes: { default: 4, min: 2, max: 64 },
  durationMs: 3_000,
  livenessDeadlineMs: 4_000,
  options: threePcOptionSpecs,
  create: (id, ctx) => createThreePc(threePcConfig(ctx.nodes.length, ctx.options), id),
  parseMessage: parseThreePcMessage,
  invariants: threePcInvariants,
  liveness: threePcLiveness,
  metrics: (view, ctx) => txnMetrics(view, cohortIds(ctx.nodes.length)),
  messageCount: {
    formula:
      '6N per committed transaction (CanCommit, Vote, PreCommit, Ack, DoCommit, ' +
      'HaveCommitted), 4N per one aborted at the vote (CanCommit, Vote, Abort, HaveCommitted)',
    compare: (view, ctx) => {
      const n = ctx.nodes.length - 1;
      return {
        expected: 6 * n * decided(view, 'commit') + 4 * n * decided(view, 'abort'),
        measured: view.stats.sent,
      };
    },
  },
  faultModel: (opts) => ({
    tolerates: ['delay', 'dup'],
    maxDelayMs: Math.min(MAX_DELAY_MS, Math.floor(opts.timeoutMs / 2.5)),
    assumption:
      'a synchronous network: no loss, no crash, pause or partition, delays within the ' +
      'timeouts — a cohort that times out decides on the coordinator’s behalf',
  }),
  scenarios: threePcScenarios,
});
