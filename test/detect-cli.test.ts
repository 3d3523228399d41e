// `cohort detect` from the shell, run small: the JSON document's shape (a point per timeout
// and threshold per setting, every crash detected on a calm network, no false suspicions
// there), the SVG it writes (one line per detector and setting), the human table, and bad
// input answered in one line with exit code 2.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { COHORT_ARGV } from './support/cohort-argv.js';

const [NODE, ...ARGS] = COHORT_ARGV as [string, ...string[]];
const dir = mkdtempSync(path.join(tmpdir(), 'cohort-detect-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function cohort(...args: string[]) {
  const out = spawnSync(NODE, [...ARGS, 'detect', ...args], { encoding: 'utf8' });
  return { status: out.status, stdout: out.stdout, stderr: out.stderr };
}

const SMALL = [
  '--duration',
  '8000',
  '--seeds',
  '1',
  '--timeouts',
  '300,600',
  '--thresholds',
  '4,8',
];

describe('cohort detect', () => {
  it('prints one JSON document: a point per detector setting, and writes the plot', () => {
    const svg = path.join(dir, 'trade-off.svg');
    const out = cohort(
      ...SMALL,
      '--loss',
      '0,0.1',
      '--jitter',
      '1..10,20..400@1-2',
      '--svg',
      svg,
      '--json',
    );
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    const doc = JSON.parse(out.stdout);
    expect(doc).toMatchObject({ nodes: 5, intervalMs: 100, durationMs: 8000, seeds: 1, svg });
    expect(doc.settings).toHaveLength(4);
    expect(doc.settings.map((s: { link: unknown }) => s.link)).toEqual([
      null,
      [1, 2],
      null,
      [1, 2],
    ]);
    for (const s of doc.settings) {
      expect(s.faults).toContain('crash 5 @3000');
      expect(
        s.points.map(
          (p: { detector: string; parameter: number }) => `${p.detector} ${p.parameter}`,
        ),
      ).toEqual(['fixed 300', 'fixed 600', 'phi 4', 'phi 8']);
      for (const p of s.points) {
        expect(Object.keys(p).sort()).toEqual(
          [
            'crashes',
            'detected',
            'detectionMsMax',
            'detectionMsMean',
            'detector',
            'falseSuspicions',
            'mistakesPerPairMinute',
            'parameter',
            'wrongSuspicionPct',
          ].sort(),
        );
        expect(p.crashes).toBe(1);
      }
    }
    // A calm network: every crash detected, nobody falsely suspected, a longer timeout slower.
    const calm = doc.settings[0].points;
    for (const p of calm) expect(p).toMatchObject({ detected: 1, falseSuspicions: 0 });
    expect(calm[1].detectionMsMean).toBeGreaterThan(calm[0].detectionMsMean);
    const plot = readFileSync(svg, 'utf8');
    expect(plot.startsWith('<svg')).toBe(true);
    expect(plot.match(/<polyline/g)).toHaveLength(8);
  });

  it('prints a table per setting for people', () => {
    const out = cohort(...SMALL, '--loss', '0', '--jitter', '1..10');
    expect(out.status).toBe(0);
    expect(out.stdout).toContain('loss 0%, delay 1..10 ms');
    expect(out.stdout).toMatch(/fixed 300 ms\s+1\/1/);
    expect(out.stdout).toMatch(/φ 8\s+1\/1/);
  });

  it.each([
    [['--loss', '1.5'], /--loss: '1.5' is not a rate/],
    [['--jitter', '10..1'], /--jitter: '10..1'/],
    [['--jitter', '1..10@1-9'], /outside nodes 1..5/],
    [['--duration', '100'], /--duration must be an integer/],
    [['--thresholds', '0'], /--thresholds must be an integer in 1..300/],
  ])('refuses %j in one line with exit code 2', (args, message) => {
    const out = cohort(...args);
    expect(out.status).toBe(2);
    expect(out.stderr).toMatch(message);
    expect(out.stderr.trim().split('\n')).toHaveLength(1);
  });
});
