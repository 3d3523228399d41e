// `cohort bench schedulers` (bench/schedulers.ts): the three architectures run on the same
// streams, every run passes its checks, and the figures move the way load moves them. The
// runs are simulated, so these are exact comparisons for fixed seeds, not timing thresholds.

import { describe, expect, it } from 'vitest';
import { benchSchedulers } from '../bench/schedulers.js';
import { schedulersBenchText, schedulersSvg } from '../bench/schedulers-text.js';

describe('bench schedulers', () => {
  const report = benchSchedulers({ seeds: 2, arrivalsMs: [400, 60] });

  it('runs every architecture at every load, and every run passes its checks', () => {
    expect(report.rows.map((r) => `${r.architecture}@${r.arrivalMs}`)).toEqual([
      'monolithic@400',
      'two-level@400',
      'shared-state@400',
      'monolithic@60',
      'two-level@60',
      'shared-state@60',
    ]);
    for (const r of report.rows) expect(r.failed, r.architecture).toEqual([]);
  });

  it('reports what each architecture has: conflicts for Omega, declines for Mesos', () => {
    const by = (name: string) => report.rows.filter((r) => r.architecture === name);
    for (const r of by('monolithic')) {
      expect([r.conflicts, r.declines, r.fairnessJain]).toEqual([null, null, null]);
    }
    for (const r of by('two-level')) expect(r.declines).toBeGreaterThan(0);
    for (const r of by('shared-state')) expect(r.conflicts).not.toBeNull();
  });

  it('waits longer and uses more of the cluster as load rises', () => {
    for (const name of ['monolithic', 'two-level', 'shared-state']) {
      const [light, heavy] = report.rows.filter((r) => r.architecture === name);
      expect(heavy?.waitP99Ms, name).toBeGreaterThan(light?.waitP99Ms ?? Infinity);
      expect(heavy?.cpuPercent, name).toBeGreaterThan(light?.cpuPercent ?? Infinity);
    }
  });

  it('prints a table without failures and plots a line per architecture and percentile', () => {
    const text = schedulersBenchText(report);
    expect(text).toContain('shared-state');
    expect(text).not.toContain('FAILED');
    const svg = schedulersSvg(report);
    for (const label of ['monolithic p99', 'two-level p50', 'shared-state p99'])
      expect(svg).toContain(label);
  });
});
