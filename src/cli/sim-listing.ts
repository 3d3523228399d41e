// What `cohort sim list` prints, as plain data: every listed algorithm's name, family,
// summary, seed notes, option lines and named scenarios. Computed here from the registry;
// the bundled CLI (scripts/build-cli.mjs) replaces this module with the same data computed
// at build time, so `sim list` starts without loading every algorithm. Keep it plain JSON.

import { listedAlgorithms } from '../algorithms/registry.js';
import { describeOptions } from './algorithm-options.js';

export interface ListedAlgorithm {
  readonly name: string;
  readonly family: string;
  readonly summary: string;
  readonly seed: string;
  /** One line per option (flag, description, choices, default), then per named scenario. */
  readonly details: readonly string[];
}

export function simListing(): ListedAlgorithm[] {
  return listedAlgorithms().map((a) => ({
    name: a.name,
    family: a.family,
    summary: a.summary,
    seed: a.seed,
    details: [
      ...describeOptions(a),
      ...a.scenarios.map((s) => `--scenario ${s.name}: ${s.description}`),
    ],
  }));
}
