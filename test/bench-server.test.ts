// `cohort bench server` end to end, with real processes: a one-member Cohort and a real etcd
// 3.4 each serve every workload without a failed request, the report carries figures for
// both and their ratios, and the benchmark leaves no data directory behind. Figures are
// checked for shape and sense only (never against a timing threshold).

import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ServerBenchReport } from '../bench/server.js';
import { COHORT_ARGV } from './support/cohort-argv.js';

const [NODE, ...NODE_ARGS] = COHORT_ARGV as [string, ...string[]];
const scratch = mkdtempSync(join(tmpdir(), 'cohort-bench-server-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function run(
  args: readonly string[],
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(NODE, [...NODE_ARGS, ...args], {
    env: { ...process.env, TMPDIR: scratch },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => {
    stdout += c.toString('utf8');
  });
  child.stderr.on('data', (c: Buffer) => {
    stderr += c.toString('utf8');
  });
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
}

describe('cohort bench server', () => {
  it('measures Cohort and etcd on every workload and cleans up', async () => {
    const out = await run([
      ...['bench', 'server', '--json', '--members', '1', '--concurrency', '1,4'],
      ...['--duration', '200', '--repeats', '2', '--watchers', '50'],
    ]);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const report = JSON.parse(out.stdout) as ServerBenchReport;
    expect(report.failures).toEqual([]);
    expect(report.repeats).toBe(2);
    const workloads = ['put', 'get', 'get-serializable', 'txn', 'lock', 'lock-shared'];
    // Every closed-loop workload at both concurrencies, the hot lock's 16 waiters, and the
    // fan-out to 50 watchers; rss only when asked for.
    expect(report.runs).toHaveLength(2 * (workloads.length * 2 + 2));
    const configs = [
      ...workloads.flatMap((workload) => [1, 4].map((concurrency) => ({ workload, concurrency }))),
      { workload: 'hot-lock', concurrency: 16 },
      { workload: 'watch-fanout', concurrency: 50 },
    ];
    for (const server of ['cohort', 'etcd'])
      for (const { workload, concurrency } of configs) {
        const r = report.runs.find(
          (x) => x.server === server && x.workload === workload && x.concurrency === concurrency,
        );
        expect(r, `${server} ${workload} ${concurrency}`).toBeDefined();
        expect(r?.errors).toBe(0);
        expect(r?.ops).toBeGreaterThan(0);
        expect(r?.p99Ms).toBeGreaterThanOrEqual(r?.p50Ms ?? Number.NaN);
        expect(r?.rssMegabytes).toBeGreaterThan(1);
        expect(r?.serverCpuMicrosPerOp).toBeGreaterThanOrEqual(0);
      }
    expect(report.ratios).toHaveLength(configs.length);
    for (const ratio of report.ratios) expect(ratio.opsPerSecond).toBeGreaterThan(0);
    // Every member was stopped and its data removed (tsx keeps its cache there too).
    expect(readdirSync(scratch).filter((f) => f.startsWith('cohort-bench-'))).toEqual([]);
  }, 120_000);

  it('loads keys into both servers and reports their RSS (rss, tiny)', async () => {
    const out = await run([
      ...['bench', 'server', '--json', '--members', '1', '--workloads', 'rss'],
      ...['--keys', '1000', '--value-bytes', '100'],
    ]);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const report = JSON.parse(out.stdout) as ServerBenchReport;
    expect(report.failures).toEqual([]);
    expect(report.runs.map((r) => r.server).sort()).toEqual(['cohort', 'etcd']);
    for (const r of report.runs) {
      expect(r.workload).toBe('rss');
      expect([r.keys, r.valueBytes, r.ops, r.errors]).toEqual([1000, 100, 1000, 0]);
      expect(r.rssMegabytes).toBeGreaterThan(1);
      expect(r.rssSettledMegabytes).toBeGreaterThan(1);
      expect(r.anonSettledMegabytes).toBeGreaterThan(1);
      expect(r.anonSettledMegabytes).toBeLessThanOrEqual(r.rssSettledMegabytes ?? 0);
      // 1,000 values of 100 B are in each database.
      expect(r.dbMegabytes).toBeGreaterThan(0);
    }
    expect(report.ratios).toHaveLength(1);
    expect(report.ratios[0]?.rssSettled).toBeGreaterThan(0);
    expect(readdirSync(scratch).filter((f) => f.startsWith('cohort-bench-'))).toEqual([]);
  }, 120_000);

  it('names the workloads when given an unknown one (exit 2)', async () => {
    const out = await run(['bench', 'server', '--workloads', 'put,locks']);
    expect(out.code).toBe(2);
    expect(out.stderr).toContain("unknown 'locks'");
    expect(out.stderr).toContain('hot-lock');
  });
});
