import { describe, expect, it } from 'vitest';
import { fuzz } from '../../../sim/fuzz.js';
import { simulate } from '../../../sim/run.js';
import { twoLevel } from './index.js';

function runScenario(name: string) {
  const s = twoLevel.scenarios.find((x) => x.name === name)!;
  return simulate(twoLevel, { faults: s.faults, ...(s.options && { options: s.options }) }).result;
}

describe('scheduling/two-level', () => {
  it('places every job through offers, DRF choosing whom to offer to', () => {
    const { result } = simulate(twoLevel, {});
    expect(result.ok).toBe(true);
    expect(result.metrics.jobsPlaced).toBe(60);
    expect(result.metrics.offers as number).toBeGreaterThan(0);
  });

  // Mesos (NSDI 2011 §4.2, §6): a framework with large tasks waits on fragments.
  it('starves the framework that needs large offers while batch frameworks take fragments', () => {
    const base = simulate(twoLevel, {}).result;
    const starved = runScenario('large-offer-starvation');
    expect(starved.ok).toBe(true);
    expect(starved.metrics.declines as number).toBeGreaterThan(0);
    expect(starved.metrics.waitP99ServiceMs as number).toBeGreaterThan(
      2 * (base.metrics.waitP99ServiceMs as number),
    );
  });

  it('makes the other frameworks wait when one hoards offers, until the master rescinds', () => {
    const fair = runScenario('large-offer-starvation');
    const hoarded = runScenario('hoarding');
    expect(hoarded.ok).toBe(true);
    expect(hoarded.metrics.rescinds as number).toBeGreaterThan(0);
    expect(fair.metrics.rescinds).toBe(0);
    expect(hoarded.metrics.waitP99BatchMs as number).toBeGreaterThan(
      fair.metrics.waitP99BatchMs as number,
    );
  });

  // Mesos (NSDI 2011 §3.6): master failover rebuilds from agents and frameworks.
  it.each(['master-crash-mid-offer', 'framework-crash', 'partitioned-machine', 'lossy-network'])(
    'recovers from %s: nothing runs twice, every job completes',
    (name) => {
      const r = runScenario(name);
      expect(r.ok).toBe(true);
      expect(r.metrics.jobsPlaced).toBe(60);
    },
  );

  it('adopts the tasks machines still run after a short master outage', () => {
    expect(runScenario('master-crash-mid-offer').metrics.tasksLost).toBe(0);
    expect(runScenario('partitioned-machine').metrics.tasksLost as number).toBeGreaterThan(0);
  });

  it('keeps machines within capacity and places every job under random fault plans', () => {
    const small = { jobs: 25, arrivalMs: 40 };
    expect(fuzz(twoLevel, { runs: 50, seed: 20, options: small }).failures).toEqual([]);
    const hoard = { ...small, hoard: true, serviceTaskPercent: 80 };
    expect(fuzz(twoLevel, { runs: 30, seed: 21, options: hoard }).failures).toEqual([]);
  });
});
