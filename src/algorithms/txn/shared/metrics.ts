// Metrics every txn/ protocol reports, from the outputs: transactions begun, committed,
// aborted and left undecided; how long cohorts held locks (from `lock` to `outcome` at the
// same node — a prepared cohort keeps its locks across a crash, as a database's prepared
// transaction does; a lock never released is counted up to the end of the run); and
// latencies from `begin`: to the first decision anywhere, and to the last cohort applying
// it. Run with a fixed latency (`--faults 'delay 10..10'`) the latencies divided by 10 are
// message delays (docs/transactions.md).

import type { ClusterView, Metrics } from '../../../core/algorithm.js';
import type { NodeId } from '../../../core/process.js';
import type { TxnNodeState, TxnOutcome, TxnOutput } from './outputs.js';

type View = ClusterView<TxnNodeState, TxnOutput>;

interface TxnTimes {
  begunAtMs: number | undefined;
  decidedAtMs: number | undefined;
  outcome: TxnOutcome | undefined;
  /** When each cohort applied its outcome. */
  applied: Map<NodeId, number>;
}

/** The mean rounded to hundredths, or null for none (txn/transactional-message uses it too). */
export const mean = (xs: readonly number[]) =>
  xs.length === 0 ? null : Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 100) / 100;

function lockTimes(view: View): number[] {
  const since = new Map<string, number>();
  const held: number[] = [];
  for (const { output: o, node, atMs } of view.outputs) {
    const key = `${node}/${'txn' in o ? o.txn : 0}`;
    if (o.type === 'lock' && !since.has(key)) since.set(key, atMs);
    if (o.type === 'outcome' && since.has(key)) {
      held.push(atMs - since.get(key)!);
      since.set(key, Number.NaN); // Released: later lock outputs of a restart do not count.
    }
  }
  for (const atMs of since.values()) if (!Number.isNaN(atMs)) held.push(view.nowMs - atMs);
  return held;
}

function txnTimes(view: View): Map<number, TxnTimes> {
  const txns = new Map<number, TxnTimes>();
  const of = (txn: number) => {
    let t = txns.get(txn);
    if (t === undefined) {
      t = { begunAtMs: undefined, decidedAtMs: undefined, outcome: undefined, applied: new Map() };
      txns.set(txn, t);
    }
    return t;
  };
  for (const { output: o, node, atMs } of view.outputs) {
    if (o.type === 'begin') of(o.txn).begunAtMs ??= atMs;
    if (o.type !== 'decide' && o.type !== 'outcome') continue;
    const t = of(o.txn);
    t.decidedAtMs ??= atMs;
    t.outcome ??= o.outcome;
    if (o.type === 'outcome' && !t.applied.has(node)) t.applied.set(node, atMs);
  }
  return txns;
}

export function txnMetrics(view: View, cohorts: readonly NodeId[]): Metrics {
  const txns = [...txnTimes(view).values()].filter((t) => t.begunAtMs !== undefined);
  const held = lockTimes(view);
  const decided = txns.filter((t) => t.decidedAtMs !== undefined);
  const complete = decided.filter((t) => cohorts.every((c) => t.applied.has(c)));
  return {
    transactions: txns.length,
    committed: decided.filter((t) => t.outcome === 'commit').length,
    aborted: decided.filter((t) => t.outcome === 'abort').length,
    undecided: txns.length - decided.length,
    lockHeldMaxMs: held.length === 0 ? 0 : Math.max(...held),
    lockHeldMeanMs: mean(held),
    decideLatencyMeanMs: mean(decided.map((t) => t.decidedAtMs! - t.begunAtMs!)),
    completeLatencyMeanMs: mean(
      complete.map((t) => Math.max(...t.applied.values()) - t.begunAtMs!),
    ),
    messagesPerTxn: txns.length === 0 ? null : mean([view.stats.sent / txns.length]),
  };
}
