// Options of txn/3pc and the fixed per-run config its handlers read: one timeout, from which
// both sides' waits follow (the notes' "timeouts on both sides" [001 §2.3.2]).

import type { OptionSpecs, OptionsOf } from '../../../core/algorithm.js';
import type { Step } from '../../../core/kernel.js';
import type { NodeId } from '../../../core/process.js';
import type { TxnOutput } from '../shared/outputs.js';
import { cohortIds, txnWorkloadOptionSpecs } from '../shared/workload.js';
import type { ThreePcMessage } from './messages.js';
import type { ThreePcState } from './state.js';

export const threePcOptionSpecs = {
  ...txnWorkloadOptionSpecs,
  timeoutMs: {
    kind: 'int',
    default: 100,
    min: 1,
    max: 600_000,
    description:
      'the coordinator aborts when votes or PreCommit acks are this late; a cohort waits 2× ' +
      'for PreCommit (then aborts) and 3× for the decision once precommitted (then commits)',
  },
  retryMs: {
    kind: 'int',
    default: 100,
    min: 1,
    max: 600_000,
    description: 'period of the timeout checks, and of resending unacknowledged decisions',
  },
} as const satisfies OptionSpecs;

export type ThreePcOptions = OptionsOf<typeof threePcOptionSpecs>;

export interface ThreePcConfig {
  readonly opts: ThreePcOptions;
  /** Nodes 2..n. */
  readonly cohorts: readonly NodeId[];
  /** A cohort that voted Yes aborts when PreCommit is this late. */
  readonly waitPreCommitMs: number;
  /** A precommitted cohort commits when the decision is this late. */
  readonly waitDecisionMs: number;
}

export type X = Step<ThreePcMessage, TxnOutput, ThreePcState, ThreePcConfig>;

export function threePcConfig(n: number, opts: ThreePcOptions): ThreePcConfig {
  return {
    opts,
    cohorts: cohortIds(n),
    waitPreCommitMs: 2 * opts.timeoutMs,
    waitDecisionMs: 3 * opts.timeoutMs,
  };
}
