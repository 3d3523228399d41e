// Options of consensus/zab and the fixed per-node config its handlers read. The option types
// come from the spec itself (core/algorithm.ts OptionsOf), never a second interface.

import type { OptionSpecs, OptionsOf } from '../../../core/algorithm.js';
import type { NodeId } from '../../../core/process.js';
import type { FleConfig } from '../../election/zab-fle/options.js';
import { isVoter, type QuorumSpec, quorumSpec } from '../../election/zab-fle/quorum.js';
import { FULL_MIX, type KvWorkload } from '../../replicated-kv/workload.js';

export const zabOptionSpecs = {
  requests: { kind: 'int', default: 5, min: 0, max: 10_000, description: 'operations per server' },
  keys: {
    kind: 'int',
    default: 3,
    min: 1,
    max: 1000,
    description: 'distinct keys the workload uses',
  },
  thinkMs: { kind: 'int', default: 100, min: 0, max: 60_000, description: 'mean pause' },
  observers: { kind: 'ints', default: [], description: 'ids of observers (learn, never vote)' },
  weights: { kind: 'ints', default: [], description: 'voting weights of servers 1..n' },
} as const satisfies OptionSpecs;

export type ZabOptions = OptionsOf<typeof zabOptionSpecs>;

/** Fixed for a server's run: what the handlers need. */
export interface ZabConfig {
  /** The election's config (its `lastZxid` is added per step: state.ts fleConfigOf). */
  readonly fle: FleConfig;
  readonly quorum: QuorumSpec;
  /** Operations this server's client submits. */
  readonly requests: number;
  /** The shared client workload (replicated-kv/workload.ts), every operation. */
  readonly workload: KvWorkload;
  /** Leader re-sends and learner retries run every tickMs. */
  readonly tickMs: number;
  /** An operation not delivered after this long is submitted again (same seq). */
  readonly retryMs: number;
  /** Proposals re-sent to a lagging learner per tick. */
  readonly resendBatch: number;
}

/** Server `id`'s config: ZooKeeper's timings scaled down; voters' and observers' clients run. */
export function zabConfig(nodes: readonly NodeId[], o: ZabOptions, id: NodeId): ZabConfig {
  const quorum = quorumSpec(nodes, o.weights, o.observers);
  return {
    fle: {
      quorum,
      finalizeMs: 200,
      pingMs: 50,
      suspectAfterMs: 300,
      establishMs: 600,
      initialZxid: 0,
      initialEpoch: 1,
    },
    quorum,
    requests: isVoter(quorum, id) || o.observers.includes(id) ? o.requests : 0,
    workload: { keys: o.keys, thinkMs: o.thinkMs, mix: FULL_MIX },
    tickMs: 50,
    retryMs: 400,
    resendBatch: 32,
  };
}
