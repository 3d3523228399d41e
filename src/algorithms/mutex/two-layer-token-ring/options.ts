// Options of mutex/two-layer-token-ring (typed from their spec: core/algorithm.ts OptionsOf)
// and the per-run config its handlers read: the options and the LAN layout they imply.

import type { OptionSpecs, OptionsOf } from '../../../core/algorithm.js';
import { mutexOptionSpecs } from '../workload.js';
import { type Layout, layout } from './layout.js';

export const twoLayerOptionSpecs = {
  ...mutexOptionSpecs,
  lans: { kind: 'int', default: 3, min: 1, max: 16, description: 'number of LANs (L)' },
  perLan: {
    kind: 'int',
    default: 3,
    min: 1,
    max: 16,
    description: 'nodes per LAN, coordinator included (K); nodes = L·K',
  },
  passDelayMs: {
    kind: 'int',
    default: 5,
    min: 0,
    max: 10_000,
    description: 'how long an idle holder keeps a local token before passing it (ms)',
  },
} as const satisfies OptionSpecs;

export type TwoLayerOptions = OptionsOf<typeof twoLayerOptionSpecs>;

/** Fixed per run. */
export interface TwoLayerConfig {
  readonly opts: TwoLayerOptions;
  readonly layout: Layout;
}

export function twoLayerConfig(n: number, opts: TwoLayerOptions): TwoLayerConfig {
  return { opts, layout: layout(n, opts.perLan) };
}
