// The checks every txn/ protocol is judged by.
//
// Safety, over the outputs (each emitted in the step that made the matching write durable,
// so they show what the nodes made durable, crashed nodes included):
//   - atomicity: no transaction is committed at one node and aborted at another — a
//     cohort's applied outcome and a coordinator's decision alike;
//   - commit only if every cohort voted Yes: a commit (applied or decided) needs a Yes from
//     every cohort of the transaction and a No from none.
// Liveness, over the final states (every node is up once faults have healed, but a
// scenario may leave the coordinator down): every cohort has applied an outcome to each
// transaction begun, all cohorts the same one (atomicity again, now on the durable states
// themselves), and the coordinator has begun every transaction of the workload.

import type { ClusterView, Invariant, Liveness } from '../../../core/algorithm.js';
import type { NodeId, Output } from '../../../core/process.js';
import type { TxnNodeState, TxnOutcome, TxnOutput } from './outputs.js';

export const ATOMICITY = 'atomicity';
export const COMMIT_NEEDS_ALL_YES = 'commit only if every cohort voted yes';
export const EVERY_TXN_DECIDED = 'every transaction decided at every cohort';

type View = ClusterView<TxnNodeState, TxnOutput>;

/**
 * Reads outputs incrementally, from where the last check stopped (for any protocol's outputs:
 * txn/transactional-message's checks use it over its own).
 */
export function incremental<O extends Output = TxnOutput>(
  step: (o: O, node: NodeId, atMs: number) => string | undefined,
) {
  let seen = 0;
  return (view: ClusterView<unknown, O>): string | undefined => {
    for (; seen < view.outputs.length; seen++) {
      const { output, node, atMs } = view.outputs[seen]!;
      const bad = step(output, node, atMs);
      if (bad !== undefined) return bad;
    }
    return undefined;
  };
}

export function atomicity(): Invariant<TxnNodeState, TxnOutput> {
  /** Per transaction, the first outcome any node made durable, and which node. */
  const first = new Map<number, { outcome: TxnOutcome; node: NodeId }>();
  return {
    name: ATOMICITY,
    check: incremental((o, node, atMs) => {
      if (o.type !== 'outcome' && o.type !== 'decide') return undefined;
      const had = first.get(o.txn);
      if (had === undefined) first.set(o.txn, { outcome: o.outcome, node });
      else if (had.outcome !== o.outcome)
        return (
          `transaction ${o.txn}: node ${node} made ${o.outcome} durable at ${atMs} ms, ` +
          `node ${had.node} ${had.outcome}`
        );
      return undefined;
    }),
  };
}

export function commitNeedsAllYes(cohorts: readonly NodeId[]): Invariant<TxnNodeState, TxnOutput> {
  const yes = new Map<number, Set<NodeId>>();
  const no = new Map<number, NodeId>();
  return {
    name: COMMIT_NEEDS_ALL_YES,
    check: incremental((o, node) => {
      if (o.type === 'vote') {
        if (o.vote === 'no') no.set(o.txn, node);
        else yes.set(o.txn, (yes.get(o.txn) ?? new Set()).add(node));
        return undefined;
      }
      if ((o.type !== 'outcome' && o.type !== 'decide') || o.outcome !== 'commit') return undefined;
      const against = no.get(o.txn);
      if (against !== undefined)
        return `transaction ${o.txn} committed at node ${node} though cohort ${against} voted no`;
      const missing = cohorts.filter((c) => !yes.get(o.txn)?.has(c));
      if (missing.length > 0)
        return `transaction ${o.txn} committed at node ${node} without a yes from ${missing}`;
      return undefined;
    }),
  };
}

export function txnInvariants(cohorts: readonly NodeId[]): Invariant<TxnNodeState, TxnOutput>[] {
  return [atomicity(), commitNeedsAllYes(cohorts)];
}

/** The first cohort of `cohorts` without an outcome for a transaction, or a disagreement. */
function undecided(view: View, cohorts: readonly NodeId[], begun: number): string | undefined {
  for (let txn = 1; txn <= begun; txn++) {
    const outcomes = new Map<NodeId, TxnOutcome>();
    for (const id of cohorts) {
      const state = view.nodes[id - 1]?.state;
      if (state === undefined) return `cohort ${id} is down`;
      const outcome = state.outcomes[txn];
      if (outcome === undefined) return `transaction ${txn} is undecided at cohort ${id}`;
      outcomes.set(id, outcome);
    }
    if (new Set(outcomes.values()).size > 1)
      return `transaction ${txn} has durable outcomes ${[...outcomes].join(' ')}`;
  }
  return undefined;
}

/**
 * How many transactions were begun: the coordinator's durable count, or — while it is down
 * (3PC's cohorts finish without it) — the highest id a `begin` output named.
 */
function begunOf(view: View, coordinator: NodeId): number {
  const state = view.nodes[coordinator - 1]?.state;
  if (state !== undefined) return state.begun;
  let begun = 0;
  for (const { output: o } of view.outputs) if (o.type === 'begin') begun = Math.max(begun, o.txn);
  return begun;
}

export function everyTxnDecided(
  coordinator: NodeId,
  cohorts: readonly NodeId[],
  transactions: number,
): Liveness<TxnNodeState, TxnOutput> {
  return {
    name: EVERY_TXN_DECIDED,
    check(view) {
      const begun = begunOf(view, coordinator);
      return (
        undecided(view, cohorts, begun) ??
        (begun < transactions
          ? `the coordinator began ${begun} of ${transactions} transactions`
          : undefined)
      );
    },
  };
}
