// Options of txn/2pc and the fixed per-run config its handlers read.

import type { OptionSpecs, OptionsOf } from '../../../core/algorithm.js';
import type { Step } from '../../../core/kernel.js';
import type { NodeId } from '../../../core/process.js';
import type { TxnOutput } from '../shared/outputs.js';
import { cohortIds, txnWorkloadOptionSpecs } from '../shared/workload.js';
import type { TwoPcMessage } from './messages.js';
import type { TwoPcState } from './state.js';

export const twoPcOptionSpecs = {
  ...txnWorkloadOptionSpecs,
  voteTimeoutMs: {
    kind: 'int',
    default: 100,
    min: 1,
    max: 600_000,
    description: 'the coordinator aborts a transaction whose votes have not all come by then',
  },
  retryMs: {
    kind: 'int',
    default: 100,
    min: 1,
    max: 600_000,
    description: 'resend period: the decision to unacknowledged cohorts, an in-doubt question',
  },
  cooperativeTermination: {
    kind: 'bool',
    default: false,
    description: 'an in-doubt cohort also asks the other cohorts (one that has not voted aborts)',
  },
} as const satisfies OptionSpecs;

export type TwoPcOptions = OptionsOf<typeof twoPcOptionSpecs>;

export interface TwoPcConfig {
  readonly opts: TwoPcOptions;
  /** Nodes 2..n. */
  readonly cohorts: readonly NodeId[];
  /**
   * How long a prepared cohort waits for the decision before asking: longer than any
   * fault-free wait (the coordinator decides by its vote timeout), so a fault-free run asks
   * nothing and costs exactly 4N messages per transaction.
   */
  readonly inDoubtMs: number;
}

export type X = Step<TwoPcMessage, TxnOutput, TwoPcState, TwoPcConfig>;

export function twoPcConfig(n: number, opts: TwoPcOptions): TwoPcConfig {
  return {
    opts,
    cohorts: cohortIds(n),
    inDoubtMs: opts.voteTimeoutMs + opts.retryMs,
  };
}
