// The metrics of a detect/heartbeat run, from its outputs and the host's lifecycle events
// (Chen, Toueg & Aguilera's quality-of-service measures for failure detectors, IEEE Trans.
// Computers 2002):
//   - detection time: from a crash until every live node suspects the crashed one
//     (mean and max over the crashes detected before the node came back);
//   - false suspicions: `suspect` outputs about a node that was up (loss, delay, a partition
//     or a pause made it look crashed), and the mistake rate λ_M per monitored pair-minute;
//   - wrongSuspicionPct: the share of (live monitor, live peer) pair-time spent wrongly
//     suspecting, 1 − P_A (their query accuracy probability) — including the moments a
//     restarted node is still suspected, until its first heartbeat arrives;
//   - minorityDeclared: the nodes that ever reported being outside a majority.

import type { Metrics } from '../../../core/algorithm.js';
import type { NodeId } from '../../../core/process.js';
import { type DetectView, Replay, type ReplayEvent } from './replay.js';

export interface DetectionSummary {
  readonly crashes: number;
  readonly detectionsMs: readonly number[];
  readonly falseSuspicions: number;
  /** Σ over time of live ordered pairs (monitor, peer), in pair-ms. */
  readonly livePairMs: number;
  /** Σ over time of live pairs where the monitor suspects the peer, in pair-ms. */
  readonly wrongPairMs: number;
  readonly minorityDeclared: readonly NodeId[];
}

export function summarizeDetection(view: DetectView): DetectionSummary {
  const r = new Replay(view.nodes.length);
  const pending: { node: NodeId; atMs: number }[] = [];
  const detectionsMs: number[] = [];
  const minority = new Set<NodeId>();
  let crashes = 0;
  let falseSuspicions = 0;
  let livePairMs = 0;
  let wrongPairMs = 0;
  let lastMs = 0;
  const accrue = (toMs: number) => {
    const dt = toMs - lastMs;
    lastMs = toMs;
    if (dt <= 0) return;
    const up = r.up.filter((u, id) => id > 0 && u).length;
    livePairMs += dt * up * (up - 1);
    for (let m = 1; m <= r.n; m++)
      if (r.up[m]) for (const p of r.suspects[m] ?? []) if (r.up[p]) wrongPairMs += dt;
  };
  const after = (e: ReplayEvent) => {
    if (e.kind === 'lifecycle' && e.record.event === 'crash') {
      crashes++;
      pending.push({ node: e.record.node, atMs: e.record.atMs });
    }
    if (e.kind === 'output') {
      const { node, output } = e.record;
      if (output.type === 'suspect' && r.up[output.peer]) falseSuspicions++;
      if (output.type === 'majority' && !output.majority) minority.add(node);
    }
    for (let i = pending.length - 1; i >= 0; i--) {
      const p = pending[i] as { node: NodeId; atMs: number };
      const monitors = r.monitorsOf(p.node);
      const detected = monitors.length > 0 && monitors.every((m) => r.suspects[m]?.has(p.node));
      if (r.up[p.node] || detected) pending.splice(i, 1); // Back before detection, or detected.
      if (!r.up[p.node] && detected) detectionsMs.push(e.record.atMs - p.atMs);
    }
  };
  // Time up to an event accrues in the cluster as it was before the event.
  r.advance(view, { before: (e) => accrue(e.record.atMs), after });
  accrue(view.nowMs);
  return {
    crashes,
    detectionsMs,
    falseSuspicions,
    livePairMs,
    wrongPairMs,
    minorityDeclared: [...minority].sort((a, b) => a - b),
  };
}

const round = (x: number, digits: number) => Number(x.toFixed(digits));

export function detectionMetrics(view: DetectView): Metrics {
  const s = summarizeDetection(view);
  const d = s.detectionsMs;
  const pairMinutes = s.livePairMs / 60_000;
  return {
    crashes: s.crashes,
    detected: d.length,
    detectionMsMean: d.length === 0 ? null : round(d.reduce((a, b) => a + b, 0) / d.length, 1),
    detectionMsMax: d.length === 0 ? null : round(Math.max(...d), 1),
    falseSuspicions: s.falseSuspicions,
    mistakesPerPairMinute: pairMinutes === 0 ? 0 : round(s.falseSuspicions / pairMinutes, 4),
    wrongSuspicionPct: s.livePairMs === 0 ? 0 : round((100 * s.wrongPairMs) / s.livePairMs, 4),
    minorityDeclared: s.minorityDeclared.join(','),
  };
}
