// `cohort allocate` as a user runs it (the CLI from source, a real process): the tables for
// max-min and DRF on the classic examples, the JSON documents with their exact fractions,
// Algorithm 1's schedule, --help with examples, and bad input answered with one line on
// stderr and exit code 2.

import { type SpawnSyncReturns, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { COHORT_ARGV } from './support/cohort-argv.js';

const [NODE, ...NODE_ARGS] = COHORT_ARGV as [string, ...string[]];

function cohort(...args: string[]): SpawnSyncReturns<string> {
  return spawnSync(NODE, [...NODE_ARGS, 'allocate', ...args], { encoding: 'utf8' });
}

/** The table's rows as arrays of cells (columns are separated by two or more spaces). */
function rows(stdout: string): string[][] {
  return stdout
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.startsWith('─'))
    .map((line) => line.trim().split(/\s{2,}/));
}

describe('cohort allocate maxmin', () => {
  it('prints the classic example as a table: 2, 2.6, 2.7, 2.7', () => {
    const out = cohort('maxmin', '--capacity', '10', '--demands', '2,2.6,4,5');
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/10 of 10 allocated, fair share 2\.7/);
    expect(rows(out.stdout).slice(1)).toEqual([
      ['user', 'demand', 'weight', 'allocation', 'satisfied'],
      ['A', '2', '1', '2', 'yes'],
      ['B', '2.6', '1', '2.6', 'yes'],
      ['C', '4', '1', '2.7', 'no'],
      ['D', '5', '1', '2.7', 'no'],
    ]);
  });

  it('--json with weights and names: floats and exact fractions', () => {
    const out = cohort(
      'maxmin',
      ...['--capacity', '10', '--demands', '10,10,10', '--weights', '1,1,1.5'],
      ...['--users', 'web,batch,ml', '--json'],
    );
    expect(out.status).toBe(0);
    const doc = JSON.parse(out.stdout);
    expect(doc.fairShareExact).toBe('20/7');
    expect(
      doc.users.map((u: { user: string; allocationExact: string }) => [u.user, u.allocationExact]),
    ).toEqual([
      ['web', '20/7'],
      ['batch', '20/7'],
      ['ml', '30/7'],
    ]);
    expect(doc.users[2].allocation).toBeCloseTo(30 / 7, 12);
  });
});

describe('cohort allocate drf', () => {
  it("the paper's example: A 3 tasks, B 2 tasks, dominant shares 2/3", () => {
    const out = cohort(
      'drf',
      ...['--capacity', '9,18', '--demands', '1,4/3,1', '--resources', 'cpu,gb'],
    );
    expect(out.stderr).toBe('');
    expect(out.status).toBe(0);
    expect(rows(out.stdout).slice(1)).toEqual([
      ['user', 'task', 'weight', 'tasks', 'cpu', 'gb', 'dominant share'],
      ['A', '⟨1, 4⟩', '1', '3', '3', '12', '2/3 ≈ 0.6667 (gb)'],
      ['B', '⟨3, 1⟩', '1', '2', '6', '2', '2/3 ≈ 0.6667 (cpu)'],
      ['used', '9', '14'],
      ['free', '0', '4'],
    ]);
  });

  it('users that need no saturated resource keep filling; decimals print exactly', () => {
    const out = cohort('drf', '--capacity', '10,10', '--demands', '2,0/1,2/0,1');
    expect(out.status).toBe(0);
    expect(rows(out.stdout).slice(2)).toEqual([
      ['A', '⟨2, 0⟩', '1', '3.75', '7.5', '0', '0.75 (r1)'],
      ['B', '⟨1, 2⟩', '1', '2.5', '2.5', '5', '0.5 (r2)'],
      ['C', '⟨0, 1⟩', '1', '5', '0', '5', '0.5 (r2)'],
      ['used', '10', '10'],
      ['free', '0', '0'],
    ]);
  });

  it('--discrete --json: whole tasks and the schedule of Algorithm 1', () => {
    const out = cohort(
      'drf',
      ...['--capacity', '9,18', '--demands', '3,1/1,4', '--users', 'B,A', '--discrete', '--json'],
    );
    expect(out.status).toBe(0);
    const doc = JSON.parse(out.stdout);
    expect(doc.mode).toBe('discrete-stop');
    expect(doc.schedule).toEqual(['B', 'A', 'A', 'B', 'A']);
    expect(doc.users.map((u: { tasks: number }) => u.tasks)).toEqual([2, 3]);
    expect(doc.users.map((u: { dominantShareExact: string }) => u.dominantShareExact)).toEqual([
      '2/3',
      '2/3',
    ]);
    expect(doc.resources.map((r: { usedExact: string }) => r.usedExact)).toEqual(['9', '14']);
  });

  it('weighted: A with weight 2 gets twice the dominant share', () => {
    const out = cohort('drf', '--capacity', '9,18', '--demands', '1,4/3,1', '--weights', '2,1');
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/^A\s+⟨1, 4⟩\s+2\s+54\/13 ≈ 4\.154 .*12\/13 ≈ 0\.9231 \(r2\)$/m);
    expect(out.stdout).toMatch(/^B\s+⟨3, 1⟩\s+1\s+18\/13 ≈ 1\.385 .*6\/13 ≈ 0\.4615 \(r1\)$/m);
  });

  it('--help shows the examples', () => {
    const out = cohort('drf', '--help');
    expect(out.status).toBe(0);
    expect(out.stdout).toMatch(/--discrete/);
    expect(out.stdout).toMatch(/cohort allocate drf --capacity 9,18 --demands 1,4\/3,1/);
  });
});

describe('cohort allocate: bad input is one line on stderr and exit 2', () => {
  it.each([
    [['maxmin', '--capacity', '10', '--demands', '2,-1'], /demand of user 2 is negative/],
    [['maxmin', '--capacity', '10', '--demands', '2,NaN'], /not a finite number/],
    [['maxmin', '--capacity', '0', '--demands', '2'], /capacity of resource 1 is zero/],
    [['maxmin', '--capacity', '10', '--demands', '2,,3'], /comma-separated list/],
    [['maxmin', '--capacity', '10', '--demands', '2,3', '--weights', '1'], /weights.*expected 2/],
    [['drf', '--capacity', '9,18', '--demands', '1,4/30,1'], /needs 30 of resource 1/],
    [['drf', '--capacity', '9,18', '--demands', '1,4/3'], /expected 2, got 1/],
    [['drf', '--capacity', '9,18', '--demands', '0,0'], /needs no resource/],
    [['drf', '--capacity', '9,18', '--demands', '1,4', '--skip'], /--discrete only/],
    [['drf', '--capacity', '9'], /required option '--demands/],
    [[], /'allocate' needs a subcommand: maxmin, drf/],
  ])('cohort allocate %j', (args, message) => {
    const out = cohort(...args);
    expect(out.status).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr).toMatch(message);
    expect(out.stderr.trim().split('\n')).toHaveLength(1);
  });
});
