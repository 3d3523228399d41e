// Options of mutex/suzuki-kasami (the family's workload, nothing more) and the fixed per-run
// config its handlers read. The option types come from the spec (core/algorithm.ts OptionsOf).

import type { OptionSpecs, OptionsOf } from '../../../core/algorithm.js';
import { mutexOptionSpecs } from '../workload.js';

export const suzukiKasamiOptionSpecs = { ...mutexOptionSpecs } as const satisfies OptionSpecs;

export type SuzukiKasamiOptions = OptionsOf<typeof suzukiKasamiOptionSpecs>;

/** Fixed per run: the options and the cluster size (RN and LN have one entry per node). */
export interface SuzukiKasamiConfig {
  readonly opts: SuzukiKasamiOptions;
  readonly n: number;
}

export function suzukiKasamiConfig(opts: SuzukiKasamiOptions, n: number): SuzukiKasamiConfig {
  return { opts, n };
}
