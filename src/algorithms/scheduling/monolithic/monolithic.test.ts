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

  // Borg §3.3: a Borglet that stops answering is marked down and its tasks rescheduled. The
  // lease (shared/lease.ts) makes the machine kill them first, so none runs twice.
  it.each(['partitioned-machine', 'machine-crash', 'long-scheduler-outage', 'lossy-network'])(
    'reschedules the tasks a fault took (%s), none twice at once',
    (name) => {
      const r = runScenario(name);
      expect(r.ok).toBe(true);
      expect(r.metrics.jobsPlaced).toBe(60);
      expect(r.metrics.tasksLost as number).toBeGreaterThan(0);
    },
  );

  it('carries on from its durable books after a short crash, losing no task', () => {
    const s = monolithic.scenarios.find((x) => x.name === 'scheduler-crash')!;
    const { result: r, sim } = simulate(monolithic, { faults: s.faults, options: s.options! });
    expect(r.ok).toBe(true);
    expect(r.metrics.jobsPlaced).toBe(60);
    expect(r.metrics.tasksLost).toBe(0);
    // Every job arrives once: the restarted scheduler does not take the stream again.
    expect(sim.outputs.filter((o) => o.output.type === 'arrive')).toHaveLength(60);
  });

  it('runs a task twice at once when a machine is paused beyond the lease bound', () => {
    const r = runScenario('pause-beyond-lease');
    const broken = r.invariants.find((c) => !c.holds);
    expect(broken?.name).toBe('no task runs twice at once');
  });

  // Found by `cohort fuzz scheduling/monolithic`: a Launch refused (no lease yet) whose
  // refusals were all lost, then its tasks chosen as victims — the machine must report a
  // refused victim as preempted, or the scheduler waits for word of it forever.
  it('hears of a victim whose refusal was lost (regression, seed 2079864268)', () => {
    const faults = 'drop 0.179894 @0..18000; reorder 0.119669 @0..18000';
    const run = { seed: 2079864268, faults, options: { jobs: 25, arrivalMs: 40 } };
    expect(simulate(monolithic, run).result.ok).toBe(true);
  });

  it('keeps machines within capacity and places every job under random fault plans', () => {
    const small = { jobs: 25, arrivalMs: 40 };
    expect(fuzz(monolithic, { runs: 80, seed: 20, options: small }).failures).toEqual([]);
  });
});
