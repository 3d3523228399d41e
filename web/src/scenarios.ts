// An algorithm's named scenarios (the registry's, as `cohort sim list` shows them) turned into
// Lab settings: the scenario's options as the option fields' text, its cluster size, fault
// plan and duration — the same run `cohort sim <name> --scenario <scenario>` makes.

import type { AnyAlgorithm, OptionValue, Scenario } from '../../src/core/algorithm.js';

export interface ScenarioSettings {
  readonly scenario: string;
  readonly rawOptions: Record<string, string>;
  readonly nodesText: string;
  readonly faults: string;
  readonly durationMs: number | undefined;
}

/** An option value as its text field holds it (what the option parser reads back). */
export function optionText(v: OptionValue): string {
  return Array.isArray(v) ? v.join(',') : String(v);
}

export function findScenario(spec: AnyAlgorithm | undefined, name: string): Scenario | undefined {
  return spec?.scenarios.find((s) => s.name === name);
}

/** The settings of scenario `name`, or undefined when the algorithm has none by that name. */
export function scenarioSettings(
  spec: AnyAlgorithm | undefined,
  name: string,
): ScenarioSettings | undefined {
  const found = findScenario(spec, name);
  if (found === undefined) return undefined;
  return {
    scenario: found.name,
    rawOptions: Object.fromEntries(
      Object.entries(found.options ?? {}).map(([k, v]) => [k, optionText(v)]),
    ),
    nodesText: found.nodes === undefined ? '' : String(found.nodes),
    faults: found.faults,
    durationMs: found.durationMs,
  };
}

/** Whether the settings are still the scenario's (an edit or a click makes them another run). */
export function stillScenario(named: ScenarioSettings, now: Omit<ScenarioSettings, 'scenario'>) {
  const given = (o: Record<string, string>) =>
    JSON.stringify(
      Object.entries(o)
        .filter(([, v]) => v !== '')
        .sort(([a], [b]) => a.localeCompare(b)),
    );
  return (
    named.faults.trim() === now.faults.trim() &&
    named.nodesText === now.nodesText &&
    named.durationMs === now.durationMs &&
    given(named.rawOptions) === given(now.rawOptions)
  );
}
