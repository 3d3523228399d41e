// `cohort bench locks` end to end, tiny (200 ms per configuration), with real servers it
// starts itself: Cohort's Redis backend beside redlock and redis-semaphore on one
// redis-server, and Cohort's etcd backend beside etcd3's lock() on a real etcd 3.4. Checked:
// it runs, every row has operations and no error or exclusion violation, Cohort's rows carry
// their ratio to the best peer, and nothing is left behind in TMPDIR. Also: the exclusion
// check catches a lock that is not one (without it, a broken lock would be measured as a fast
// one), and an unknown --backends name is a usage error. No timing thresholds.

import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LocksBenchReport } from '../bench/locks.js';
import { hotLock, uncontended } from '../bench/locks-run.js';
import type { Mutexes } from '../bench/locks-targets.js';
import { COHORT_ARGV } from './support/cohort-argv.js';

const [NODE, ...NODE_ARGS] = COHORT_ARGV as [string, ...string[]];
const scratch = mkdtempSync(join(tmpdir(), 'cohort-bench-locks-test-'));
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

/** A "lock" that grants every request at once: what the exclusion check exists to catch. */
const noLock: Mutexes = {
  acquire: async () => async () => {},
  close: async () => {},
};

describe('cohort bench locks', () => {
  it('measures Cohort and its peers on Redis and etcd, and cleans up', async () => {
    const out = await run([
      ...['bench', 'locks', '--json', '--backends', 'redis,etcd'],
      ...['--concurrency', '1,4', '--duration', '200', '--repeats', '1'],
    ]);
    expect(out.stderr).toBe(''); // No progress off a terminal.
    expect(out.code).toBe(0);
    const report = JSON.parse(out.stdout) as LocksBenchReport;
    expect(report.skipped).toEqual([]);
    const implementations = [
      ['redis (1 instance)', 'cohort redis'],
      ['redis (1 instance)', 'redlock (npm)'],
      ['redis (1 instance)', 'redis-semaphore Mutex'],
      ['etcd 3.4', 'cohort etcd'],
      ['etcd 3.4', 'etcd3 lock()'],
    ];
    const configs = [
      ['uncontended', 1],
      ['uncontended', 4],
      ['hot-lock', 16],
    ] as const;
    expect(report.runs).toHaveLength(implementations.length * configs.length);
    for (const [server, implementation] of implementations)
      for (const [workload, concurrency] of configs) {
        const what = `${implementation} on ${server}, ${workload} at ${concurrency}`;
        const r = report.runs.find(
          (x) =>
            x.server === server &&
            x.implementation === implementation &&
            x.workload === workload &&
            x.concurrency === concurrency,
        );
        expect(r, what).toBeDefined();
        expect(r?.errors, `${what}: ${r?.firstError}`).toBe(0);
        expect(r?.violations, what).toBe(0);
        expect(r?.ops, what).toBeGreaterThan(0);
        expect(r?.p99Ms, what).toBeGreaterThanOrEqual(r?.p50Ms ?? Number.NaN);
        if (r?.peer === false) expect(r.vsBestPeer, what).toBeGreaterThan(0);
        if (workload === 'hot-lock') expect(r?.grantsMax, what).toBeGreaterThan(0);
      }
    // Every server was stopped and its data removed (tsx keeps its cache there too).
    expect(readdirSync(scratch).filter((f) => f.startsWith('cohort-bench-'))).toEqual([]);
  }, 180_000);

  it('counts the overlaps of a lock that does not exclude', async () => {
    const hot = await hotLock(noLock, 'x', 16, 100);
    expect(hot.violations).toBeGreaterThan(0);
    // Uncontended workers never share a name: no overlap even without a lock.
    const spread = await uncontended(noLock, 'x', 16, 100);
    expect(spread.violations).toBe(0);
    expect(spread.ops).toBeGreaterThan(0);
  });

  it('refuses an unknown backend', async () => {
    const out = await run(['bench', 'locks', '--backends', 'redis,mongo']);
    expect(out.code).not.toBe(0);
    expect(out.stderr).toContain("--backends: unknown 'mongo'");
    expect(readdirSync(scratch).filter((f) => f.startsWith('cohort-bench-'))).toEqual([]);
  }, 60_000);
});
