// The Lab's scenario loading (web/src/scenarios.ts): every named scenario of every registered
// algorithm becomes option text that parses back to the scenario's own options, so the page
// runs what `cohort sim <name> --scenario <scenario>` runs; an edited scenario is no longer it.

import { describe, expect, it } from 'vitest';
import { listedAlgorithms } from '../src/algorithms/registry.js';
import { parseOptionFields } from '../src/core/option-parser.js';
import { resolveOptions } from '../src/sim/run.js';
import { scenarioSettings, stillScenario } from '../web/src/scenarios.js';

const all = listedAlgorithms().flatMap((spec) =>
  spec.scenarios.map((s) => [spec.name, s.name, spec, s] as const),
);

describe('Lab scenarios', () => {
  it.each(all)('%s %s loads as the CLI runs it', (_name, scenario, spec, s) => {
    const loaded = scenarioSettings(spec, scenario);
    if (loaded === undefined) throw new Error('not found');
    expect(resolveOptions(spec, parseOptionFields(spec, loaded.rawOptions))).toEqual(
      resolveOptions(spec, s.options ?? {}),
    );
    expect(loaded.faults).toBe(s.faults);
    expect(loaded.nodesText).toBe(s.nodes === undefined ? '' : String(s.nodes));
    expect(loaded.durationMs).toBe(s.durationMs);
    expect(stillScenario(loaded, loaded)).toBe(true);
    expect(stillScenario(loaded, { ...loaded, faults: `${loaded.faults}; crash 1 @5` })).toBe(
      false,
    );
  });
});
