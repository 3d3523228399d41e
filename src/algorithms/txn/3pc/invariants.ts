// The checks of txn/3pc: the family's (../shared/checks.ts), the same as 2PC's — which is the
// point: the atomicity check that 2PC never breaks catches 3PC's divergence under a
// partition.

import type { Invariant, Liveness, RunContext } from '../../../core/algorithm.js';
import { everyTxnDecided, txnInvariants } from '../shared/checks.js';
import type { TxnOutput } from '../shared/outputs.js';
import { cohortIds } from '../shared/workload.js';
import type { ThreePcOptions } from './options.js';
import { COORDINATOR, type ThreePcState } from './state.js';

export function threePcInvariants(
  ctx: RunContext<ThreePcOptions>,
): Invariant<ThreePcState, TxnOutput>[] {
  return txnInvariants(cohortIds(ctx.nodes.length));
}

export function threePcLiveness(
  ctx: RunContext<ThreePcOptions>,
): Liveness<ThreePcState, TxnOutput>[] {
  return [everyTxnDecided(COORDINATOR, cohortIds(ctx.nodes.length), ctx.options.transactions)];
}
