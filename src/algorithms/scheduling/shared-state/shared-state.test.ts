import { describe, expect, it } from 'vitest';
import { fuzz } from '../../../sim/fuzz.js';
import { simulate } from '../../../sim/run.js';
import { monolithic } from '../monolithic/index.js';
import { sharedState } from './index.js';

function runScenario(name: string) {
  const s = sharedState.scenarios.find((x) => x.name === name)!;
  return simulate(sharedState, {
    faults: s.faults,
    ...(s.nodes !== undefined && { nodes: s.nodes }),
    ...(s.options && { options: s.options }),
  }).result;
}

describe('scheduling/shared-state', () => {
  it('places every job with two schedulers committing to the same machines', () => {
    const { result } = simulate(sharedState, {});
    expect(result.ok).toBe(true);
    expect(result.metrics.jobsPlaced).toBe(60);
  });

  it('places every job with one scheduler, and then never conflicts', () => {
    const { result } = simulate(sharedState, { nodes: 9, options: { schedulers: 1 } });
    expect(result.ok).toBe(true);
    expect(result.metrics.conflicts).toBe(0);
  });

  // Omega §5: a separate service scheduler takes slow decisions off the batch path.
  it('keeps batch jobs out of the service scheduler’s head-of-line blocking', () => {
    const omega = runScenario('no-head-of-line-blocking');
    const mono = simulate(monolithic, { options: { serviceDecisionMs: 400 } }).result;
    expect(omega.ok && mono.ok).toBe(true);
    expect(omega.metrics.waitP99BatchMs as number).toBeLessThan(
      mono.metrics.waitP99BatchMs as number,
    );
  });

  // Omega §3.4 and §4: optimistic commits conflict under contention; coarse-grained
  // detection refuses more of them than fine-grained.
  it('conflicts and retries under contention, more with coarse-grained detection', () => {
    const coarse = runScenario('contention');
    const fine = runScenario('contention-fine-grained');
    expect(coarse.ok && fine.ok).toBe(true);
    expect(fine.metrics.conflicts as number).toBeGreaterThan(0);
    expect(coarse.metrics.conflicts as number).toBeGreaterThan(fine.metrics.conflicts as number);
  });

  it('conflicts more as schedulers are added', () => {
    const conflicts = [1, 2, 4].map(
      (schedulers) =>
        simulate(sharedState, { nodes: 8 + schedulers, options: { schedulers, arrivalMs: 60 } })
          .result.metrics.conflictFraction as number,
    );
    expect(conflicts[0]).toBe(0);
    expect(conflicts[2] as number).toBeGreaterThan(conflicts[1] as number);
  });

  // Omega §3.4 with Borg's failure handling (§3.3): each scheduler holds its own leases.
  it.each(['partitioned-machine', 'scheduler-crash-mid-commit', 'lossy-network'])(
    'recovers from %s: nothing runs twice, every job completes',
    (name) => {
      const r = runScenario(name);
      expect(r.ok).toBe(true);
      expect(r.metrics.jobsPlaced).toBe(60);
    },
  );

  it('loses the partitioned machine’s tasks and places them again', () => {
    expect(runScenario('partitioned-machine').metrics.tasksLost as number).toBeGreaterThan(0);
  });

  it('keeps machines within capacity and places every job under random fault plans', () => {
    const small = { jobs: 25, arrivalMs: 40, schedulers: 3 };
    expect(fuzz(sharedState, { runs: 60, seed: 20, options: small }).failures).toEqual([]);
    const coarse = { ...small, conflicts: 'coarse' };
    expect(fuzz(sharedState, { runs: 30, seed: 21, options: coarse }).failures).toEqual([]);
  });
});
