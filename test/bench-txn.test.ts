// `cohort bench txn` end to end, tiny (200 ms per run, concurrency 1 and 2), with the two
// PostgreSQL servers it starts itself. Checked: the JSON report's shape — a row per protocol
// and concurrency with transfers and no errors, ratios to the local transaction on every other
// row, the goal at concurrency 1 computed and at 64 absent (not measured) — that fsyncs are
// really counted (each PREPARE and COMMIT PREPARED, each local commit and each coordinator
// log write syncs at least once per transfer at concurrency 1; the one-server XA variants
// sync on server a only, both databases being its), that the audit found the
// money conserved, that CPU per transfer is reported for the client and the servers, and
// that nothing is left behind in TMPDIR. No timing thresholds.

import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { TxnBenchReport } from '../bench/txn.js';
import { COHORT_ARGV } from './support/cohort-argv.js';

const [NODE, ...NODE_ARGS] = COHORT_ARGV as [string, ...string[]];
const scratch = mkdtempSync(join(tmpdir(), 'cohort-bench-txn-test-'));
// PostgreSQL runs as its own user when we are root: it must be able to reach its data below.
chmodSync(scratch, 0o755);
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

describe('cohort bench txn', () => {
  it('measures the local transaction, XA (four ways), TCC and a saga, and cleans up', async () => {
    const out = await run([
      ...['bench', 'txn', '--json', '--concurrency', '1,2'],
      ...['--duration', '200', '--repeats', '1'],
    ]);
    expect(out.stderr).toBe(''); // No progress off a terminal.
    expect(out.code).toBe(0);
    const report = JSON.parse(out.stdout) as TxnBenchReport;
    expect(report.skipped).toEqual([]);
    expect(report.problems).toEqual([]);
    expect(report.concurrency).toEqual([1, 2]);
    expect(report.runs).toHaveLength(14);
    const xas = ['xa', 'xa-lr', 'xa-1srv', 'xa-lr-1srv'] as const;
    for (const protocol of ['local', ...xas, 'tcc', 'saga'] as const)
      for (const concurrency of [1, 2]) {
        const what = `${protocol} at ${concurrency}`;
        const r = report.runs.find((x) => x.protocol === protocol && x.concurrency === concurrency);
        expect(r, what).toBeDefined();
        expect(r?.errors, `${what}: ${r?.firstError}`).toBe(0);
        expect(r?.transfers, what).toBeGreaterThan(0);
        expect(r?.transfersPerSecond, what).toBeGreaterThan(0);
        expect(r?.p99Ms, what).toBeGreaterThanOrEqual(r?.p50Ms ?? Number.NaN);
        expect(r?.lockHoldP99Ms, what).toBeGreaterThanOrEqual(r?.lockHoldP50Ms ?? Number.NaN);
        expect(r?.lockHoldP50Ms, what).toBeGreaterThan(0);
        const f = r?.fsyncsPerTransfer;
        // Each is rounded to 2 decimals on its own.
        const parts = (f?.serverA ?? 0) + (f?.serverB ?? 0) + (f?.log ?? 0);
        expect(f?.total, what).toBeCloseTo(parts, 1);
        expect(r?.cpuMsPerTransfer.client, what).toBeGreaterThan(0);
        expect(r?.cpuMsPerTransfer.servers, what).toBeGreaterThanOrEqual(0); // Linux: /proc.
        if (protocol === 'local') expect(r?.vsLocal, what).toBeUndefined();
        else expect(r?.vsLocal?.throughput, what).toBeGreaterThan(0);
      }
    const at1 = (p: string) => report.runs.find((x) => x.protocol === p && x.concurrency === 1);
    // One commit for the local transaction; XA: PREPARE and COMMIT PREPARED on each server
    // and the decision; the coordinators of TCC and sagas log at least once per transfer.
    expect(at1('local')?.fsyncsPerTransfer.serverA).toBeGreaterThanOrEqual(1);
    expect(at1('local')?.fsyncsPerTransfer.log).toBe(0);
    expect(at1('xa')?.fsyncsPerTransfer.serverA).toBeGreaterThanOrEqual(1);
    expect(at1('xa')?.fsyncsPerTransfer.serverB).toBeGreaterThanOrEqual(1);
    for (const p of ['xa', 'tcc', 'saga']) expect(at1(p)?.fsyncsPerTransfer.log).toBeGreaterThan(0);
    // With a last resource: a's PREPARE and COMMIT PREPARED, b's COMMIT, and no log.
    expect(at1('xa-lr')?.fsyncsPerTransfer.serverA).toBeGreaterThanOrEqual(1);
    expect(at1('xa-lr')?.fsyncsPerTransfer.serverB).toBeGreaterThanOrEqual(1);
    expect(at1('xa-lr')?.fsyncsPerTransfer.log).toBe(0);
    // Both databases on server a: its WAL takes every branch's syncs (concurrent ones may share).
    for (const p of ['xa-1srv', 'xa-lr-1srv'])
      expect(at1(p)?.fsyncsPerTransfer.serverA, p).toBeGreaterThanOrEqual(1);
    expect(at1('xa-1srv')?.fsyncsPerTransfer.log).toBeGreaterThan(0);
    expect(at1('xa-lr-1srv')?.fsyncsPerTransfer.log).toBe(0);
    expect(report.goals.map((g) => g.protocol)).toEqual([...xas]);
    for (const goal of report.goals) {
      expect(goal.latencyRatioAt1).toBe(at1(goal.protocol)?.vsLocal?.p50);
      expect(goal.throughputRatioAt64).toBeUndefined();
      expect(goal.met).toBeUndefined();
    }
    // Both servers were stopped and their data and the logs removed.
    expect(readdirSync(scratch).filter((f) => f.startsWith('cohort-bench-'))).toEqual([]);
  }, 180_000);
});
