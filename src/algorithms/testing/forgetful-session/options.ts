// Options of testing/forgetful-session (none: its runs differ only by seed and fault plan)
// and the fixed per-run config its handlers read. The option type comes from the spec itself
// (core/algorithm.ts OptionsOf), never a second interface.

import type { OptionSpecs, OptionsOf } from '../../../core/algorithm.js';
import type { NodeId } from '../../../core/process.js';

export const forgetfulSessionOptionSpecs = {} as const satisfies OptionSpecs;

export type ForgetfulSessionOptions = OptionsOf<typeof forgetfulSessionOptionSpecs>;

/** Fixed for a run: what the handlers need. */
export interface ForgetfulSessionConfig {
  /** The session server. */
  readonly server: NodeId;
  /** How often a client repeats its Open or its request in flight. */
  readonly retryMs: number;
}

export function forgetfulSessionConfig(_opts: ForgetfulSessionOptions): ForgetfulSessionConfig {
  return { server: 1, retryMs: 40 };
}
