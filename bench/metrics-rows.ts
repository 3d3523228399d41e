// Each benchmark's report rows as BenchMetrics records (bench/metrics.ts): `cohort bench`
// adds them to every JSON report as `metrics` and prints them as the common table after
// each bench's own (bench/metrics-table.ts). One function per bench, reading only fields the bench measured; a figure a bench
// does not measure is left out. Derived figures only where the arithmetic is exact (total
// CPU = CPU per unit × units).
//
// Fault model: pure functions over report objects (possibly recorded); nothing is measured here.

import type { CommBenchReport } from './comm.js';
import type { PhaseRun } from './comm-broker.js';
import type { ComputeBenchReport } from './compute.js';
import type { GossipBenchReport } from './gossip.js';
import type { LimitsBenchReport } from './limits.js';
import type { LocksBenchReport } from './locks.js';
import { availabilityOf, type BenchMetrics, benchMetrics } from './metrics.js';
import type { PartitionBenchReport } from './partition.js';
import type { RangeResult } from './raft-election.js';
import type { RaftSimRun } from './raft-sim.js';
import type { SchedulersReport } from './schedulers.js';
import type { ServerBenchReport } from './server.js';
import type { SimBenchReport } from './sim.js';
import type { TransportBenchRow } from './transport.js';
import type { TxnBenchReport } from './txn.js';
import type { WalBenchReport } from './wal.js';

const perOpToTotalMs = (microsPerOp: number, ops: number) => (microsPerOp * ops) / 1000;

export function simMetrics(r: SimBenchReport): BenchMetrics[] {
  const row = (tracing: string, throughputPerSecond: number) =>
    benchMetrics({ labels: { tracing }, unit: 'deliveries', throughputPerSecond, errors: 0 });
  return [
    row('off', r.deliveriesPerSecond),
    row('hash', r.deliveriesPerSecondHashed),
    row('full', r.deliveriesPerSecondTraced),
  ];
}

/** Election time (virtual ms) as the response time; elections still undone at 30 s as errors. */
export function raftElectionMetrics(ranges: readonly Omit<RangeResult, 'samples'>[]) {
  return ranges.map((r) =>
    benchMetrics({
      labels: { timeoutMs: r.range },
      unit: 'elections',
      p50Ms: r.p50,
      p99Ms: r.p99,
      errors: r.capped,
      availability: availabilityOf(r.trials - r.capped, r.capped),
    }),
  );
}

/** Client operations acknowledged per wall second; failed operations are not counted there. */
export function raftSimMetrics(runs: readonly RaftSimRun[]): BenchMetrics[] {
  return runs.map((r) =>
    benchMetrics({
      labels: { faults: r.faults === 'none' ? 'none' : 'random plan (seed 7)' },
      unit: 'ops',
      throughputPerSecond: r.clientOpsPerSecond,
    }),
  );
}

export function walMetrics(r: WalBenchReport): BenchMetrics[] {
  return r.rows.map((w) =>
    benchMetrics({
      labels: { store: w.store, recordBytes: w.recordBytes, writers: w.writers },
      unit: 'writes',
      throughputPerSecond: w.writesPerSecond,
      p50Ms: w.p50Ms,
      p99Ms: w.p99Ms,
      cpuMs: perOpToTotalMs(w.cpuMicrosPerWrite, w.writes),
      cpuMicrosPerOp: w.cpuMicrosPerWrite,
      peakRssMb: w.peakRssMegabytes,
      errors: 0,
    }),
  );
}

export function transportMetrics(rows: readonly TransportBenchRow[]): BenchMetrics[] {
  return rows.map((t) =>
    benchMetrics({
      labels: { link: t.link, payloadBytes: t.payloadBytes },
      unit: 'messages',
      throughputPerSecond: t.messagesPerSecond,
      errors: 0,
    }),
  );
}

/** CPU and RSS: the server's process tree (the client's CPU stays in the run's own fields). */
export function serverMetrics(r: ServerBenchReport): BenchMetrics[] {
  return r.runs.map((s) =>
    benchMetrics({
      labels: {
        server: s.server,
        members: s.members,
        workload: s.workload,
        concurrency: s.concurrency,
      },
      unit: 'ops',
      throughputPerSecond: s.opsPerSecond,
      p50Ms: s.p50Ms,
      p99Ms: s.p99Ms,
      cpuMs: perOpToTotalMs(s.serverCpuMicrosPerOp, s.ops),
      cpuMicrosPerOp: s.serverCpuMicrosPerOp,
      peakRssMb: s.rssMegabytes,
      availability: availabilityOf(s.ops, s.errors),
      errors: s.errors,
    }),
  );
}

export function locksMetrics(r: LocksBenchReport): BenchMetrics[] {
  return r.runs.map((l) =>
    benchMetrics({
      labels: {
        implementation: l.implementation,
        server: l.server,
        workload: l.workload,
        concurrency: l.concurrency,
      },
      unit: 'ops',
      throughputPerSecond: l.opsPerSecond,
      p50Ms: l.p50Ms,
      p99Ms: l.p99Ms,
      availability: availabilityOf(l.ops, l.errors),
      errors: l.errors,
    }),
  );
}

/** Decisions per second; accuracy (admitted vs allowed) stays in the rows' own fields. */
export function limitsMetrics(r: LimitsBenchReport): BenchMetrics[] {
  return r.rows.map((l) =>
    benchMetrics({
      labels: { target: l.target, algorithm: l.algorithm, concurrency: l.concurrency },
      unit: 'decisions',
      throughputPerSecond: l.decisionsPerSecond,
      errors: 0,
    }),
  );
}

function phaseMetrics(labels: BenchMetrics['labels'], p: PhaseRun): BenchMetrics {
  return benchMetrics({
    labels,
    unit: 'messages',
    throughputPerSecond: p.messagesPerSecond,
    p50Ms: p.p50Ms,
    p99Ms: p.p99Ms,
    cpuMs: perOpToTotalMs(p.serverCpuMicrosPerMessage, p.messages),
    cpuMicrosPerOp: p.serverCpuMicrosPerMessage,
    peakRssMb: p.serverRssMegabytes,
    availability: availabilityOf(p.messages, p.errors),
    errors: p.errors,
  });
}

/** Broker rows (produce and consume apart, server CPU and RSS), then RPC rows (no server CPU). */
export function commMetrics(r: CommBenchReport): BenchMetrics[] {
  const broker = (r.broker?.rows ?? []).flatMap((b) => {
    const labels = {
      workload: 'broker',
      system: b.system,
      messageBytes: b.messageBytes,
      concurrency: b.concurrency,
    };
    return [
      phaseMetrics({ ...labels, phase: 'produce' }, b.produce),
      phaseMetrics({ ...labels, phase: 'consume' }, b.consume),
    ];
  });
  const rpc = (r.rpc?.rows ?? []).map((c) =>
    benchMetrics({
      labels: { workload: 'rpc', client: c.client, concurrency: c.concurrency },
      unit: 'calls',
      throughputPerSecond: c.median.callsPerSecond,
      p50Ms: c.median.p50Ms,
      p99Ms: c.median.p99Ms,
      availability: availabilityOf(c.median.calls, c.median.errors),
      errors: c.median.errors,
    }),
  );
  return [...broker, ...rpc];
}

/** CPU: both database servers' process trees (undefined without /proc). */
export function txnMetrics(r: TxnBenchReport): BenchMetrics[] {
  return r.runs.map((t) => {
    const servers = t.cpuMsPerTransfer.servers;
    return benchMetrics({
      labels: { protocol: t.protocol, concurrency: t.concurrency },
      unit: 'transfers',
      throughputPerSecond: t.transfersPerSecond,
      p50Ms: t.p50Ms,
      p99Ms: t.p99Ms,
      cpuMs: servers === undefined ? undefined : servers * t.transfers,
      cpuMicrosPerOp: servers === undefined ? undefined : servers * 1000,
      availability: availabilityOf(t.transfers, t.errors),
      errors: t.errors,
    });
  });
}

/** Word count: a fixed job (MB/s, its wall time, CPU and RSS); stream: records end to end. */
export function computeMetrics(r: ComputeBenchReport): BenchMetrics[] {
  const words = r.wordCount.map((w) =>
    benchMetrics({
      labels: { job: 'word count', counter: w.counter, workers: w.workers ?? 'auto' },
      unit: 'megabytes',
      throughputPerSecond: w.megabytesPerSecond,
      completionMs: w.wallMs,
      cpuMs: w.cpuMs,
      cpuMicrosPerOp: w.cpuMs === undefined ? undefined : (w.cpuMs * 1000) / r.sizeMb,
      peakRssMb: w.peakRssMegabytes,
      // A count that disagrees with node's is the job failing.
      errors: w.agrees ? 0 : 1,
    }),
  );
  const stream = r.stream.map((s) =>
    benchMetrics({
      labels: { job: 'stream', delivery: s.delivery },
      unit: 'records',
      throughputPerSecond: s.recordsPerSecond,
      p50Ms: s.p50Ms,
      p99Ms: s.p99Ms,
      completionMs: s.wallMs,
      // Under-counted words: what the sink lost.
      errors: s.missing,
    }),
  );
  return [...words, ...stream];
}

/** Queueing wait as the response time (virtual ms); runs whose checks failed as errors. */
export function schedulersMetrics(r: SchedulersReport): BenchMetrics[] {
  return r.rows.map((s) =>
    benchMetrics({
      labels: { architecture: s.architecture, load: s.load },
      unit: 'jobs',
      p50Ms: s.waitP50Ms,
      p99Ms: s.waitP99Ms,
      errors: s.failed.length,
    }),
  );
}

export function partitionMetrics(r: PartitionBenchReport): BenchMetrics[] {
  return r.rows.map((p) =>
    benchMetrics({
      labels: { scheme: p.scheme, library: p.library, variant: p.variant },
      unit: 'lookups',
      throughputPerSecond: p.lookupsPerSecond,
      errors: 0,
    }),
  );
}

/** Spread: rounds until every node has the update; SWIM: virtual ms to the first detection. */
export function gossipMetrics(r: GossipBenchReport): BenchMetrics[] {
  const spread = r.spread.map((g) =>
    benchMetrics({
      labels: { protocol: 'anti-entropy', mode: g.mode, nodes: g.nodes, engine: g.engine },
      unit: 'spreads',
      completionRounds: g.rounds,
      errors: 0,
    }),
  );
  const swim = r.swim.map((s) =>
    benchMetrics({
      labels: { protocol: 'swim', lossPct: s.lossPct, delayMs: s.delayMs },
      unit: 'detections',
      completionMs:
        s.firstDetectionPeriods === null ? undefined : s.firstDetectionPeriods * r.swimPeriodMs,
      // No detection in any seed: every seed's run failed to detect the crash.
      errors: s.firstDetectionPeriods === null ? s.seeds : 0,
    }),
  );
  return [...spread, ...swim];
}
