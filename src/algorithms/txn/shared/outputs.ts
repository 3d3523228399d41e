// What every transaction-commit protocol of txn/ reports to the host, and the per-node state
// its checks read. A coordinator (2PC's and 3PC's coordinator, Paxos Commit's transaction
// manager) reports `begin` when it starts a transaction and `decide` when it learns the
// outcome; a cohort (resource manager) reports each `vote` it sends, `lock` when it takes
// the transaction's locks, and `outcome` when it applies commit or abort to its data. Each
// of these is emitted in the very step that makes the matching durable write, so the
// checks (checks.ts) and metrics (metrics.ts) judge what the nodes made durable.

export type TxnOutcome = 'commit' | 'abort';

export type TxnVote = 'yes' | 'no';

export type TxnOutput =
  | { readonly type: 'begin'; readonly txn: number }
  | { readonly type: 'vote'; readonly txn: number; readonly vote: TxnVote }
  | { readonly type: 'lock'; readonly txn: number }
  | { readonly type: 'outcome'; readonly txn: number; readonly outcome: TxnOutcome }
  | { readonly type: 'decide'; readonly txn: number; readonly outcome: TxnOutcome };

/**
 * What the checks need of every node of a txn/ protocol (each protocol's state extends it).
 * Roles use the fields that are theirs; others leave them at 0 and empty.
 */
export interface TxnNodeState {
  /** Coordinator: durable, how many transactions it has begun (ids 1..begun). */
  readonly begun: number;
  /** Cohort: durable, the outcome it applied to each transaction, by id. */
  readonly outcomes: Readonly<Record<number, TxnOutcome>>;
}
