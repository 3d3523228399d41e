// The checks of txn/2pc: the family's (../shared/checks.ts) — atomicity, commit only with
// every Yes, and every transaction decided at every cohort once faults heal.

import type { Invariant, Liveness, RunContext } from '../../../core/algorithm.js';
import { everyTxnDecided, txnInvariants } from '../shared/checks.js';
import type { TxnOutput } from '../shared/outputs.js';
import { type TwoPcOptions, twoPcConfig } from './options.js';
import { COORDINATOR, type TwoPcState } from './state.js';

export function twoPcInvariants(ctx: RunContext<TwoPcOptions>): Invariant<TwoPcState, TxnOutput>[] {
  return txnInvariants(twoPcConfig(ctx.nodes.length, ctx.options).cohorts);
}

export function twoPcLiveness(ctx: RunContext<TwoPcOptions>): Liveness<TwoPcState, TxnOutput>[] {
  const { cohorts } = twoPcConfig(ctx.nodes.length, ctx.options);
  return [everyTxnDecided(COORDINATOR, cohorts, ctx.options.transactions)];
}
