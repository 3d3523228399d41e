// The metrics of a gossip/anti-entropy run, from its outputs and message counts:
//   - roundsToSpread: for each update, from its `ack` until every node has `learned` it
//     (the origin counts as having it), in rounds of periodMs — max and mean over the
//     updates that reached every node (a node down for good stops an update's spread);
//   - messagesPerNode: messages sent per node over the whole run, and per node per round;
//     anti-entropy never stops, so the messages a spread costs are per-round × rounds;
//   - converged: whether every live node ends with the same `seen`; value: node 1's
//     CRDT value.

import type { ClusterView, Metrics, RunContext } from '../../../core/algorithm.js';
import { gCounter } from '../../crdt/index.js';
import { type AntiEntropyOptions, antiEntropyConfig } from './options.js';
import type { AntiEntropyOutput, AntiEntropyState } from './state.js';

type View = ClusterView<AntiEntropyState, AntiEntropyOutput>;

/** Each update's spread time in ms (ack → last node learned), for updates that reached all. */
export function spreadTimesMs(view: View): number[] {
  const n = view.nodes.length;
  const updates = new Map<string, { atMs: number; holders: Set<number>; doneMs?: number }>();
  for (const { atMs, node, output } of view.outputs) {
    if (output.type === 'ack') {
      const holders = new Set([node]);
      updates.set(`${node}.${output.seq}`, { atMs, holders, ...(n === 1 && { doneMs: atMs }) });
      continue;
    }
    // `learned` up to k covers every update ≤ k of that origin.
    for (let seq = output.upTo; seq >= 1; seq--) {
      const u = updates.get(`${output.origin}.${seq}`);
      if (u === undefined || u.holders.has(node)) break;
      u.holders.add(node);
      if (u.holders.size === n) u.doneMs = atMs;
    }
  }
  return [...updates.values()].flatMap((u) => (u.doneMs === undefined ? [] : [u.doneMs - u.atMs]));
}

const round = (x: number, digits: number) => Number(x.toFixed(digits));

export function antiEntropyMetrics(view: View, ctx: RunContext<AntiEntropyOptions>): Metrics {
  const { periodMs, t } = antiEntropyConfig(ctx.options);
  const rounds = spreadTimesMs(view).map((ms) => Math.ceil(ms / periodMs));
  const n = view.nodes.length;
  const roundsRun = Math.max(1, Math.floor(view.nowMs / periodMs));
  const live = view.nodes.filter((v) => v.up && v.state !== undefined);
  const first = live[0]?.state;
  const converged =
    first !== undefined && live.every((v) => gCounter.equals(v.state?.seen ?? {}, first.seen));
  const perRound = view.stats.sent / n / roundsRun;
  const max = rounds.length === 0 ? null : Math.max(...rounds);
  return {
    updatesSpread: rounds.length,
    roundsToSpreadMax: max,
    roundsToSpreadMean:
      rounds.length === 0 ? null : round(rounds.reduce((a, b) => a + b, 0) / rounds.length, 2),
    messagesPerNode: round(view.stats.sent / n, 2),
    messagesPerNodePerRound: round(perRound, 3),
    messagesPerNodeToSpread: max === null ? null : round(perRound * max, 2),
    converged,
    value: first === undefined ? null : JSON.stringify(t.value(first.crdt)),
  };
}
