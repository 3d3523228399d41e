// Every registered algorithm's named scenarios show what they claim: safety holds or is
// violated, liveness holds or fails, exactly as each scenario's `expect` says.

import { describe, expect, it } from 'vitest';
import { algorithms } from '../src/algorithms/registry.js';
import { simulate } from '../src/sim/run.js';

const cases = algorithms.flatMap((spec) => spec.scenarios.map((scenario) => ({ spec, scenario })));

describe('named scenarios', () => {
  it.each(cases.map((c) => [`${c.spec.name} ${c.scenario.name}`, c] as const))(
    '%s',
    (_label, { spec, scenario }) => {
      const { result } = simulate(spec, {
        faults: scenario.faults,
        ...(scenario.nodes !== undefined && { nodes: scenario.nodes }),
        ...(scenario.durationMs !== undefined && { durationMs: scenario.durationMs }),
        ...(scenario.options !== undefined && { options: scenario.options }),
      });
      const safety = result.invariants.every((c) => c.holds) ? 'hold' : 'violated';
      expect(safety).toBe(scenario.expect.safety);
      if (safety === 'hold') {
        const liveness = result.liveness.every((c) => c.holds) ? 'hold' : 'violated';
        expect(liveness).toBe(scenario.expect.liveness);
      }
    },
  );
});
