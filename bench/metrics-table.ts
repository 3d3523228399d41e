// The common metrics table: what every `cohort bench` prints after its own tables — one row
// per record of the report's `metrics` array (the very array --json prints), the same columns
// in the same order for every bench, so one bench's figures read like another's. The
// bench's own tables keep what is particular to it (ratios to a peer, goals, accuracy).
//
// Fault model: pure formatting of BenchMetrics records (bench/metrics.ts); a figure a record
// does not have is shown as '—' (not measured), never as 0.

import { fmtNumber, table } from '../src/cli/format.js';
import type { BenchMetrics } from './metrics.js';

/** The columns, in this order, in every bench's common table. */
export const METRICS_TABLE_COLUMNS = [
  'target',
  'throughput',
  'p50 ms',
  'p99 ms',
  'completion',
  'CPU µs/op',
  'RSS MiB',
  'availability',
  'errors',
] as const;

export type MetricsTableColumn = (typeof METRICS_TABLE_COLUMNS)[number];

/** The table's heading line: where the figures come from and where they are defined. */
export const METRICS_TABLE_TITLE =
  "metrics (the --json report's `metrics`; columns: docs/benchmarks.md)";

const NOT_MEASURED = '—';

/** Three significant digits below 100, whole numbers with separators from 100 up. */
const fmt3 = (n: number) =>
  n >= 100 ? fmtNumber(Math.round(n)) : String(Number(n.toPrecision(3)));

/**
 * The row's labels in a few words: a label that is a word by its value alone ('cohort',
 * 'put'); a number, flag or range with its name ('concurrency=64', 'delayMs=1..10'), since
 * a bare number says nothing.
 */
export function targetOf(labels: BenchMetrics['labels']): string {
  return Object.entries(labels)
    .map(([k, v]) => (typeof v === 'string' && /[a-z]/i.test(v) ? v : `${k}=${String(v)}`))
    .join(' ');
}

function completionOf(m: BenchMetrics): string | undefined {
  if (m.completionMs !== undefined) return `${fmt3(m.completionMs / 1000)} s`;
  if (m.completionRounds !== undefined) return `${fmtNumber(m.completionRounds)} rounds`;
  return undefined;
}

/** One record's cell in `column`; undefined when the record has no such figure. */
export function metricsCell(m: BenchMetrics, column: MetricsTableColumn): string | undefined {
  switch (column) {
    case 'target':
      return targetOf(m.labels);
    case 'throughput':
      return m.throughputPerSecond === undefined
        ? undefined
        : `${fmt3(m.throughputPerSecond)} ${m.unit}/s`;
    case 'p50 ms':
      return m.p50Ms === undefined ? undefined : fmt3(m.p50Ms);
    case 'p99 ms':
      return m.p99Ms === undefined ? undefined : fmt3(m.p99Ms);
    case 'completion':
      return completionOf(m);
    case 'CPU µs/op':
      return m.cpuMicrosPerOp === undefined ? undefined : fmt3(m.cpuMicrosPerOp);
    case 'RSS MiB':
      return m.peakRssMb === undefined ? undefined : fmtNumber(Math.round(m.peakRssMb));
    case 'availability':
      return m.availability === undefined ? undefined : `${(m.availability * 100).toFixed(2)}%`;
    case 'errors':
      return m.errors === undefined ? undefined : fmtNumber(m.errors);
  }
}

/** The common table of `metrics`, under its heading line; every column, always. */
export function metricsTableText(metrics: readonly BenchMetrics[]): string {
  const rows = metrics.map((m) =>
    METRICS_TABLE_COLUMNS.map((c) => metricsCell(m, c) ?? NOT_MEASURED),
  );
  return `${METRICS_TABLE_TITLE}\n${table([...METRICS_TABLE_COLUMNS], rows)}`;
}
