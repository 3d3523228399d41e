// Options of the replication algorithms built on the shared master and client
// (primary-backup, chain) and the part of their per-run config those read.

import type { OptionSpecs, OptionsOf } from '../../../core/algorithm.js';
import { PUT_GET_MIX } from '../../replicated-kv/workload.js';
import type { ClientConfig } from './client.js';
import type { MasterConfig } from './master.js';

/** Options every replication algorithm on the shared master and client takes. */
export const replicationOptionSpecs = {
  pingMs: {
    kind: 'int',
    default: 50,
    min: 5,
    max: 10_000,
    description: 'how often the master pings each replica',
  },
  suspectMs: {
    kind: 'int',
    default: 500,
    min: 10,
    max: 60_000,
    // 20 pings: a false suspicion under the fuzzer's 20% drop and 10% corruption needs 20
    // lost round trips in a row (about 3·10⁻⁷).
    description: 'the master removes a replica silent this long',
  },
  resendMs: {
    kind: 'int',
    default: 50,
    min: 5,
    max: 10_000,
    description: 'how often unacknowledged entries and snapshots are sent again',
  },
  timeoutMs: {
    kind: 'int',
    default: 1_000,
    min: 10,
    max: 60_000,
    description: 'how long a client waits for an answer before giving the operation up',
  },
  requests: { kind: 'int', default: 40, min: 0, max: 10_000, description: 'operations per client' },
  keys: { kind: 'int', default: 3, min: 1, max: 64, description: 'distinct keys (k0, k1, …)' },
  thinkMs: {
    kind: 'int',
    default: 40,
    min: 0,
    max: 10_000,
    description: 'mean pause between operations',
  },
  quietAtMs: {
    kind: 'int',
    default: 3_400,
    min: 0,
    max: 1_000_000,
    description: 'clients start no operation after this time (writes stop: quiescence)',
  },
  finalReadAtMs: {
    kind: 'int',
    default: 4_200,
    min: 0,
    max: 1_000_000,
    description: 'each client then reads every key once (what eventual consistency is judged on)',
  },
} as const satisfies OptionSpecs;

export type ReplicationOptions = OptionsOf<typeof replicationOptionSpecs>;

export interface ReplicationConfig extends MasterConfig, ClientConfig {
  readonly resendMs: number;
}

export function replicationConfig(n: number, o: ReplicationOptions): ReplicationConfig {
  return {
    n,
    pingMs: o.pingMs,
    suspectMs: o.suspectMs,
    resendMs: o.resendMs,
    timeoutMs: o.timeoutMs,
    requests: o.requests,
    workload: { keys: o.keys, thinkMs: o.thinkMs, mix: PUT_GET_MIX },
    quietAtMs: o.quietAtMs,
    finalReadAtMs: o.finalReadAtMs,
  };
}
