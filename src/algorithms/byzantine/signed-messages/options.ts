// Options of byzantine/signed-messages — the generals' shared specs (../generals.ts) — and
// the fixed per-run config its handlers read: the options and the run's signature scheme.

import type { OptionsOf } from '../../../core/algorithm.js';
import { generalsOptionSpecs } from '../generals.js';
import type { SignatureScheme } from './signature-scheme.js';

export const signedMessagesOptionSpecs = generalsOptionSpecs;

export type SignedMessagesOptions = OptionsOf<typeof signedMessagesOptionSpecs>;

/** Fixed for a run: the options and the scheme every general of the run signs with. */
export interface SignedMessagesConfig extends SignedMessagesOptions {
  readonly scheme: SignatureScheme;
}

export function signedMessagesConfig(
  opts: SignedMessagesOptions,
  scheme: SignatureScheme,
): SignedMessagesConfig {
  return { ...opts, scheme };
}
