// `cohort bench partition` on tiny sizes: every scheme has Cohort's rows and its peers', the
// ratios and figures are filled in, and the movement and balance figures are those of the
// mapping itself — Cohort's ketama and hashring map every key alike, so theirs are equal (at
// 9, 10 and 11 servers: at 7, 14 and 28 equal servers hashring's double-precision digest count
// differs from libketama's, see test/partition-ketama.test.ts).
// No timing is judged here (benchmarks never gate tests).

import { describe, expect, it } from 'vitest';
import { benchPartition } from '../bench/partition.js';
import { BENCH_SCHEMES } from '../bench/partition-targets.js';
import { partitionBenchText, partitionGoal } from '../bench/partition-text.js';

describe('cohort bench partition (tiny)', () => {
  const report = benchPartition({
    nodes: 10,
    keys: 3000,
    memoryNodes: 20,
    durationMs: 5,
    repeats: 1,
  });

  it('measures every scheme, Cohort beside its peers', () => {
    for (const scheme of BENCH_SCHEMES) {
      const rows = report.rows.filter((r) => r.scheme === scheme);
      expect(rows.some((r) => r.library === 'cohort')).toBe(true);
      for (const r of rows) expect(r.lookupsPerSecond).toBeGreaterThan(0);
    }
    const peers = new Set(report.rows.map((r) => r.library));
    for (const peer of ['hashring', 'ketama', 'consistent-hash', 'jumphash', 'cluster-key-slot'])
      expect(peers.has(peer)).toBe(true);
    for (const r of report.rows.filter((x) => x.library === 'cohort' && x.scheme !== 'modn'))
      expect(r.vsFastestPeer).not.toBeNull();
  });

  it('reports movement and balance from the mapping', () => {
    for (const r of report.rows.filter((x) => x.movedOnAdd !== null)) {
      expect(r.movedOnAdd).toBeGreaterThan(0);
      expect(r.movedOnAdd).toBeLessThanOrEqual(1);
      expect(r.maxOverMean).toBeGreaterThanOrEqual(1);
    }
    const modn = report.rows.find((r) => r.scheme === 'modn');
    const jump = report.rows.find((r) => r.scheme === 'jump' && r.library === 'cohort');
    // mod N remaps most keys on a change; jump about 1/(N+1).
    expect(modn?.movedOnAdd).toBeGreaterThan(0.5);
    expect(jump?.movedOnAdd).toBeLessThan(0.4);
    const ours = report.rows.find((r) => r.scheme === 'ketama' && r.library === 'cohort');
    const theirs = report.rows.find((r) => r.library === 'hashring');
    expect(ours?.movedOnAdd).toBe(theirs?.movedOnAdd);
    expect(ours?.movedOnRemove).toBe(theirs?.movedOnRemove);
    expect(ours?.maxOverMean).toBe(theirs?.maxOverMean);
  });

  it('prints the table and the goal per scheme', () => {
    const text = partitionBenchText(report);
    expect(text).toContain('hashring');
    expect(partitionGoal(report).map((g) => g.scheme)).toEqual([
      'ring',
      'ketama',
      'jump',
      'rendezvous',
      'slots',
    ]);
  });
});
