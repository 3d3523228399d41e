// `cohort bench comm`: communication benchmarks (issue 21), one section per workload, each
// comparing Cohort with the real peer in the same run. Workloads are entries of WORKLOADS:
// a new one (an RPC section against @grpc/grpc-js, say) adds its module, one entry here and
// one optional field in CommBenchReport, and leaves the others alone.
//
// Fault model: each workload owns the servers it starts and stops them, also on failure.

import type { BrokerSystem } from '../src/comm/broker/adapter.js';
import { type BrokerBenchReport, benchBroker } from './comm-broker.js';
import { benchRpc, type RpcBenchReport } from './comm-rpc.js';

export const COMM_WORKLOADS = ['broker', 'rpc'] as const;
export type CommWorkload = (typeof COMM_WORKLOADS)[number];

export interface CommBenchOptions {
  readonly cohortArgv: readonly string[];
  readonly workloads?: readonly CommWorkload[];
  /** broker: which systems (default all three). */
  readonly systems?: readonly BrokerSystem[];
  /** broker: message sizes in bytes (default 100 and 4096). */
  readonly sizes?: readonly number[];
  /** Concurrent producers (broker) or callers. */
  readonly concurrency?: readonly number[];
  readonly durationMs?: number;
  readonly repeats?: number;
  readonly cpuProfileDir?: string;
  readonly onProgress?: (text: string) => void;
}

export interface CommBenchReport {
  readonly node: string;
  readonly durationMs: number;
  readonly repeats: number;
  readonly workloads: readonly CommWorkload[];
  readonly broker?: BrokerBenchReport;
  readonly rpc?: RpcBenchReport;
}

type Resolved = Required<Pick<CommBenchOptions, 'durationMs' | 'repeats'>> &
  CommBenchOptions & { readonly onProgress: (text: string) => void };

const WORKLOADS = {
  broker: async (o: Resolved) => ({
    broker: await benchBroker({
      cohortArgv: o.cohortArgv,
      ...(o.systems !== undefined && { systems: o.systems }),
      ...(o.sizes !== undefined && { sizes: o.sizes }),
      ...(o.concurrency !== undefined && { concurrency: o.concurrency }),
      durationMs: o.durationMs,
      repeats: o.repeats,
      ...(o.cpuProfileDir !== undefined && { cpuProfileDir: o.cpuProfileDir }),
      onProgress: o.onProgress,
    }),
  }),
  rpc: async (o: Resolved) => ({
    rpc: await benchRpc({
      ...(o.concurrency !== undefined && { concurrency: o.concurrency }),
      durationMs: o.durationMs,
      repeats: o.repeats,
      onProgress: o.onProgress,
    }),
  }),
} satisfies Record<CommWorkload, (o: Resolved) => Promise<Partial<CommBenchReport>>>;

export async function benchComm(options: CommBenchOptions): Promise<CommBenchReport> {
  const o: Resolved = {
    ...options,
    durationMs: options.durationMs ?? 3000,
    repeats: options.repeats ?? 3,
    onProgress: options.onProgress ?? (() => {}),
  };
  const workloads = options.workloads ?? COMM_WORKLOADS;
  let report: CommBenchReport = {
    node: process.version,
    durationMs: o.durationMs,
    repeats: o.repeats,
    workloads,
  };
  for (const w of workloads) report = { ...report, ...(await WORKLOADS[w](o)) };
  return report;
}
