// Options of testing/volatile-lock (none: its runs differ only by seed and fault plan) and
// the fixed per-run config its handlers read. The option type comes from the spec itself
// (core/algorithm.ts OptionsOf), never a second interface.

import type { OptionSpecs, OptionsOf } from '../../../core/algorithm.js';
import type { NodeId } from '../../../core/process.js';

export const volatileLockOptionSpecs = {} as const satisfies OptionSpecs;

export type VolatileLockOptions = OptionsOf<typeof volatileLockOptionSpecs>;

/** Fixed for a run: what the handlers need. */
export interface VolatileLockConfig {
  /** The lock server. */
  readonly server: NodeId;
  /** How often a waiting or releasing client repeats its Acquire or Release. */
  readonly retryMs: number;
}

export function volatileLockConfig(_opts: VolatileLockOptions): VolatileLockConfig {
  return { server: 1, retryMs: 50 };
}
