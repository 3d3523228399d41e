// Messages of txn/3pc, named as in the notes [001 §2.3.2]: CanCommit (a check only) and Vote;
// PreCommit (execute and log) and its Ack; DoCommit or Abort, and HaveCommitted (the notes'
// final Ack). `parseThreePcMessage` is the algorithm's parseMessage: a transaction id outside
// 1..transactions is refused, which bounds every per-transaction table.

import type { RunContext } from '../../../core/algorithm.js';
import { isOneOf, type MessageChecks, parseByType } from '../../../core/validate.js';
import type { TxnVote } from '../shared/outputs.js';
import { isTxnId, type TxnWorkloadOptions } from '../shared/workload.js';

export type ThreePcMessage =
  | { readonly type: 'CanCommit'; readonly txn: number }
  | { readonly type: 'Vote'; readonly txn: number; readonly vote: TxnVote }
  | { readonly type: 'PreCommit'; readonly txn: number }
  | { readonly type: 'Ack'; readonly txn: number }
  | { readonly type: 'DoCommit'; readonly txn: number }
  | { readonly type: 'Abort'; readonly txn: number }
  | { readonly type: 'HaveCommitted'; readonly txn: number };

export function parseThreePcMessage(
  raw: unknown,
  ctx: RunContext<Pick<TxnWorkloadOptions, 'transactions'>>,
): ThreePcMessage | undefined {
  const txn = (m: Readonly<Record<string, unknown>>) => isTxnId(m.txn, ctx.options);
  const checks: MessageChecks<ThreePcMessage> = {
    CanCommit: txn,
    Vote: (m) => txn(m) && isOneOf(m.vote, ['yes', 'no'] as const),
    PreCommit: txn,
    Ack: txn,
    DoCommit: txn,
    Abort: txn,
    HaveCommitted: txn,
  };
  return parseByType(checks, raw);
}
