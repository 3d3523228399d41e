// The fuzzer never loses a failure that is an exception: testing/forgetful-session throws a
// TypeError inside a handler once node 1 restarts. The fuzz report names it as the check
// `exception` with its seed, the shrunk plan and the replay command; simulating the shrunk
// plan fails the same way without throwing; and the replay command, run by a real shell with
// `cohort` being the CLI from source, exits 1 with the check failed (no stack trace).

import { spawnSync } from 'node:child_process';
import { beforeAll, describe, expect, it } from 'vitest';
import { COHORT_ARGV } from '../../test/support/cohort-argv.js';
import { findAlgorithm } from '../algorithms/registry.js';
import { type FuzzFailure, type FuzzReport, fuzz, shellQuote } from './fuzz.js';
import { type RunResult, simulate } from './run.js';

const spec = findAlgorithm('testing/forgetful-session')!;

/** Runs `command` (a printed `cohort …` line) with /bin/sh, `cohort` being the source CLI. */
function runInShell(command: string): { status: number | null; stdout: string; stderr: string } {
  const cohort = COHORT_ARGV.map(shellQuote).join(' ');
  return spawnSync('sh', ['-c', `cohort() { ${cohort} "$@"; }; ${command}`], {
    encoding: 'utf8',
  });
}

describe('fuzz: an exception in a run', () => {
  let report: FuzzReport;
  let failure: FuzzFailure;
  beforeAll(() => {
    report = fuzz(spec, { runs: 100 });
    failure = report.failures[0]!;
  });

  it('is reported as the check `exception`, shrunk to a restart of node 1', () => {
    expect(report.failures).toHaveLength(1);
    expect(failure.check).toBe('exception');
    expect(failure.violation).toMatch(
      /^TypeError: Cannot read properties of undefined \(reading 'served'\) \(at event \d+, [\d.]+ ms\)$/,
    );
    // Only node 1 forgetting its sessions throws: a crash of it, or a storage fault (which
    // stops it the same way). The shrinker leaves nothing else.
    expect(failure.faults).toMatch(/^(crash 1 @\d+; restart 1 @\d+|disk 1 \S+ @\d+\.\.\d+)$/);
    expect(failure.replay).toBe(
      `cohort sim testing/forgetful-session --nodes 3 --seed ${failure.seed} --faults ${shellQuote(failure.faults)}`,
    );
  });

  it('reproduces from its seed and shrunk plan: simulate returns the failed check', () => {
    const { result } = simulate(spec, { nodes: 3, seed: failure.seed, faults: failure.faults });
    expect(result.ok).toBe(false);
    expect(result.invariants).toEqual([
      { name: 'exception', holds: false, violation: failure.violation },
    ]);
  });

  it('replays from its command: the CLI exits 1 with the check failed, JSON and text', () => {
    const json = runInShell(`${failure.replay} --json`);
    expect(json.stderr).toBe('');
    expect(json.status).toBe(1);
    const result = JSON.parse(json.stdout) as RunResult;
    expect(result).toMatchObject({ seed: failure.seed, faults: failure.faults, ok: false });
    expect(result.invariants).toEqual([
      { name: 'exception', holds: false, violation: failure.violation },
    ]);

    const text = runInShell(failure.replay);
    expect(text.stderr).toBe('');
    expect(text.status).toBe(1);
    expect(text.stdout).toContain(`exception — ${failure.violation}`);
    expect(text.stdout).not.toMatch(/\n\s+at /); // No stack trace.
  });
});
