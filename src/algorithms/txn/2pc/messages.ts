// Messages of txn/2pc, named as in the notes [001 §2.3.1]: CanCommit (phase 1, coordinator →
// cohort), Vote (Yes/No back), DoCommit / DoAbort (phase 2), HaveCommitted (the cohort's
// acknowledgement, for a commit and an abort alike, as the notes have it). DecisionRequest is
// the termination protocol: an in-doubt cohort asks the coordinator — and, with
// `--cooperative-termination`, the other cohorts — for the outcome; a cohort answers with
// DoCommit / DoAbort. `parseTwoPcMessage` is the algorithm's parseMessage: a transaction id
// outside 1..transactions is refused, which bounds every per-transaction table.

import type { RunContext } from '../../../core/algorithm.js';
import { isOneOf, type MessageChecks, parseByType } from '../../../core/validate.js';
import type { TxnVote } from '../shared/outputs.js';
import { isTxnId, type TxnWorkloadOptions } from '../shared/workload.js';

export type TwoPcMessage =
  | { readonly type: 'CanCommit'; readonly txn: number }
  | { readonly type: 'Vote'; readonly txn: number; readonly vote: TxnVote }
  | { readonly type: 'DoCommit'; readonly txn: number }
  | { readonly type: 'DoAbort'; readonly txn: number }
  | { readonly type: 'HaveCommitted'; readonly txn: number }
  | { readonly type: 'DecisionRequest'; readonly txn: number };

export function parseTwoPcMessage(
  raw: unknown,
  ctx: RunContext<Pick<TxnWorkloadOptions, 'transactions'>>,
): TwoPcMessage | undefined {
  const txn = (m: Readonly<Record<string, unknown>>) => isTxnId(m.txn, ctx.options);
  const checks: MessageChecks<TwoPcMessage> = {
    CanCommit: txn,
    Vote: (m) => txn(m) && isOneOf(m.vote, ['yes', 'no'] as const),
    DoCommit: txn,
    DoAbort: txn,
    HaveCommitted: txn,
    DecisionRequest: txn,
  };
  return parseByType(checks, raw);
}
