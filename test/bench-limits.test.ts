// `cohort bench limits` end to end, tiny (100 ms per run, one run, concurrency 1 and 4):
// the JSON report's shape — every target (Cohort's seven limiters in process and on Redis,
// rate-limiter-flexible memory and Redis, bottleneck local and on Redis) at every
// concurrency, with decisions counted and accuracy being admitted ÷ allowed — the human
// table and the common metrics table after it, and nothing left behind in TMPDIR (the
// redis-server it starts is stopped). No timing thresholds: only what was counted is checked.

import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import type { LimitsBenchReport } from '../bench/limits.js';
import { TARGETS } from '../bench/limits-targets.js';
import type { BenchMetrics } from '../bench/metrics.js';
import { METRICS_TABLE_TITLE, targetOf } from '../bench/metrics-table.js';
import { COHORT_ARGV } from './support/cohort-argv.js';

const [NODE, ...NODE_ARGS] = COHORT_ARGV as [string, ...string[]];
const scratch = mkdtempSync(join(tmpdir(), 'cohort-bench-limits-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function run(args: readonly string[]): Promise<{ code: number | null; stdout: string }> {
  const child = spawn(NODE, [...NODE_ARGS, ...args], {
    env: { ...process.env, TMPDIR: scratch },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let stdout = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString('utf8');
  });
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout })));
}

const ARGS = ['bench', 'limits', '--duration', '100', '--repeats', '1', '--concurrency', '1,4'];

it('reports every limiter at every concurrency, as JSON and as a table', async () => {
  const { code, stdout } = await run([...ARGS, '--json']);
  expect(code).toBe(0);
  const report = JSON.parse(stdout) as LimitsBenchReport;
  expect(report.policy).toEqual({ limit: 100, windowMs: 1000, keys: 1 });
  expect(report.durationMs).toBe(100);
  expect(report.repeats).toBe(1);
  expect(report.redis).toMatch(/^redis-server \d/);
  expect(report.rows.map((r) => `${r.target}@${r.concurrency}`)).toEqual(
    TARGETS.flatMap((t) => [`${t.name}@1`, `${t.name}@4`]),
  );
  for (const r of report.rows) {
    expect(r.runs).toHaveLength(1);
    const [only] = r.runs as [LimitsBenchReport['rows'][number]['runs'][number]];
    expect(only.decisions).toBeGreaterThan(0);
    expect(only.admitted).toBeGreaterThan(0); // A fresh key admits its first request.
    expect(only.admitted).toBeLessThanOrEqual(only.decisions);
    expect(only.allowed).toBeLessThanOrEqual(only.decisions);
    expect(only.accuracy).toBeCloseTo(only.admitted / only.allowed, 4);
    expect(r.exact).toBe(only.admitted === only.allowed);
    expect(r.decisionsPerSecond).toBe(only.decisionsPerSecond);
  }
  // Cohort's limiters decide exactly what their rule allows, in process and on Redis.
  for (const r of report.rows.filter((x) => x.library === 'cohort')) expect(r.exact).toBe(true);

  const text = await run(ARGS);
  expect(text.code).toBe(0);
  expect(text.stdout).toContain('cohort gcra (redis)');
  expect(text.stdout).toContain('rate-limiter-flexible redis');
  expect(text.stdout).toMatch(/goal (met|NOT met)/);
  // Then the common metrics table: a row for every record of the JSON's `metrics`.
  const common = text.stdout.slice(text.stdout.indexOf(METRICS_TABLE_TITLE));
  const { metrics } = report as unknown as { metrics: BenchMetrics[] };
  expect(metrics).toHaveLength(report.rows.length);
  for (const m of metrics) expect(common).toContain(targetOf(m.labels));
  // The redis-server was stopped and its data removed (tsx keeps its cache there too).
  expect(readdirSync(scratch).filter((f) => f.startsWith('cohort-bench-'))).toEqual([]);
}, 300_000);
