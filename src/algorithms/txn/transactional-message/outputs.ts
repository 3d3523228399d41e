// What txn/transactional-message reports to the host. The family's outputs (../shared/
// outputs.ts), with their meaning here: the order service reports `begin` when it creates an
// order and `decide` when the order's local transaction commits or rolls back (durable in
// that step); the broker reports `outcome` when it resolves a half message — commit makes it
// deliverable, abort drops it. Beside them: the broker's `half` (a half message stored,
// durable) and `check` (a check-back sent), and a consumer's `consume` (it applied the
// order's effect, durable with its dedup entry) and `duplicate` (a redelivery skipped). The
// checks (invariants.ts) and metrics (metrics.ts) read only these.

import type { TxnOutput } from '../shared/outputs.js';

/** The family's outputs (this protocol reports no `vote` or `lock`) and its own. */
export type TxMsgOutput =
  | TxnOutput
  | { readonly type: 'half'; readonly txn: number }
  | { readonly type: 'check'; readonly txn: number; readonly attempt: number }
  | { readonly type: 'consume'; readonly txn: number }
  | { readonly type: 'duplicate'; readonly txn: number };

const TXN_OUTPUT_TYPES: ReadonlySet<string> = new Set([
  'begin',
  'vote',
  'lock',
  'decide',
  'outcome',
]);

/** The outputs the family's metrics read (../shared/metrics.ts). */
export function isTxnOutput(o: TxMsgOutput): o is TxnOutput {
  return TXN_OUTPUT_TYPES.has(o.type);
}
