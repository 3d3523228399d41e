// Options of replication/quorum and the per-run config its handlers read (types from the
// spec: core/algorithm.ts OptionsOf).

import type { OptionSpecs, OptionsOf } from '../../../core/algorithm.js';
import { type KvWorkload, PUT_GET_MIX } from '../../replicated-kv/workload.js';

export const quorumOptionSpecs = {
  replicas: { kind: 'int', default: 3, min: 1, max: 16, description: 'N: replicas per key' },
  readQuorum: {
    kind: 'int',
    default: 2,
    min: 1,
    max: 16,
    description: 'R: replies a read waits for',
  },
  writeQuorum: {
    kind: 'int',
    default: 2,
    min: 1,
    max: 16,
    description: 'W: acks a write waits for',
  },
  sloppy: {
    kind: 'bool',
    default: false,
    description: 'sloppy quorum: count the next healthy nodes when preferred replicas are silent',
  },
  hintedHandoff: {
    kind: 'bool',
    default: true,
    description: 'with --sloppy: a stand-in replica hands its hinted writes to the owner later',
  },
  readRepair: {
    kind: 'bool',
    default: true,
    description: 'a read writes the merged versions back to the replicas that replied stale',
  },
  antiEntropyMs: {
    kind: 'int',
    default: 200,
    min: 0,
    max: 60_000,
    description: 'period of replica-to-replica synchronization (0: none)',
  },
  timeoutMs: {
    kind: 'int',
    default: 150,
    min: 10,
    max: 10_000,
    description:
      'how long a coordinator waits for R or W replies before giving up (or, sloppy, widening)',
  },
  requests: { kind: 'int', default: 60, min: 0, max: 10_000, description: 'operations per client' },
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

export type QuorumOptions = OptionsOf<typeof quorumOptionSpecs>;

export interface QuorumConfig {
  readonly n: number;
  readonly replicas: number;
  readonly readQuorum: number;
  readonly writeQuorum: number;
  readonly sloppy: boolean;
  readonly hintedHandoff: boolean;
  readonly readRepair: boolean;
  readonly antiEntropyMs: number;
  readonly timeoutMs: number;
  readonly requests: number;
  readonly workload: KvWorkload;
  readonly quietAtMs: number;
  readonly finalReadAtMs: number;
}

export function quorumConfig(n: number, o: QuorumOptions): QuorumConfig {
  const replicas = Math.min(o.replicas, n);
  return {
    n,
    replicas,
    readQuorum: Math.min(o.readQuorum, replicas),
    writeQuorum: Math.min(o.writeQuorum, replicas),
    sloppy: o.sloppy,
    hintedHandoff: o.hintedHandoff,
    readRepair: o.readRepair,
    antiEntropyMs: o.antiEntropyMs,
    timeoutMs: o.timeoutMs,
    requests: o.requests,
    workload: { keys: o.keys, thinkMs: o.thinkMs, mix: PUT_GET_MIX },
    quietAtMs: o.quietAtMs,
    finalReadAtMs: o.finalReadAtMs,
  };
}

/** Whether every read meets every acknowledged write (R + W > N). */
export function strictOverlap(c: Pick<QuorumConfig, 'replicas' | 'readQuorum' | 'writeQuorum'>) {
  return c.readQuorum + c.writeQuorum > c.replicas;
}
