// `cohort bench compute` end to end at a tiny size (1 MB, 300 stream records), the CLI from
// source with real worker processes and the real `sort`. Checked: every word counter — the
// single-process Node count, MapReduce at 1, 2 and 4 workers, `tr | sort | uniq -c` — gives
// the same words and counts (the report says so and lists no mismatch), the stream is exact
// at both delivery guarantees, CPU and peak memory are measured, and nothing is left in
// TMPDIR. No timing thresholds: the figures are only checked to be there. The human output
// ends with the common metrics table, and --svg writes the scaling plot.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { ComputeBenchReport } from '../bench/compute.js';
import { METRICS_TABLE_COLUMNS, METRICS_TABLE_TITLE } from '../bench/metrics-table.js';
import { COHORT_ARGV } from './support/cohort-argv.js';

const [NODE, ...NODE_ARGS] = COHORT_ARGV as [string, ...string[]];
const scratch = mkdtempSync(join(tmpdir(), 'cohort-bench-compute-test-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('cohort bench compute', () => {
  it('gets one answer from every counter, and cleans up', () => {
    const args = ['bench', 'compute', '--size', '1', '--records', '300', '--json'];
    const out = spawnSync(NODE, [...NODE_ARGS, ...args], {
      env: { ...process.env, TMPDIR: scratch },
      encoding: 'utf8',
    });
    expect(out.stderr).toBe(''); // No progress off a terminal.
    expect(out.status).toBe(0);
    const report = JSON.parse(out.stdout) as ComputeBenchReport;
    expect(report.mismatches).toEqual([]);
    expect(report.corpusBytes).toBeGreaterThanOrEqual(1024 * 1024);
    const counters = report.wordCount.map((r) => [r.counter, r.workers]);
    expect(counters).toEqual([
      ['node', 1],
      ['mapreduce', 1],
      ['mapreduce', 2],
      ['mapreduce', 4],
      ['sort', undefined],
    ]);
    const node = report.wordCount[0] as ComputeBenchReport['wordCount'][number];
    expect(node.words).toBeGreaterThan(100_000);
    for (const r of report.wordCount) {
      const what = `${r.counter} ×${r.workers}`;
      expect(r.agrees, what).toBe(true);
      expect([r.words, r.distinct], what).toEqual([node.words, node.distinct]);
      expect(r.cpuMs, what).toBeGreaterThan(0);
      expect(r.peakRssMegabytes, what).toBeGreaterThan(0);
      expect(r.ratioToNode, what).toBeGreaterThan(0);
    }
    expect(report.goal.ratios.map((g) => g.workers)).toEqual([1, 2, 4]);
    expect(report.stream.map((s) => [s.delivery, s.records, s.exact, s.missing])).toEqual([
      ['at-least-once', 300, true, 0],
      ['exactly-once', 300, true, 0],
    ]);
    for (const s of report.stream) expect(s.p99Ms).toBeGreaterThanOrEqual(s.p50Ms);
    // tsx (the CLI from source) keeps its compile cache there too; ours start with cohort-.
    expect(readdirSync(scratch).filter((x) => x.startsWith('cohort-'))).toEqual([]);
  });

  it('prints its tables and the common metrics table, and plots with --svg', () => {
    const svg = join(scratch, 'compute-scaling.svg');
    const args = ['bench', 'compute', '--size', '1', '--records', '100', '--repeats', '1'];
    const out = spawnSync(NODE, [...NODE_ARGS, ...args, '--svg', svg], {
      env: { ...process.env, TMPDIR: scratch },
      encoding: 'utf8',
    });
    expect(out.status, out.stderr).toBe(0);
    expect(out.stdout).toContain('single-process Node');
    expect(out.stdout).toContain(`plot written to ${svg}`);
    const common = out.stdout.slice(out.stdout.indexOf(METRICS_TABLE_TITLE));
    expect(common.split('\n')[1]?.replace(/ {2,}/g, '  ')).toBe(METRICS_TABLE_COLUMNS.join('  '));
    for (const target of ['word count node workers=1', 'word count mapreduce workers=4'])
      expect(common).toContain(target);
    expect(common).toContain('stream exactly-once');
    const plot = readFileSync(svg, 'utf8');
    for (const label of ['MapReduce, wall', 'single-process Node, wall', 'sort | uniq -c, wall'])
      expect(plot).toContain(label);
    // One point per worker count on MapReduce's line.
    expect(plot.match(/<title>MapReduce, wall: /g)).toHaveLength(3);
  });

  it('refuses a bad --size in one line', () => {
    const out = spawnSync(NODE, [...NODE_ARGS, 'bench', 'compute', '--size', '0'], {
      encoding: 'utf8',
    });
    expect(out.status).toBe(2);
    expect(out.stderr.trim().split('\n')).toHaveLength(1);
    expect(out.stderr).toContain('--size');
  });
});
