// Options of election/zab-fle and the config its handlers read. The option types come from
// the spec itself (core/algorithm.ts OptionsOf), never a second interface. `FleConfig` is
// also what consensus/zab builds for the election it runs (with `lastZxid` and
// `epochOnSync`); it is per node, since each server starts from its own zxid and epoch.

import type { OptionSpecs, OptionsOf } from '../../../core/algorithm.js';
import type { NodeId } from '../../../core/process.js';
import { type QuorumSpec, quorumSpec } from './quorum.js';

export const zabFleOptionSpecs = {
  zxids: { kind: 'ints', default: [], description: 'last zxid of servers 1..n (default 0)' },
  epochs: { kind: 'ints', default: [], description: 'current epoch of servers 1..n (default 1)' },
  observers: { kind: 'ints', default: [], description: 'ids of observers (no vote, never lead)' },
  weights: {
    kind: 'ints',
    default: [],
    description: 'voting weights of servers 1..n (a quorum weighs more than half)',
  },
} as const satisfies OptionSpecs;

export type ZabFleOptions = OptionsOf<typeof zabFleOptionSpecs>;

/** Fixed for a node's run: what the handlers need. */
export interface FleConfig {
  readonly quorum: QuorumSpec;
  readonly finalizeMs: number;
  readonly pingMs: number;
  readonly suspectAfterMs: number;
  readonly establishMs: number;
  readonly initialZxid: number;
  readonly initialEpoch: number;
  /** The last zxid of the node's history, when a broadcast layer keeps one (consensus/zab). */
  readonly lastZxid?: () => number;
  /**
   * When true, a follower's currentEpoch changes only once the broadcast layer has
   * synchronized its history with the leader's (`synced`), as ZooKeeper sets it on NEWLEADER:
   * a follower that accepted an epoch but missed the leader's history must not outvote
   * servers whose histories are newer.
   */
  readonly epochOnSync?: boolean;
}

export function zabFleQuorum(nodes: readonly NodeId[], o: ZabFleOptions): QuorumSpec {
  return quorumSpec(nodes, o.weights, o.observers);
}

/** Node `id`'s config in a run of election/zab-fle (ZooKeeper's timings, scaled down). */
export function zabFleConfig(nodes: readonly NodeId[], o: ZabFleOptions, id: NodeId): FleConfig {
  return {
    quorum: zabFleQuorum(nodes, o),
    finalizeMs: 200,
    pingMs: 50,
    suspectAfterMs: 300,
    establishMs: 600,
    initialZxid: o.zxids[id - 1] ?? 0,
    initialEpoch: o.epochs[id - 1] ?? 1,
  };
}
