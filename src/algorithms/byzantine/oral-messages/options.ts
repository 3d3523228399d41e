// Options of byzantine/oral-messages — the generals' shared specs (../generals.ts) — and the
// fixed per-run config its handlers read. The option type comes from the spec (OptionsOf).

import type { OptionsOf } from '../../../core/algorithm.js';
import type { NodeId } from '../../../core/process.js';
import { generalsOptionSpecs } from '../generals.js';

export const oralMessagesOptionSpecs = generalsOptionSpecs;

export type OralMessagesOptions = OptionsOf<typeof oralMessagesOptionSpecs>;

/** Fixed for a run: the options and the cluster (every path is checked against it). */
export interface OralMessagesConfig extends OralMessagesOptions {
  readonly nodes: readonly NodeId[];
}

export function oralMessagesConfig(
  opts: OralMessagesOptions,
  nodes: readonly NodeId[],
): OralMessagesConfig {
  return { ...opts, nodes };
}
