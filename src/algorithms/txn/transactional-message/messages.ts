// Messages of txn/transactional-message, named after the notes' steps [001 §2.3.3] and
// RocketMQ's transactional messages: Half (the order message marked "pending", stored
// durably and not delivered) and HalfAck (the broker's "persisted" answer); Commit / Rollback
// (the order service's report of its local transaction); CheckBack and CheckBackReply (the
// broker asks about a half message whose report never came; commit, rollback, or unknown
// while the local transaction still runs); Deliver and Ack (the broker hands a committed
// order to a consumer, which acknowledges it once applied). `parseTxMsgMessage` is the
// algorithm's parseMessage: an order id outside 1..transactions is refused, which bounds
// every per-order table.

import type { RunContext } from '../../../core/algorithm.js';
import { isOneOf, type MessageChecks, parseByType } from '../../../core/validate.js';
import { isTxnId, type TxnWorkloadOptions } from '../shared/workload.js';

export type CheckBackState = 'commit' | 'rollback' | 'unknown';

export type TxMsgMessage =
  | { readonly type: 'Half'; readonly txn: number }
  | { readonly type: 'HalfAck'; readonly txn: number }
  | { readonly type: 'Commit'; readonly txn: number }
  | { readonly type: 'Rollback'; readonly txn: number }
  | { readonly type: 'CheckBack'; readonly txn: number }
  | { readonly type: 'CheckBackReply'; readonly txn: number; readonly state: CheckBackState }
  | { readonly type: 'Deliver'; readonly txn: number }
  | { readonly type: 'Ack'; readonly txn: number };

export function parseTxMsgMessage(
  raw: unknown,
  ctx: RunContext<Pick<TxnWorkloadOptions, 'transactions'>>,
): TxMsgMessage | undefined {
  const txn = (m: Readonly<Record<string, unknown>>) => isTxnId(m.txn, ctx.options);
  const checks: MessageChecks<TxMsgMessage> = {
    Half: txn,
    HalfAck: txn,
    Commit: txn,
    Rollback: txn,
    CheckBack: txn,
    CheckBackReply: (m) => txn(m) && isOneOf(m.state, ['commit', 'rollback', 'unknown'] as const),
    Deliver: txn,
    Ack: txn,
  };
  return parseByType(checks, raw);
}
