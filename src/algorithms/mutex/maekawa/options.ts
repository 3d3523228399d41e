// Options of mutex/maekawa (the family's workload, nothing more) and the fixed per-run config
// its handlers read. The option types come from the spec (core/algorithm.ts OptionsOf).

import type { OptionSpecs, OptionsOf } from '../../../core/algorithm.js';
import type { Step } from '../../../core/kernel.js';
import type { NodeId } from '../../../core/process.js';
import { type MutexOutput, mutexOptionSpecs } from '../workload.js';
import type { MaekawaMessage } from './messages.js';
import type { MaekawaState } from './state.js';

export const maekawaOptionSpecs = { ...mutexOptionSpecs } as const satisfies OptionSpecs;

export type MaekawaOptions = OptionsOf<typeof maekawaOptionSpecs>;

/** What every handler receives (core/kernel.ts). */
export type X = Step<MaekawaMessage, MutexOutput, MaekawaState, MaekawaConfig>;

/** Fixed per run. */
export interface MaekawaConfig {
  readonly opts: MaekawaOptions;
  /** The cluster size (quorums are laid out on a grid of n cells). */
  readonly n: number;
  /** Handles a message of our own in the current step (../local-delivery.ts). */
  readonly receive: (x: X, from: NodeId, m: MaekawaMessage) => void;
}

/** The config without the local dispatch, which the process adds (maekawa.ts). */
export type MaekawaRunConfig = Omit<MaekawaConfig, 'receive'>;

export function maekawaConfig(opts: MaekawaOptions, n: number): MaekawaRunConfig {
  return { opts, n };
}
