// Options of election/max-id and the fixed per-run config its handlers read. The option
// types come from the spec itself (core/algorithm.ts OptionsOf), never a second interface.

import type { OptionSpecs, OptionsOf } from '../../../core/algorithm.js';

export const maxIdOptionSpecs = {
  roundMs: {
    kind: 'int',
    default: 500,
    min: 1,
    max: 60_000,
    description: 'how long the round lasts before each node decides',
  },
} as const satisfies OptionSpecs;

export type MaxIdOptions = OptionsOf<typeof maxIdOptionSpecs>;

/** Fixed for a run: what the handlers need of the options. */
export interface MaxIdConfig {
  readonly roundMs: number;
}

export function maxIdConfig(opts: MaxIdOptions): MaxIdConfig {
  return { roundMs: opts.roundMs };
}
