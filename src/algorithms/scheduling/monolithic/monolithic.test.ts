import { describe, expect, it } from 'vitest';
import { fuzz } from '../../../sim/fuzz.js';
import { simulate } from '../../../sim/run.js';
import { monolithic } from './index.js';

function runScenario(name: string) {
  const s = monolithic.scenarios.find((x) => x.name === name)!;
  return simulate(monolithic, { faults: s.faults, ...(s.options && { options: s.options }) })
    .result;
}

describe('scheduling/monolithic', () => {
  it('places every job of the stream without over-committing a machine', () => {
    const { result } = simulate(monolithic, {});
    expect(result.ok).toBe(true);
    expect(result.metrics.jobsPlaced).toBe(60);
    expect(result.metrics.utilizationCpuPercent).toBeGreaterThan(0);
  });

  // Omega (EuroSys 2013 §2.1): a single scheduler's slow decisions block the jobs behind it.
  it('makes batch jobs wait behind slow service decisions (head-of-line blocking)', () => {
    const base = simulate(monolithic, {}).result.metrics;
    const blocked = runScenario('head-of-line-blocking');
    expect(blocked.ok).toBe(true);
    expect(blocked.metrics.waitP99BatchMs as number).toBeGreaterThan(base.waitP99BatchMs as number);
  });

  // Borg §2.5: production (service) work preempts batch work when the cell is full.
  it('lets service tasks preempt batch tasks, cutting their wait', () => {
    const without = runScenario('no-preemption');
    const with_ = runScenario('preemption');
    expect(without.ok && with_.ok).toBe(true);
    expect(without.metrics.preemptions).toBe(0);
    expect(with_.metrics.preemptions as number).toBeGreaterThan(0);
    expect(with_.metrics.waitP99ServiceMs as number).toBeLessThan(
      without.metrics.waitP99ServiceMs as number,
    );
  });

  it('never starts a task twice when preempting Launches overtake their victims', () => {
    expect(runScenario('reordered-network').ok).toBe(true);
  });

  it('keeps machines within capacity and places every job under random fault plans', () => {
    const small = { jobs: 25, arrivalMs: 40 };
    expect(fuzz(monolithic, { runs: 60, seed: 20, options: small }).failures).toEqual([]);
  });
});
