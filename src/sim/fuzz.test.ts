import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { COHORT_ARGV } from '../../test/support/cohort-argv.js';
import { findAlgorithm } from '../algorithms/registry.js';
import { formatFaultPlan, parseFaultPlan } from './fault-plan.js';
import { fuzz, randomFaultPlan, replayCommand, shellQuote } from './fuzz.js';
import type { RunResult } from './run.js';

/** Splits `cohort sim NAME --nodes N --seed S [--faults 'PLAN']` into its arguments. */
function replayArgs(replay: string): string[] {
  const m = /^cohort sim (\S+) --nodes (\d+) --seed (\d+)(?: --faults '((?:[^']|'\\'')*)')?$/.exec(
    replay,
  );
  expect(m, `unexpected replay command: ${replay}`).not.toBeNull();
  const [, name, nodes, seed, faults] = m!;
  const args = ['sim', name!, '--nodes', nodes!, '--seed', seed!];
  if (faults !== undefined) args.push('--faults', faults.replaceAll(`'\\''`, `'`));
  return args;
}

describe('fuzz', () => {
  it('finds, shrinks and replays the volatile-lock mutual-exclusion bug', () => {
    const spec = findAlgorithm('testing/volatile-lock')!;
    const report = fuzz(spec, { runs: 200 });
    expect(report.algorithm).toBe('testing/volatile-lock');
    expect(report.failures).toHaveLength(1);
    const failure = report.failures[0]!;
    expect(failure.check).toBe('mutual exclusion');
    expect(failure.faults).toContain('crash 1');
    expect(failure.replay.startsWith('cohort sim testing/volatile-lock --nodes 3 --seed ')).toBe(
      true,
    );

    const args = replayArgs(failure.replay);
    expect(args).toContain(failure.faults);
    const [node, ...nodeArgs] = COHORT_ARGV as [string, ...string[]];
    const out = spawnSync(node, [...nodeArgs, ...args, '--json'], { encoding: 'utf8' });
    expect(out.stderr).toBe('');
    expect(out.status).toBe(1);
    const result = JSON.parse(out.stdout) as RunResult;
    expect(result.seed).toBe(failure.seed);
    expect(result.faults).toBe(failure.faults);
    expect(result.ok).toBe(false);
    const broken = result.invariants.find((c) => !c.holds)!;
    expect(broken.name).toBe('mutual exclusion');
    expect(broken.violation).toBe(failure.violation);
  });

  it.each(['clock/lamport', 'clock/vector'])(
    '%s keeps its invariants under random fault plans',
    (name) => {
      const report = fuzz(findAlgorithm(name)!, { runs: 150 });
      expect(report.runs).toBe(150);
      expect(report.failures).toEqual([]);
    },
  );

  it('randomFaultPlan is deterministic per seed and parses back', () => {
    const a = randomFaultPlan(5, 5, 3_000);
    expect(randomFaultPlan(5, 5, 3_000)).toEqual(a);
    const texts = new Set(
      [1, 2, 3, 4, 5, 6].map((s) => formatFaultPlan(randomFaultPlan(s, 5, 3_000))),
    );
    expect(texts.size).toBeGreaterThan(1);
    for (const seed of [1, 2, 3, 4, 5, 6]) {
      const plan = randomFaultPlan(seed, 5, 3_000);
      expect(parseFaultPlan(formatFaultPlan(plan), 5)).toEqual(plan);
    }
  });

  it('draws only the faults a declared fault model tolerates', () => {
    const model = { tolerates: ['crash', 'delay'] as const, maxDelayMs: 40, assumption: 'test' };
    for (let seed = 1; seed <= 40; seed++) {
      const plan = randomFaultPlan(seed, 5, 3_000, model);
      for (const f of plan.faults) {
        expect(['crash', 'restart', 'rate']).toContain(f.kind);
        if (f.kind === 'rate') {
          expect(f.param).toBe('delay');
          expect((f.value as readonly number[])[1]).toBeLessThanOrEqual(40);
        }
      }
    }
  });

  it('shellQuote and replayCommand quote what the shell would split', () => {
    expect(shellQuote('clock/lamport')).toBe('clock/lamport');
    expect(shellQuote('crash 1 @5; heal @9')).toBe(`'crash 1 @5; heal @9'`);
    expect(shellQuote(`it's`)).toBe(`'it'\\''s'`);
    const spec = findAlgorithm('clock/lamport')!;
    expect(replayCommand(spec, { nodes: 4, seed: 9, faults: '' })).toBe(
      'cohort sim clock/lamport --nodes 4 --seed 9',
    );
    expect(replayCommand(spec, { nodes: 4, seed: 9, faults: 'drop 0.5' })).toBe(
      `cohort sim clock/lamport --nodes 4 --seed 9 --faults 'drop 0.5'`,
    );
  });
});
