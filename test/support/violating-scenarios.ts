// The named scenarios declared to break a check (their `expect` says safety or liveness is
// 'violated'), over every algorithm the Lab lists: the Lab's violation tests run each.

import { listedAlgorithms } from '../../src/algorithms/registry.js';
import type { AnyAlgorithm, Scenario } from '../../src/core/algorithm.js';

export function violatingScenarios(): { spec: AnyAlgorithm; scenario: Scenario }[] {
  return listedAlgorithms().flatMap((spec) =>
    spec.scenarios
      .filter((s) => s.expect.safety === 'violated' || s.expect.liveness === 'violated')
      .map((scenario) => ({ spec, scenario })),
  );
}
