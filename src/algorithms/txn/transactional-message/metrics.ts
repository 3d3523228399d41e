// Metrics of txn/transactional-message: the family's (../shared/metrics.ts) with the broker
// as the one "cohort" — orders begun, committed and rolled back, decideLatencyMeanMs from
// the order's creation to its local outcome, completeLatencyMeanMs to the broker resolving
// its half — without the lock metrics (nothing here holds locks across nodes). Beside them:
// effects applied and redeliveries skipped by the consumers, check-backs, redeliveries,
// how long half messages waited for their resolution, and the end-to-end latency from an
// order's creation to the last consumer applying it.

import type { ClusterView, Metrics, OutputRecord } from '../../../core/algorithm.js';
import type { NodeId } from '../../../core/process.js';
import { mean, txnMetrics } from '../shared/metrics.js';
import type { TxnOutput } from '../shared/outputs.js';
import { isTxnOutput, type TxMsgOutput } from './outputs.js';
import { BROKER, type TxMsgState } from './state.js';

type View = ClusterView<TxMsgState, TxMsgOutput>;

const isTxnRecord = (r: OutputRecord<TxMsgOutput>): r is OutputRecord<TxnOutput> =>
  isTxnOutput(r.output);

/** From a half stored to its resolution, per half (one still pending counts to the end). */
function halfPendingMs(view: View): number[] {
  const since = new Map<number, number>();
  const waited: number[] = [];
  for (const { output: o, node, atMs } of view.outputs) {
    if (node !== BROKER) continue;
    if (o.type === 'half') since.set(o.txn, atMs);
    if (o.type === 'outcome' && since.has(o.txn)) {
      waited.push(atMs - since.get(o.txn)!);
      since.delete(o.txn);
    }
  }
  for (const atMs of since.values()) waited.push(view.nowMs - atMs);
  return waited;
}

/** From an order's creation to the last consumer applying it, per fully consumed order. */
function endToEndMs(view: View, consumers: readonly NodeId[]): number[] {
  const begunAt = new Map<number, number>();
  const applied = new Map<number, Map<NodeId, number>>();
  for (const { output: o, node, atMs } of view.outputs) {
    if (o.type === 'begin') begunAt.set(o.txn, atMs);
    if (o.type !== 'consume') continue;
    const at = applied.get(o.txn) ?? new Map<NodeId, number>();
    if (!at.has(node)) at.set(node, atMs);
    applied.set(o.txn, at);
  }
  const latencies: number[] = [];
  for (const [txn, at] of applied) {
    const begun = begunAt.get(txn);
    if (begun !== undefined && consumers.every((c) => at.has(c)))
      latencies.push(Math.max(...at.values()) - begun);
  }
  return latencies;
}

export function txMsgMetrics(view: View, consumers: readonly NodeId[]): Metrics {
  const {
    lockHeldMaxMs: _max,
    lockHeldMeanMs: _mean,
    ...family
  } = txnMetrics({ ...view, outputs: view.outputs.filter(isTxnRecord) }, [BROKER]);
  const count = (type: TxMsgOutput['type']) =>
    view.outputs.filter((r) => r.output.type === type).length;
  const waited = halfPendingMs(view);
  return {
    ...family,
    consumed: count('consume'),
    duplicatesSkipped: count('duplicate'),
    checkBacks: count('check'),
    deliveries: view.stats.byType.Deliver ?? 0,
    halfPendingMaxMs: waited.length === 0 ? 0 : Math.max(...waited),
    endToEndLatencyMeanMs: mean(endToEndMs(view, consumers)),
  };
}
