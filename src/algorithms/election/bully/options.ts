// Options of election/bully and the fixed per-run config its handlers read. The option
// types come from the spec itself (core/algorithm.ts OptionsOf), never a second interface.

import type { OptionSpecs, OptionsOf } from '../../../core/algorithm.js';
import type { NodeId } from '../../../core/process.js';

export const bullyOptionSpecs = {
  heartbeatMs: {
    kind: 'int',
    default: 50,
    min: 5,
    max: 10_000,
    description: "the leader's heartbeat period; silence for 4 periods + 100 ms is a failure",
  },
  idSource: {
    kind: 'choice',
    default: 'id',
    choices: ['id', 'lastop'],
    description: "rank by node id, or by last-operation timestamp (MongoDB's variant)",
  },
  lastops: {
    kind: 'ints',
    default: [],
    description: 'last-operation timestamps of nodes 1..n (with --id-source lastop)',
  },
  stepDownMinority: {
    kind: 'bool',
    default: false,
    description: 'a leader needs a majority behind it: the smaller side of a split steps down',
  },
} as const satisfies OptionSpecs;

export type BullyOptions = OptionsOf<typeof bullyOptionSpecs>;

/** Fixed for a run: what the handlers need of the options. */
export interface BullyConfig {
  readonly rank: (id: NodeId) => number;
  readonly heartbeatMs: number;
  readonly suspectAfterMs: number;
  /** How long a candidate waits for Alive (and twice that for Victory). */
  readonly answerMs: number;
  readonly stepDownMinority: boolean;
}

/** A node's rank: its id, or (last-op timestamp, id) for MongoDB's variant. */
export function bullyRank(opts: BullyOptions): (id: NodeId) => number {
  if (opts.idSource !== 'lastop') return (id) => id;
  return (id) => (opts.lastops[id - 1] ?? 0) * 1_000_000 + id;
}

export function bullyConfig(opts: BullyOptions): BullyConfig {
  return {
    rank: bullyRank(opts),
    heartbeatMs: opts.heartbeatMs,
    suspectAfterMs: 4 * opts.heartbeatMs + 100,
    answerMs: 2 * opts.heartbeatMs + 50,
    stepDownMinority: opts.stepDownMinority,
  };
}
