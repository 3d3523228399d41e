// The checks of txn/paxos-commit: the family's (../shared/checks.ts) over the RMs —
// atomicity, commit only if every RM voted Prepared, and every transaction decided at every
// RM once faults heal.

import type { Invariant, Liveness, RunContext } from '../../../core/algorithm.js';
import { everyTxnDecided, txnInvariants } from '../shared/checks.js';
import type { TxnOutput } from '../shared/outputs.js';
import { type PaxosCommitOptions, paxosCommitConfig, TM } from './options.js';
import type { PaxosCommitState } from './state.js';

export function paxosCommitInvariants(
  ctx: RunContext<PaxosCommitOptions>,
): Invariant<PaxosCommitState, TxnOutput>[] {
  return txnInvariants(paxosCommitConfig(ctx.nodes.length, ctx.options).rms);
}

export function paxosCommitLiveness(
  ctx: RunContext<PaxosCommitOptions>,
): Liveness<PaxosCommitState, TxnOutput>[] {
  const { rms } = paxosCommitConfig(ctx.nodes.length, ctx.options);
  return [everyTxnDecided(TM, rms, ctx.options.transactions)];
}
