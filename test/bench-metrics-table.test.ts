// The common metrics table (bench/metrics-table.ts) that every `cohort bench` prints after
// its own tables: the renderer's columns, order and cells; and, through the CLI from source,
// that a bench's human output ends with that table, one row per record of the `metrics`
// array its --json report carries (wal and raft-election: the cheapest benches with
// response times, CPU, RSS and availability). Every bench goes through the same
// bench-command path (benchText); the text renderers of the server-backed benches are fed
// recorded reports here. No timing thresholds: only the table's shape and its labels.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ComputeBenchReport } from '../bench/compute.js';
import { computeBenchText } from '../bench/compute-text.js';
import { type BenchMetrics, benchMetrics } from '../bench/metrics.js';
import { computeMetrics } from '../bench/metrics-rows.js';
import {
  METRICS_TABLE_COLUMNS,
  METRICS_TABLE_TITLE,
  metricsCell,
  metricsTableText,
  targetOf,
} from '../bench/metrics-table.js';
import { benchText } from '../src/cli/bench-command.js';
import { COHORT_ARGV } from './support/cohort-argv.js';

const [NODE, ...NODE_ARGS] = COHORT_ARGV as [string, ...string[]];
const scratch = mkdtempSync(join(tmpdir(), 'cohort-bench-metrics-table-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const HEADER = METRICS_TABLE_COLUMNS.join('  ');

/** The common table's rows (cells split on the table's two-space gutters), after its title. */
function tableRows(text: string): string[][] {
  const lines = text.split('\n');
  const at = lines.lastIndexOf(METRICS_TABLE_TITLE);
  expect(at, 'the common table is there').toBeGreaterThanOrEqual(0);
  expect(lines[at + 1]?.replace(/ {2,}/g, '  ')).toBe(HEADER);
  return lines.slice(at + 3).map((l) => l.split(/ {2,}/));
}

describe('the common metrics table', () => {
  const rows: BenchMetrics[] = [
    benchMetrics({
      labels: { server: 'cohort', workload: 'put', concurrency: 64 },
      unit: 'ops',
      throughputPerSecond: 48_123.4,
      p50Ms: 5.123,
      p99Ms: 118.6,
      cpuMicrosPerOp: 71.25,
      peakRssMb: 88.6,
      availability: 21_000 / 21_003,
      errors: 3,
    }),
    benchMetrics({ labels: { mode: 'push', nodes: 10 }, unit: 'spreads', completionRounds: 5 }),
    benchMetrics({
      labels: { lossPct: 5, delayMs: '1..10' },
      unit: 'detections',
      completionMs: 1170,
    }),
  ];

  it('prints every column in the one order, the figures formatted, — where not measured', () => {
    const text = metricsTableText(rows);
    expect(text.split('\n')[0]).toBe(METRICS_TABLE_TITLE);
    expect(tableRows(text)).toEqual([
      [
        'cohort put concurrency=64',
        '48,123 ops/s',
        '5.12',
        '119',
        '—',
        '71.3',
        '89',
        '99.99%',
        '3',
      ],
      ['push nodes=10', '—', '—', '—', '5 rounds', '—', '—', '—', '—'],
      ['lossPct=5 delayMs=1..10', '—', '—', '—', '1.17 s', '—', '—', '—', '—'],
    ]);
  });

  it('names labels that are not words, and shows megabytes and small rates exactly enough', () => {
    expect(targetOf({ timeoutMs: '150–300' })).toBe('timeoutMs=150–300');
    expect(targetOf({ job: 'word count', workers: 'auto', ok: true })).toBe(
      'word count auto ok=true',
    );
    const mb = benchMetrics({ labels: { a: 'x' }, unit: 'megabytes', throughputPerSecond: 13.94 });
    expect(metricsCell(mb, 'throughput')).toBe('13.9 megabytes/s');
    expect(metricsCell(mb, 'p50 ms')).toBeUndefined();
  });

  it('follows a bench’s own tables (compute, a recorded report)', () => {
    const report = {
      sizeMb: 64,
      repeats: 1,
      generateMs: 900,
      cpus: 2,
      wordCount: [
        { counter: 'node', workers: 1, wallMs: 2350, cpuMs: 2480, peakRssMegabytes: 303 },
        { counter: 'mapreduce', workers: 2, wallMs: 1983, cpuMs: 3730, peakRssMegabytes: 555 },
      ].map((w) => ({ ...w, megabytesPerSecond: 30, ratioToNode: 1, agrees: true })),
      goal: { target: 1.3, ratios: [{ workers: 2, ratio: 0.84 }], met: true },
      stream: [
        {
          delivery: 'exactly-once',
          records: 5000,
          recordsPerSecond: 1880,
          p50Ms: 21.23,
          p99Ms: 158.7,
          wallMs: 2659,
          exact: true,
          missing: 0,
        },
      ],
      mismatches: [],
    } as unknown as ComputeBenchReport;
    const own = computeBenchText(report);
    const text = benchText(own, computeMetrics(report));
    expect(text.startsWith(own)).toBe(true);
    expect(tableRows(text).map((r) => [r[0], r[4]])).toEqual([
      ['word count node workers=1', '2.35 s'],
      ['word count mapreduce workers=2', '1.98 s'],
      ['stream exactly-once', '2.66 s'],
    ]);
  });
});

describe('cohort bench <what>: the common table after the bench’s own', () => {
  const cli = (args: string[]) => {
    const out = spawnSync(NODE, [...NODE_ARGS, 'bench', ...args], {
      encoding: 'utf8',
    });
    expect(out.status, out.stderr).toBe(0);
    return out.stdout;
  };

  it.each([
    ['wal', ['--writes', '20', '--repeats', '1']],
    ['raft-election', ['--trials', '2', '--svg', join(scratch, 'cdf.svg')]],
  ])(
    '%s: one row per metrics record, labelled alike',
    (what, flags) => {
      const report = JSON.parse(cli([what, ...flags, '--json'])) as { metrics: BenchMetrics[] };
      const text = cli([what, ...flags]);
      const rows = tableRows(text.trimEnd());
      expect(rows.map((r) => r[0])).toEqual(report.metrics.map((m) => targetOf(m.labels)));
      for (const r of rows) expect(r).toHaveLength(METRICS_TABLE_COLUMNS.length);
    },
    120_000,
  );
});
