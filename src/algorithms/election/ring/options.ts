// Options of election/ring and the fixed per-run config its handlers read. The option types
// come from the spec itself (core/algorithm.ts OptionsOf), never a second interface.

import type { OptionSpecs, OptionsOf } from '../../../core/algorithm.js';

export const ringOptionSpecs = {
  variant: {
    kind: 'choice',
    default: 'notes',
    choices: ['notes', 'chang-roberts'],
    description: 'notes: append every id; chang-roberts: forward only larger ids',
  },
  heartbeatMs: {
    kind: 'int',
    default: 50,
    min: 5,
    max: 10_000,
    description: "the coordinator's heartbeat period; 4 silent periods + 100 ms is a failure",
  },
} as const satisfies OptionSpecs;

export type RingOptions = OptionsOf<typeof ringOptionSpecs>;

/** Fixed for a run: what the handlers need of the options. */
export interface RingConfig {
  readonly variant: RingOptions['variant'];
  readonly heartbeatMs: number;
  readonly suspectAfterMs: number;
  /** How long a hop waits for its acknowledgement before the successor is skipped. */
  readonly ackMs: number;
}

export function ringConfig(opts: RingOptions): RingConfig {
  return {
    variant: opts.variant,
    heartbeatMs: opts.heartbeatMs,
    suspectAfterMs: 4 * opts.heartbeatMs + 100,
    ackMs: 2 * opts.heartbeatMs,
  };
}
