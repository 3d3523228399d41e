// The human table of `cohort bench schedulers` (bench/schedulers.ts) — one row per load and
// architecture, the failed runs listed under it — and its plot.

import { table } from '../src/cli/format.js';
import { type LineSeries, linesSvg } from '../src/cli/svg-lines.js';
import type { SchedulersReport } from './schedulers.js';

const dash = (x: number | null) => (x === null ? '—' : String(x));

export function schedulersBenchText(report: SchedulersReport): string {
  // p50/p99 ms: the jobs' queueing wait; CPU used %: the cluster's, not a process's.
  const header = [
    'jobs/s',
    'architecture',
    'wait p50 / p99 ms',
    'CPU used %',
    'fairness (Jain)',
    'preemptions',
    'conflicts',
    'declines',
  ];
  const rows = report.rows.map((r) => [
    String(r.load),
    r.architecture,
    `${r.waitP50Ms} / ${r.waitP99Ms}`,
    String(r.cpuPercent),
    dash(r.fairnessJain),
    String(r.preemptions),
    dash(r.conflicts),
    dash(r.declines),
  ]);
  const failures = report.rows.flatMap((r) =>
    r.failed.map((f) => `FAILED ${r.architecture} at ${r.load} jobs/s, ${f}`),
  );
  return [
    `${report.jobs} jobs per run; each row is the mean of ${report.seeds} seeds ` +
      '(seed s draws the same jobs for every architecture); simulated time; p50/p99: wait',
    table(header, rows),
    ...failures,
  ].join('\n');
}

/** Wait against load: p99 solid, p50 dashed, one colour per architecture. */
export function schedulersSvg(report: SchedulersReport): string {
  const names = [...new Set(report.rows.map((r) => r.architecture))];
  const series: LineSeries[] = names.flatMap((name, colour) => {
    const rows = report.rows.filter((r) => r.architecture === name);
    const at = (y: (r: (typeof rows)[number]) => number) =>
      rows.map((r) => ({ x: r.load, y: y(r), tag: `${r.cpuPercent}% CPU` }));
    return [
      { label: `${name} p99`, colour, dashed: false, points: at((r) => r.waitP99Ms) },
      { label: `${name} p50`, colour, dashed: true, points: at((r) => r.waitP50Ms) },
    ];
  });
  return linesSvg(series, {
    title: `Job wait against load: three scheduler architectures (mean of ${report.seeds} seeds)`,
    xLabel: 'jobs arriving per second',
    yLabel: 'job wait, ms (log scale)',
  });
}
