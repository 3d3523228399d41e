// Every `cohort bench` report's `metrics` rows are valid BenchMetrics (bench/metrics.ts):
// the benches that need no external server run at their smallest size; the server-backed
// ones (server, locks, limits, comm, txn, compute) and transport (its receiver runs as a
// child process the CLI starts) convert a recorded report object, so the
// row → metrics mapping is checked without starting etcd, Redis, RabbitMQ or PostgreSQL.

import { describe, expect, it } from 'vitest';
import type { CommBenchReport } from '../bench/comm.js';
import type { ComputeBenchReport } from '../bench/compute.js';
import { benchGossip } from '../bench/gossip.js';
import type { LimitsBenchReport } from '../bench/limits.js';
import type { LocksBenchReport } from '../bench/locks.js';
import {
  availabilityOf,
  type BenchMetrics,
  benchMetrics,
  checkBenchMetrics,
  latencyPercentiles,
  percentile,
} from '../bench/metrics.js';
import {
  commMetrics,
  computeMetrics,
  gossipMetrics,
  limitsMetrics,
  locksMetrics,
  partitionMetrics,
  raftElectionMetrics,
  raftSimMetrics,
  schedulersMetrics,
  serverMetrics,
  simMetrics,
  transportMetrics,
  txnMetrics,
  walMetrics,
} from '../bench/metrics-rows.js';
import { benchPartition } from '../bench/partition.js';
import { benchRaftElection } from '../bench/raft-election.js';
import { benchRaftSim } from '../bench/raft-sim.js';
import { benchSchedulers } from '../bench/schedulers.js';
import type { ServerBenchReport } from '../bench/server.js';
import { benchSim } from '../bench/sim.js';
import type { TransportBenchRow } from '../bench/transport.js';
import type { TxnBenchReport } from '../bench/txn.js';
import { benchWal } from '../bench/wal.js';

/** Every row valid, one row per source row, labels telling the rows apart. */
function expectValid(rows: readonly BenchMetrics[], sourceRows: number): void {
  expect(rows).toHaveLength(sourceRows);
  for (const m of rows) expect(checkBenchMetrics(m), JSON.stringify(m)).toEqual([]);
  const labels = rows.map((m) => JSON.stringify(m.labels));
  expect(new Set(labels).size).toBe(labels.length);
}

describe('BenchMetrics helpers', () => {
  it('nearest-rank percentiles, availability, and invalid records named', () => {
    expect(percentile([], 50)).toBe(0);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile(Float64Array.of(1, 2, 3, 4), 99)).toBe(4);
    expect(latencyPercentiles([9, 1, 5])).toEqual({ p50Ms: 5, p99Ms: 9 });
    expect(availabilityOf(0, 0)).toBeUndefined();
    expect(availabilityOf(3, 1)).toBe(0.75);
    const ok = benchMetrics({ labels: { a: 1 }, unit: 'ops', throughputPerSecond: 5, p50Ms: 1 });
    expect(checkBenchMetrics(ok)).toEqual(['p50Ms and p99Ms come together']);
    expect('cpuMs' in benchMetrics({ labels: { a: 1 }, unit: 'ops', cpuMs: undefined })).toBe(
      false,
    );
    expect(
      checkBenchMetrics({ labels: {}, unit: 'ops', availability: 1.5, throughputPerSecond: -1 }),
    ).toEqual([
      'throughputPerSecond is -1, not a finite number ≥ 0',
      'availability is 1.5, not a fraction in 0..1',
      'labels are missing',
    ]);
    expect(checkBenchMetrics({ labels: { a: 1 }, unit: 'ops' })).toEqual([
      'no throughput, response time or completion figure',
    ]);
  });
});

describe('benches without external servers, smallest size', () => {
  it('sim, raft-election, raft-sim', () => {
    const sim = benchSim({ repeats: 1 });
    expectValid(simMetrics(sim), 3);
    const ranges = benchRaftElection({ trials: 3, ranges: [[150, 300]] });
    expectValid(raftElectionMetrics(ranges), 1);
    const runs = benchRaftSim({ repeats: 1 });
    expectValid(raftSimMetrics(runs), runs.length);
  }, 60_000);

  it('schedulers, partition, gossip', () => {
    const sched = benchSchedulers({ seeds: 1, arrivalsMs: [400] });
    expectValid(schedulersMetrics(sched), sched.rows.length);
    const part = benchPartition({
      nodes: 4,
      keys: 1000,
      memoryNodes: 4,
      durationMs: 10,
      repeats: 1,
    });
    expectValid(partitionMetrics(part), part.rows.length);
    const gossip = benchGossip({ sizes: [10], seeds: 1, swimSeeds: 1, lossPcts: [0] });
    expectValid(gossipMetrics(gossip), gossip.spread.length + gossip.swim.length);
  }, 120_000);

  it('wal (a temporary directory)', async () => {
    const wal = await benchWal({ writes: 20, repeats: 1, configs: [{ size: 100, writers: 1 }] });
    expectValid(walMetrics(wal), wal.rows.length);
    const cpu = walMetrics(wal).map((m) => m.cpuMicrosPerOp);
    expect(cpu.every((x) => x !== undefined)).toBe(true);
  }, 60_000);
});

// Recorded from runs of the real benches (figures rounded; fields the conversion reads kept).
const SERVER_REPORT = {
  durationMs: 5000,
  repeats: 3,
  keys: 1000,
  keyBytes: 16,
  valueBytes: 100,
  runs: [
    ['cohort', 48_000, 0],
    ['etcd', 21_000, 3],
  ].map(([server, ops, errors]) => ({
    server,
    members: 3,
    workload: 'put',
    concurrency: 64,
    ops,
    errors,
    opsPerSecond: (ops as number) / 5,
    p50Ms: 5.1,
    p99Ms: 11.8,
    serverCpuMicrosPerOp: 71.3,
    serverCores: 0.7,
    clientCpuMicrosPerOp: 20.2,
    rssMegabytes: 88.1,
  })),
  ratios: [],
  failures: [],
} as unknown as ServerBenchReport;

describe('server-backed benches, recorded reports', () => {
  it('server: server CPU and RSS, availability from errors', () => {
    const rows = serverMetrics(SERVER_REPORT);
    expectValid(rows, 2);
    expect(rows[1]?.availability).toBeCloseTo(21_000 / 21_003);
    expect(rows[0]?.cpuMs).toBeCloseTo((71.3 * 48_000) / 1000);
  });

  it('transport (its receiver is a child process started by the CLI)', () => {
    const rows: TransportBenchRow[] = (['raw', 'cohort'] as const).map((link) => ({
      payloadBytes: 100,
      link,
      messages: 50_000,
      messagesPerSecond: 400_000,
      megabytesPerSecond: 40,
    }));
    expectValid(transportMetrics(rows), 2);
  });

  it('locks and limits', () => {
    const locks = {
      runs: [
        { implementation: 'cohort', server: 'cohort', workload: 'hot-lock', concurrency: 16 },
        { implementation: 'redlock', server: 'redis', workload: 'hot-lock', concurrency: 16 },
      ].map((r) => ({ ...r, ops: 9000, opsPerSecond: 1800, p50Ms: 8, p99Ms: 30, errors: 0 })),
    } as unknown as LocksBenchReport;
    expectValid(locksMetrics(locks), 2);
    const limits = {
      rows: [
        { target: 'cohort token-bucket', algorithm: 'token-bucket', concurrency: 1 },
        { target: 'bottleneck', algorithm: 'leaky-bucket', concurrency: 1 },
      ].map((r) => ({ ...r, decisionsPerSecond: 2_500_000, accuracy: 1 })),
    } as unknown as LimitsBenchReport;
    expectValid(limitsMetrics(limits), 2);
  });

  it('comm: broker produce and consume apart, then RPC', () => {
    const phase = (p50Ms?: number) => ({
      messages: 40_000,
      messagesPerSecond: 8000,
      ...(p50Ms !== undefined && { p50Ms, p99Ms: p50Ms * 3 }),
      errors: 0,
      serverCpuMsPerSecond: 700,
      serverCpuMicrosPerMessage: 87.5,
      serverRssMegabytes: 120,
    });
    const run = { calls: 100_000, callsPerSecond: 20_000, p50Ms: 0.2, p99Ms: 0.9, errors: 0 };
    const report = {
      broker: {
        rows: ['cohort', 'rabbitmq'].map((system) => ({
          system,
          messageBytes: 100,
          concurrency: 32,
          produce: phase(2),
          consume: phase(),
        })),
      },
      rpc: {
        rows: ['cohort', 'grpc-js'].map((client) => ({
          client,
          concurrency: 16,
          median: { ...run, clientCpuMicrosPerCall: 30 },
          runs: [run],
        })),
      },
    } as unknown as CommBenchReport;
    const rows = commMetrics(report);
    expectValid(rows, 6);
    expect(rows[1]?.p50Ms).toBeUndefined(); // consume measures no per-message latency
  });

  it('txn: servers CPU when /proc was read, none when not', () => {
    const run = (protocol: string, servers?: number) => ({
      protocol,
      concurrency: 8,
      transfers: 4000,
      transfersPerSecond: 800,
      p50Ms: 9,
      p99Ms: 20,
      cpuMsPerTransfer: { client: 0.2, ...(servers !== undefined && { servers }) },
      errors: 1,
    });
    const report = { runs: [run('local', 0.5), run('2pc')] } as unknown as TxnBenchReport;
    const rows = txnMetrics(report);
    expectValid(rows, 2);
    expect(rows[0]?.cpuMicrosPerOp).toBe(500);
    expect(rows[1]?.cpuMs).toBeUndefined();
  });

  it('compute: word count as a fixed job, stream as records', () => {
    const word = (counter: string, workers: number | undefined) => ({
      counter,
      workers,
      wallMs: 2000,
      megabytesPerSecond: 128,
      ratioToNode: 1,
      cpuMs: 3000,
      peakRssMegabytes: 300,
      words: 1,
      distinct: 1,
      agrees: true,
    });
    const report = {
      sizeMb: 256,
      corpusBytes: 256 * 2 ** 20,
      wordCount: [word('node', 1), word('mapreduce', 2), word('sort', undefined)],
      stream: ['at-least-once', 'exactly-once'].map((delivery) => ({
        delivery,
        records: 1e5,
        recordsPerSecond: 5e4,
        p50Ms: 3,
        p99Ms: 9,
        wallMs: 2000,
        exact: true,
        missing: 0,
      })),
      mismatches: [],
    } as unknown as ComputeBenchReport;
    const rows = computeMetrics(report);
    expectValid(rows, 5);
    expect(rows[0]?.completionMs).toBe(2000);
  });
});
