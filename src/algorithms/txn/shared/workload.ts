// The transaction workload every txn/ protocol runs: the coordinator begins `transactions`
// transactions, one every `intervalMs` (its own clock), each spanning every cohort; each
// cohort votes No with probability `noProbability` percent (drawn from its own stream), and
// the cohorts listed in `alwaysNo` vote No every time (the notes' "any single failure aborts
// all"). Ids are 1, 2, …: a peer naming a transaction outside 1..transactions is refused by
// the parsers (isTxnId), which also bounds every per-transaction table.

import type { OptionSpecs, OptionsOf } from '../../../core/algorithm.js';
import type { Env, Message, NodeId } from '../../../core/process.js';
import { isCount } from '../../../core/validate.js';
import type { TxnOutput, TxnVote } from './outputs.js';

export const txnWorkloadOptionSpecs = {
  transactions: {
    kind: 'int',
    default: 5,
    min: 1,
    max: 1_000,
    description: 'transactions the coordinator begins, one every interval',
  },
  intervalMs: {
    kind: 'int',
    default: 200,
    min: 1,
    max: 600_000,
    description: 'time between two transactions begun (coordinator clock, ms)',
  },
  noProbability: {
    kind: 'int',
    default: 10,
    min: 0,
    max: 100,
    description: 'chance, in percent, that a cohort votes No (cannot commit its part)',
  },
  alwaysNo: {
    kind: 'ints',
    default: [],
    description: 'cohorts (node ids) that vote No on every transaction',
  },
} as const satisfies OptionSpecs;

export type TxnWorkloadOptions = OptionsOf<typeof txnWorkloadOptionSpecs>;

/** A transaction id a peer may name: 1..transactions. */
export function isTxnId(x: unknown, opts: Pick<TxnWorkloadOptions, 'transactions'>): x is number {
  return isCount(x) && x >= 1 && x <= opts.transactions;
}

/** Cohort `id`'s vote on a transaction it has not voted on yet. */
export function drawVote(
  env: Env<Message, TxnOutput>,
  opts: TxnWorkloadOptions,
  id: NodeId,
): TxnVote {
  if (opts.alwaysNo.includes(id)) return 'no';
  return env.random.chance(opts.noProbability, 100) ? 'no' : 'yes';
}

/** The cohorts of a run whose node 1 is the coordinator: nodes 2..n. */
export function cohortIds(n: number): NodeId[] {
  return Array.from({ length: n - 1 }, (_, i) => i + 2);
}
