// The human tables and the two SVG plots of `cohort bench gossip`: rounds to spread against
// the log N terms (docs/gossip-spread.svg), and SWIM's detection time and false positives
// against the paper's analysis (docs/swim-detection.svg). Plots use src/cli/svg-lines.ts:
// x linear (log₁₀ N for the spread), y on a log scale.

import { expectedRounds } from '../src/algorithms/gossip/anti-entropy/spread-model.js';
import { fmtNumber, table } from '../src/cli/format.js';
import { type LineSeries, linesSvg } from '../src/cli/svg-lines.js';
import { GOSSIP_MODES, type GossipBenchReport, MAX_SIM_NODES } from './gossip.js';

const EXPECTED_LABEL = {
  push: 'log₂N + ln N',
  pull: 'log₂N + log₂ln N',
  'push-pull': 'log₃N + log₂ln N',
} as const;

export function gossipBenchText(report: GossipBenchReport): string {
  const spread = report.spread.map((r) => [
    r.mode,
    fmtNumber(r.nodes),
    r.engine,
    String(r.rounds),
    `${r.expectedRounds} (${EXPECTED_LABEL[r.mode]})`,
    String(r.messagesPerNode),
  ]);
  const swim = report.swim.map((r) => [
    `${r.lossPct}%`,
    r.delayMs,
    r.firstDetectionPeriods === null ? '—' : String(r.firstDetectionPeriods),
    String(r.expectedFirstDetectionPeriods),
    r.fullDetectionPeriods === null ? '—' : String(r.fullDetectionPeriods),
    String(r.falsePositivePerProbe),
    String(r.expectedFalsePositivePerProbe),
    String(r.falsePositivePerProbeWithSuspicion),
  ]);
  const seeds = report.spread[0]?.seeds ?? 0;
  const swimSeeds = report.swim[0]?.seeds ?? 0;
  return (
    `gossip/anti-entropy, fanout 1: rounds until node 1's update reaches every node (median of ` +
    `${seeds} seeds; above ${fmtNumber(MAX_SIM_NODES)} nodes the round model)\n` +
    `${table(['mode', 'N', 'engine', 'rounds', 'expected', 'messages/node'], spread)}\n\n` +
    `gossip/swim, ${report.swimMembers} members, period ${report.swimPeriodMs} ms, k = 3 ` +
    `(mean of ${swimSeeds} seeds): detection in periods, false positives per probe\n` +
    table(
      [
        'loss',
        'delay ms',
        'first det.',
        'paper e/(e−1)',
        'all know (suspicion)',
        'false pos./probe',
        'paper',
        'with suspicion',
      ],
      swim,
    )
  );
}

const log10 = Math.log10;

export function gossipSpreadSvg(report: GossipBenchReport): string {
  const sizes = [...new Set(report.spread.map((r) => r.nodes))].sort((a, b) => a - b);
  const lo = log10(sizes[0] ?? 10);
  const hi = log10(sizes[sizes.length - 1] ?? 10_000);
  const series: LineSeries[] = GOSSIP_MODES.flatMap((mode, colour) => [
    {
      label: `${mode} (measured)`,
      colour,
      dashed: false,
      points: report.spread
        .filter((r) => r.mode === mode)
        .map((r) => ({ x: round2(log10(r.nodes)), y: r.rounds, tag: `N = ${r.nodes}` })),
    },
    {
      label: `${mode}: ${EXPECTED_LABEL[mode]}`,
      colour,
      dashed: true,
      points: Array.from({ length: 13 }, (_, i) => {
        const x = lo + ((hi - lo) * i) / 12;
        return { x: round2(x), y: round2(expectedRounds(10 ** x, mode, 1)) };
      }),
    },
  ]);
  const seeds = report.spread[0]?.seeds ?? 0;
  return linesSvg(series, {
    title: `Anti-entropy: rounds to reach all N nodes (median of ${seeds} seeds)`,
    xLabel: `log₁₀ N (1 = 10 nodes … 4 = 10,000; above ${MAX_SIM_NODES}: the round model)`,
    yLabel: 'rounds (log scale)',
  });
}

export function swimDetectionSvg(report: GossipBenchReport): string {
  const rows = report.swim.filter((r) => r.delayMs === report.swim[0]?.delayMs);
  const line = (
    label: string,
    colour: number,
    dashed: boolean,
    y: (r: (typeof rows)[number]) => number | null,
  ): LineSeries => ({
    label,
    colour,
    dashed,
    points: rows.flatMap((r) => {
      const v = y(r);
      return v === null ? [] : [{ x: r.lossPct, y: v, tag: `loss ${r.lossPct}%` }];
    }),
  });
  return linesSvg(
    [
      line('first detection (periods)', 0, false, (r) => r.firstDetectionPeriods),
      line('paper: e/(e−1) periods', 0, true, (r) => r.expectedFirstDetectionPeriods),
      line('all members know, suspicion on', 1, false, (r) => r.fullDetectionPeriods),
      line('false positives per probe', 2, false, (r) => r.falsePositivePerProbe),
      line('paper: (1−(1−q)²)(1−(1−q)⁴)^k', 2, true, (r) => r.expectedFalsePositivePerProbe),
      line('false positives, suspicion on', 3, false, (r) => r.falsePositivePerProbeWithSuspicion),
    ],
    {
      title: `SWIM, ${report.swimMembers} members, k = 3: detection and false positives under loss`,
      xLabel: `message loss q (%), one-way delay ${rows[0]?.delayMs ?? ''} ms`,
      yLabel: 'periods (detection) · probability per probe (false positives)',
    },
  );
}

const round2 = (x: number) => Math.round(x * 100) / 100;
