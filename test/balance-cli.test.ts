// `cohort balance` from the shell: nginx's sequence for 5,1,1, the other policies, --json,
// --help with examples, and bad input answered in one line with exit code 2.

import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { COHORT_ARGV } from './support/cohort-argv.js';

const [NODE, ...ARGS] = COHORT_ARGV as [string, ...string[]];

function cohort(...args: string[]) {
  const out = spawnSync(NODE, [...ARGS, 'balance', ...args], { encoding: 'utf8' });
  return { status: out.status, stdout: out.stdout, stderr: out.stderr };
}

describe('cohort balance', () => {
  it("prints nginx's smooth weighted sequence for a=5,b=1,c=1", () => {
    const out = cohort('swrr', '--weights', 'a=5,b=1,c=1', '--picks', '21');
    expect(out.status).toBe(0);
    expect(out.stdout.split('\n')[0]).toBe('aabacaa'.repeat(3));
    expect(out.stdout).toContain('picked: a 15  b 3  c 3');
  });

  it('prints JSON for machines, and the other policies', () => {
    const rr = cohort('rr', '--weights', 'a=5,b,c', '--picks', '6', '--json');
    expect(rr.status).toBe(0);
    const doc = JSON.parse(rr.stdout);
    expect(doc).toMatchObject({ policy: 'rr', picks: 6, sequence: ['a', 'b', 'c', 'a', 'b', 'c'] });
    expect(doc.weights).toEqual({ a: 5, b: 1, c: 1 });

    // a holds each request for 8 picks, b and c for 1: least-conn steers away from a.
    const lc = JSON.parse(
      cohort('least-conn', '--weights', 'a,b,c', '--hold', 'a=8,b=1,c=1', '--picks', '30', '--json')
        .stdout,
    );
    expect(lc.counts.a).toBeLessThan(lc.counts.b);
    expect(lc.hold).toEqual({ a: 8, b: 1, c: 1 });

    const p2c = (seed: string) =>
      JSON.parse(
        cohort('p2c', '--weights', 'a,b,c,d', '--seed', seed, '--picks', '40', '--json').stdout,
      );
    expect(p2c('7').sequence).toEqual(p2c('7').sequence);
    expect(p2c('7').seed).toBe(7);
    expect(p2c('8').sequence).not.toEqual(p2c('7').sequence);

    const down = cohort('swrr', '--weights', 'a=5,b=1,c=1', '--down', 'b', '--picks', '12');
    expect(down.stdout.split('\n')[0]).not.toContain('b');
  });

  it('--help lists the policies, the completion pattern and examples', () => {
    const out = cohort('--help');
    expect(out.status).toBe(0);
    expect(out.stdout).toContain('Examples:');
    expect(out.stdout).toContain('cohort balance swrr --weights a=5,b=1,c=1 --picks 21');
    expect(out.stdout).toContain('Completion pattern');
  });

  it.each([
    [['swrr', '--weights', 'a=0'], 'must be an integer'],
    [['swrr', '--weights', 'a=NaN'], 'must be an integer'],
    [['swrr', '--weights', 'a=-3'], 'must be an integer'],
    [['swrr', '--weights', 'a,a'], 'listed twice'],
    [['swrr', '--weights', 'a', '--picks', '0'], '--picks'],
    [['swrr', '--weights', 'a', '--hold', 'z=3'], 'not in --weights'],
    [['swrr', '--weights', 'a=1=2'], 'not name=integer'],
    [['wrr', '--weights', 'a'], 'Allowed choices'],
    [['swrr'], '--weights'],
  ])('cohort balance %j: one line, exit 2', (args, message) => {
    const out = cohort(...args);
    expect(out.status).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr.trim().split('\n')).toHaveLength(1);
    expect(out.stderr).toContain(message);
  });
});
