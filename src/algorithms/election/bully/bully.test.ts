import { describe, expect, it } from 'vitest';
import { fuzz } from '../../../sim/fuzz.js';
import { simulate } from '../../../sim/run.js';
import { bully } from './index.js';

const scenario = (name: string) => bully.scenarios.find((s) => s.name === name)!;

function runScenario(name: string) {
  const s = scenario(name);
  return simulate(bully, { faults: s.faults, ...(s.options && { options: s.options }) }).result;
}

describe('election/bully', () => {
  it.each([3, 5, 9])('elects the largest id and nobody else leads (n=%i)', (n) => {
    const { result } = simulate(bully, { nodes: n });
    expect(result.ok).toBe(true);
    expect(result.metrics.leader).toBe(n);
    expect(result.metrics.maxConcurrentLeaders).toBe(1);
  });

  // Notes 001 §2.2.1: a recovered largest id takes over — so a flapping one switches leaders.
  it('switches leader every time the largest id comes and goes', () => {
    const result = runScenario('flapping-largest');
    expect(result.ok).toBe(true);
    expect(result.metrics.leaderChanges).toBe(6);
  });

  it('elects one leader per side of a partition, unless the minority steps down', () => {
    expect(runScenario('split-brain').metrics.maxConcurrentLeaders).toBe(2);
    const prevented = runScenario('split-brain-prevented');
    expect(prevented.metrics.maxConcurrentLeaders).toBe(1);
    expect(prevented.metrics.leaderChanges).toBe(0);
  });

  it('ranks by last operation in the MongoDB variant', () => {
    expect(runScenario('mongodb-lastop').metrics.leader).toBe(2);
  });

  it('ends with the largest live id leading under random fault plans', () => {
    expect(fuzz(bully, { runs: 1000, seed: 41 }).failures).toEqual([]);
    const stepDown = { stepDownMinority: true };
    expect(fuzz(bully, { runs: 500, seed: 42, options: stepDown }).failures).toEqual([]);
  });
});
