// The metrics of a gossip/swim run. From detect/heartbeat's summary (the same outputs):
// detection time from a crash until every live member declares it failed, false
// positives (live members declared failed) per monitored pair-minute, and the share of
// pair-time spent wrong. SWIM's own: first detection (crash → the first member to declare
// it failed, the paper's "time to first detection"), declarations per probe (the paper's
// per-period false-positive probability when nothing crashed), suspicions
// raised and refutations made by the members alive at the end, and messages per member per
// period (the paper's constant load).

import type { ClusterView, Metrics, RunContext } from '../../../core/algorithm.js';
import { detectionMetrics } from '../../detect/heartbeat/metrics.js';
import type { DetectView } from '../../detect/heartbeat/replay.js';
import type { SwimOptions } from './options.js';
import type { SwimOutput, SwimState } from './state.js';

type View = ClusterView<SwimState, SwimOutput>;

/** Per crash that someone detected before the member came back: crash → first `suspect`. */
export function firstDetectionsMs(view: View): number[] {
  const out: number[] = [];
  for (const c of view.lifecycle) {
    if (c.event !== 'crash') continue;
    const back = view.lifecycle.find(
      (r) => r.node === c.node && r.event === 'restart' && r.atMs >= c.atMs,
    );
    const first = view.outputs.find(
      (o, i) =>
        i >= c.outputsBefore &&
        o.output.type === 'suspect' &&
        o.output.peer === c.node &&
        (back === undefined || o.atMs < back.atMs),
    );
    if (first !== undefined) out.push(first.atMs - c.atMs);
  }
  return out;
}

const round = (x: number, digits: number) => Number(x.toFixed(digits));
const mean = (xs: number[]) =>
  xs.length === 0 ? null : round(xs.reduce((a, b) => a + b, 0) / xs.length, 1);

export function swimMetrics(view: View, ctx: RunContext<SwimOptions>): Metrics {
  const base = detectionMetrics(view as unknown as DetectView);
  const states = view.nodes.flatMap((n) => (n.up && n.state ? [n.state] : []));
  const sum = (f: (s: SwimState) => number) => states.reduce((a, s) => a + f(s), 0);
  const probes = sum((s) => s.probes);
  const periods = view.nowMs / ctx.options.periodMs;
  return {
    ...base,
    firstDetectionMsMean: mean(firstDetectionsMs(view)),
    // Members declared failed by their prober, per probe: without crashes, SWIM's per-period
    // false-positive probability (each declaration then reaches everyone: falseSuspicions).
    declarationsPerProbe: probes === 0 ? 0 : round(sum((s) => s.declared) / probes, 6),
    suspicionsRaised: sum((s) => s.suspicionsRaised),
    refutations: sum((s) => s.refutations),
    maxLhm: Math.max(0, ...states.map((s) => s.lhm)),
    messagesPerMemberPerPeriod: round(
      view.stats.sent / view.nodes.length / Math.max(1, periods),
      3,
    ),
  };
}
