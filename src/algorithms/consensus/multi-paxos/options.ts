// Options of consensus/multi-paxos (the client workload and the leader's timing) and the
// fixed per-run config the handlers read. The option types come from the spec itself. The
// workload is the shared one (replicated-kv/workload.ts) restricted to reads and puts.

import type { OptionSpecs, OptionsOf } from '../../../core/algorithm.js';
import type { NodeId } from '../../../core/process.js';
import { majority } from '../../../core/quorum.js';
import { type KvWorkload, PUT_GET_MIX } from '../../replicated-kv/workload.js';

export const multiPaxosOptionSpecs = {
  requests: { kind: 'int', default: 5, min: 0, max: 10_000, description: 'commands per client' },
  keys: {
    kind: 'int',
    default: 3,
    min: 1,
    max: 1000,
    description: 'distinct keys the workload uses',
  },
  thinkMs: {
    kind: 'int',
    default: 40,
    min: 1,
    max: 600_000,
    description: 'mean pause between a client’s commands',
  },
  heartbeatMs: { kind: 'int', default: 50, min: 1, max: 60_000, description: 'leader heartbeat' },
  electionMs: {
    kind: 'int',
    default: 150,
    min: 2,
    max: 600_000,
    description: 'a follower that hears no leader for this long (to twice it) runs phase 1',
  },
  retryMs: {
    kind: 'int',
    default: 400,
    min: 1,
    max: 600_000,
    description: 'a client re-submits a command that has not completed after this long',
  },
} as const satisfies OptionSpecs;

export type MultiPaxosOptions = OptionsOf<typeof multiPaxosOptionSpecs>;

/** Fixed for a run: the options, the quorum size and the client workload. */
export interface MultiPaxosConfig extends MultiPaxosOptions {
  /** Promises or Accepted needed: a majority of all nodes (every node is an acceptor). */
  readonly majority: number;
  /** The shared workload: reads and puts only, the operations the wire carries. */
  readonly workload: KvWorkload;
}

export function multiPaxosConfig(
  nodes: readonly NodeId[],
  opts: MultiPaxosOptions,
): MultiPaxosConfig {
  const workload = { keys: opts.keys, thinkMs: opts.thinkMs, mix: PUT_GET_MIX };
  return { ...opts, majority: majority(nodes.length), workload };
}
