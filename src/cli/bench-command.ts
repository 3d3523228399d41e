// `cohort bench <what>`: benchmarks (never timing thresholds in tests; figures go to README).
// Each benchmark is one entry of `benchmarks`: it runs with a progress line on stderr and
// prints a human table, or one JSON document with --json.

import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { BenchMetrics } from '../../bench/metrics.js';
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
} from '../../bench/metrics-rows.js';
import { metricsTableText } from '../../bench/metrics-table.js';
import { benchRaftElection } from '../../bench/raft-election.js';
import { benchRaftSim } from '../../bench/raft-sim.js';
import { benchServer, SERVER_WORKLOADS, type ServerWorkload } from '../../bench/server.js';
import { serverBenchText } from '../../bench/server-text.js';
import { benchSim } from '../../bench/sim.js';
import { cdfSvg } from '../../bench/svg-cdf.js';
import { benchTransport, type TransportBenchRow } from '../../bench/transport.js';
import { benchWal, type WalBenchReport, type WalStoreName } from '../../bench/wal.js';
import { fmtNumber, progress, table } from './format.js';
import { parseInteger } from './parse-flags.js';
import { selfArgv } from './self-argv.js';
import { EXIT_CHECK_FAILED, EXIT_OK, UsageError } from './usage-error.js';

export interface BenchFlags {
  readonly json?: boolean;
  readonly repeats?: string;
  readonly trials?: string;
  readonly svg?: string;
  readonly writes?: string;
  readonly messages?: string;
  readonly members?: string;
  readonly concurrency?: string;
  readonly workloads?: string;
  readonly duration?: string;
  readonly cpuProf?: string;
  readonly size?: string;
  readonly records?: string;
  readonly watchers?: string;
  readonly keys?: string;
  readonly valueBytes?: string;
  readonly backends?: string;
  readonly sizes?: string;
  readonly nodes?: string;
  readonly lookupKeys?: string;
  readonly seeds?: string;
}

interface Benchmark {
  /** Runs the benchmark; returns the JSON report and the human text. */
  run(flags: BenchFlags, onProgress: (text: string) => void): Promise<BenchOutput> | BenchOutput;
}

interface BenchOutput {
  /** The JSON report: the bench's own fields and the common `metrics` rows. */
  readonly report: { readonly metrics: readonly BenchMetrics[] };
  /** The bench's own tables; the common metrics table is added after them. */
  readonly text: string;
  /** A check inside the benchmark failed (e.g. answers differ): exit 1 after printing. */
  readonly failed?: boolean;
}

const repeatsOf = (flags: BenchFlags) => parseInteger('--repeats', flags.repeats, 1, 100) ?? 3;

/** A comma-separated list of integers, each in min..max. */
const integersOf = (flag: string, raw: string | undefined, min: number, max: number) =>
  raw?.split(',').map((x) => parseInteger(flag, x.trim(), min, max) as number);

function workloadsOf(raw: string | undefined): ServerWorkload[] | undefined {
  const all: readonly string[] = SERVER_WORKLOADS;
  const names = raw?.split(',').map((x) => x.trim());
  const bad = names?.find((x) => !all.includes(x));
  if (bad !== undefined)
    throw new UsageError(`--workloads: unknown '${bad}' (available: ${all.join(', ')})`);
  return names as ServerWorkload[] | undefined;
}

/** --backends for `bench locks`: names from BACKENDS (bench/locks-targets.ts). */
function backendsOf(raw: string | undefined, all: readonly string[]): string[] | undefined {
  const names = raw?.split(',').map((x) => x.trim());
  const bad = names?.find((x) => !all.includes(x));
  if (bad !== undefined)
    throw new UsageError(`--backends: unknown '${bad}' (available: ${all.join(', ')})`);
  return names;
}

const benchmarks: Record<string, Benchmark> = {
  sim: {
    run(flags, onProgress) {
      const repeats = repeatsOf(flags);
      const report = benchSim({ repeats, onProgress });
      const rows = [
        ['off', report.deliveriesPerSecond],
        ['hash (every cohort sim run)', report.deliveriesPerSecondHashed],
        ['full (cohort sim --trace)', report.deliveriesPerSecondTraced],
      ].map(([tracing, perSecond]) => [String(tracing), fmtNumber(perSecond as number)]);
      const metrics = simMetrics(report);
      const verdict = report.meetsTarget ? 'met' : 'NOT met';
      const text =
        `simulated deliveries per wall-clock second, ${report.nodes}-node message flood, ` +
        `best of ${repeats}\n${table(['tracing', 'deliveries/s'], rows)}\n` +
        `target ≥ ${fmtNumber(report.targetDeliveriesPerSecond)}/s with tracing off: ${verdict}`;
      return { report: { ...report, metrics }, text };
    },
  },
  'raft-election': {
    run(flags, onProgress) {
      const trials = parseInteger('--trials', flags.trials, 1, 100_000) ?? 1000;
      const results = benchRaftElection({ trials, onProgress });
      const svgPath = flags.svg ?? 'raft-election-cdf.svg';
      const svg = cdfSvg(
        results.map((r) => ({ label: `${r.range} ms`, samples: r.samples })),
        {
          title: `Raft: time to elect after the leader crashes (5 servers, ${trials} trials)`,
          xLabel: 'milliseconds from the crash to a new leader (log scale)',
        },
      );
      writeFileSync(svgPath, svg);
      const ms = (v: number) => fmtNumber(Math.round(v));
      const rows = results.map((r) => [
        r.range,
        ms(r.p50),
        ms(r.p90),
        ms(r.p99),
        ms(r.max),
        String(r.capped),
        r.paper ?? '',
      ]);
      const header = ['timeout ms', 'p50', 'p90', 'p99', 'max', '≥ 30 s', 'paper (§9.3)'];
      const report = results.map(({ samples: _, ...summary }) => summary);
      const metrics = raftElectionMetrics(report);
      const text =
        `Raft paper Figure 16 (top): election time after a leader crash, ${trials} trials ` +
        `per range (virtual ms; availability: elections within 30 s)\n` +
        `${table(header, rows)}\nCDF written to ${svgPath}`;
      return { report: { ranges: report, svg: svgPath, metrics }, text };
    },
  },
  'raft-sim': {
    run(flags, onProgress) {
      const repeats = repeatsOf(flags);
      const runs = benchRaftSim({ repeats, onProgress });
      const rows = runs.map((r) => [
        r.faults === 'none' ? 'none' : 'random plan (seed 7)',
        fmtNumber(r.clientOpsPerSecond),
        fmtNumber(r.commitsPerSecond),
        `${r.virtualToWall}×`,
      ]);
      const metrics = raftSimMetrics(runs);
      const header = ['faults', 'client ops/s', 'commits/s', 'virtual/wall'];
      const text =
        `consensus/raft in the simulator, 5 servers + 8 clients, best of ${repeats} ` +
        `(client ops/s: acknowledged client ops per wall second)\n${table(header, rows)}`;
      // An object (it was the bare array until the metrics came): the runs are under `runs`.
      return { report: { runs, metrics }, text };
    },
  },
  wal: {
    async run(flags, onProgress) {
      const writes = parseInteger('--writes', flags.writes, 1, 1_000_000) ?? 2000;
      const repeats = repeatsOf(flags);
      const report = await benchWal({ writes, repeats, onProgress });
      const metrics = walMetrics(report);
      return { report: { ...report, metrics }, text: walText(report, writes) };
    },
  },
  server: {
    async run(flags, onProgress) {
      const members = integersOf('--members', flags.members, 1, 3);
      const concurrency = integersOf('--concurrency', flags.concurrency, 1, 4096);
      const workloads = workloadsOf(flags.workloads);
      const durationMs = parseInteger('--duration', flags.duration, 100, 3_600_000);
      const watchers = parseInteger('--watchers', flags.watchers, 1, 100_000);
      const rssKeys = parseInteger('--keys', flags.keys, 1, 100_000_000);
      const valueBytes = parseInteger('--value-bytes', flags.valueBytes, 0, 1_000_000);
      const report = await benchServer({
        cohortArgv: selfArgv(),
        ...(members !== undefined && { members }),
        ...(concurrency !== undefined && { concurrency }),
        ...(workloads !== undefined && { workloads }),
        ...(durationMs !== undefined && { durationMs }),
        repeats: repeatsOf(flags),
        ...(watchers !== undefined && { watchers }),
        ...(rssKeys !== undefined && { rssKeys }),
        ...(valueBytes !== undefined && { valueBytes }),
        ...(flags.cpuProf !== undefined && { cpuProfileDir: resolve(flags.cpuProf) }),
        onProgress,
      });
      return {
        report: { ...report, metrics: serverMetrics(report) },
        text: serverBenchText(report),
      };
    },
  },
  locks: {
    async run(flags, onProgress) {
      // Loaded here: the lock backends and their peers' clients load only for this benchmark.
      const { BACKENDS, benchLocks } = await import('../../bench/locks.js');
      const { locksBenchText } = await import('../../bench/locks-text.js');
      const backends = backendsOf(flags.backends, BACKENDS) as (typeof BACKENDS)[number][];
      const concurrency = integersOf('--concurrency', flags.concurrency, 1, 4096);
      const durationMs = parseInteger('--duration', flags.duration, 100, 3_600_000);
      const report = await benchLocks({
        cohortArgv: selfArgv(),
        ...(flags.backends !== undefined && { backends }),
        ...(concurrency !== undefined && { concurrency }),
        ...(durationMs !== undefined && { durationMs }),
        repeats: repeatsOf(flags),
        onProgress,
      });
      return { report: { ...report, metrics: locksMetrics(report) }, text: locksBenchText(report) };
    },
  },
  limits: {
    async run(flags, onProgress) {
      // Loaded here: rate-limiter-flexible, bottleneck and ioredis load only for this benchmark.
      const { benchLimits } = await import('../../bench/limits.js');
      const { limitsBenchText } = await import('../../bench/limits-text.js');
      const concurrency = integersOf('--concurrency', flags.concurrency, 1, 4096);
      const durationMs = parseInteger('--duration', flags.duration, 100, 3_600_000);
      const report = await benchLimits({
        ...(concurrency !== undefined && { concurrency }),
        ...(durationMs !== undefined && { durationMs }),
        repeats: repeatsOf(flags),
        onProgress,
      });
      return {
        report: { ...report, metrics: limitsMetrics(report) },
        text: limitsBenchText(report),
      };
    },
  },
  comm: {
    async run(flags, onProgress) {
      // Loaded here: amqplib, nats and the broker's client load only for this benchmark.
      const { benchComm } = await import('../../bench/comm.js');
      const { commBenchText } = await import('../../bench/comm-text.js');
      const { BROKER_SYSTEMS } = await import('../../bench/comm-servers.js');
      const systems = backendsOf(
        flags.backends,
        BROKER_SYSTEMS,
      ) as (typeof BROKER_SYSTEMS)[number][];
      const concurrency = integersOf('--concurrency', flags.concurrency, 1, 4096);
      const sizes = integersOf('--sizes', flags.sizes, 1, 1024 * 1024);
      const durationMs = parseInteger('--duration', flags.duration, 100, 3_600_000);
      const report = await benchComm({
        cohortArgv: selfArgv(),
        ...(flags.backends !== undefined && { systems }),
        ...(concurrency !== undefined && { concurrency }),
        ...(sizes !== undefined && { sizes }),
        ...(durationMs !== undefined && { durationMs }),
        repeats: repeatsOf(flags),
        ...(flags.cpuProf !== undefined && { cpuProfileDir: resolve(flags.cpuProf) }),
        onProgress,
      });
      return { report: { ...report, metrics: commMetrics(report) }, text: commBenchText(report) };
    },
  },
  compute: {
    async run(flags, onProgress) {
      // Loaded here: the compute models and the corpus generator load only for this benchmark.
      const { benchCompute } = await import('../../bench/compute.js');
      const { computeBenchText, computeScalingSvg } = await import('../../bench/compute-text.js');
      const sizeMb = parseInteger('--size', flags.size, 1, 65_536) ?? 256;
      const streamRecords = parseInteger('--records', flags.records, 1, 10_000_000);
      const report = await benchCompute({
        sizeMb,
        repeats: parseInteger('--repeats', flags.repeats, 1, 100) ?? 1,
        ...(streamRecords !== undefined && { streamRecords }),
        onProgress,
      });
      if (flags.svg !== undefined) writeFileSync(flags.svg, computeScalingSvg(report));
      const where = flags.svg === undefined ? '' : `\nplot written to ${flags.svg}`;
      const text = computeBenchText(report) + where;
      return {
        report: { ...report, metrics: computeMetrics(report) },
        text,
        failed: report.mismatches.length > 0,
      };
    },
  },
  txn: {
    async run(flags, onProgress) {
      // Loaded here: pg and the transaction libraries load only for this benchmark.
      const { benchTxn } = await import('../../bench/txn.js');
      const { txnBenchText } = await import('../../bench/txn-text.js');
      const concurrency = integersOf('--concurrency', flags.concurrency, 1, 256);
      const durationMs = parseInteger('--duration', flags.duration, 100, 3_600_000);
      const report = await benchTxn({
        ...(concurrency !== undefined && { concurrency }),
        ...(durationMs !== undefined && { durationMs }),
        repeats: repeatsOf(flags),
        onProgress,
      });
      return { report: { ...report, metrics: txnMetrics(report) }, text: txnBenchText(report) };
    },
  },
  schedulers: {
    async run(flags, onProgress) {
      const { benchSchedulers } = await import('../../bench/schedulers.js');
      const { schedulersBenchText, schedulersSvg } = await import('../../bench/schedulers-text.js');
      const seeds = parseInteger('--trials', flags.trials, 1, 1000) ?? 5;
      const report = benchSchedulers({ seeds, onProgress });
      if (flags.svg !== undefined) writeFileSync(flags.svg, schedulersSvg(report));
      const where = flags.svg === undefined ? '' : `\nplot written to ${flags.svg}`;
      return {
        report: { ...report, metrics: schedulersMetrics(report) },
        text: schedulersBenchText(report) + where,
      };
    },
  },
  partition: {
    async run(flags, onProgress) {
      // Loaded here: the npm partitioners load only for this benchmark.
      const { benchPartition } = await import('../../bench/partition.js');
      const { partitionBenchText } = await import('../../bench/partition-text.js');
      const nodes = parseInteger('--nodes', flags.nodes, 2, 10_000);
      const keys = parseInteger('--lookup-keys', flags.lookupKeys, 1000, 10_000_000);
      const durationMs = parseInteger('--duration', flags.duration, 10, 3_600_000);
      const report = benchPartition({
        ...(nodes !== undefined && { nodes }),
        ...(keys !== undefined && { keys }),
        ...(durationMs !== undefined && { durationMs }),
        repeats: repeatsOf(flags),
        onProgress,
      });
      return {
        report: { ...report, metrics: partitionMetrics(report) },
        text: partitionBenchText(report),
      };
    },
  },
  gossip: {
    async run(flags, onProgress) {
      const { benchGossip } = await import('../../bench/gossip.js');
      const { gossipBenchText, gossipSpreadSvg, swimDetectionSvg } = await import(
        '../../bench/gossip-text.js'
      );
      const sizes = integersOf('--sizes', flags.sizes, 2, 100_000);
      const seeds = parseInteger('--seeds', flags.seeds, 1, 1000);
      const report = benchGossip({
        ...(sizes !== undefined && { sizes }),
        ...(seeds !== undefined && { seeds, swimSeeds: seeds }),
        onProgress,
      });
      let text = gossipBenchText(report);
      // --svg names the spread plot; the SWIM plot goes beside it as swim-detection.svg.
      if (flags.svg !== undefined) {
        const swimPath = join(dirname(flags.svg), 'swim-detection.svg');
        writeFileSync(flags.svg, gossipSpreadSvg(report));
        writeFileSync(swimPath, swimDetectionSvg(report));
        text += `\nplots written to ${flags.svg} and ${swimPath}`;
      }
      return { report: { ...report, metrics: gossipMetrics(report) }, text };
    },
  },
  transport: {
    async run(flags, onProgress) {
      const messages = parseInteger('--messages', flags.messages, 1, 10_000_000) ?? 50_000;
      const rows = await benchTransport({ messages, onProgress });
      const rawOf = (r: TransportBenchRow) =>
        rows.find((x) => x.link === 'raw' && x.payloadBytes === r.payloadBytes)
          ?.messagesPerSecond ?? 1;
      const lines = rows.map((r) => [
        `${r.payloadBytes} B`,
        r.link === 'raw'
          ? 'raw socket (length-prefixed bytes)'
          : 'Cohort transport (msgpack frames)',
        fmtNumber(r.messagesPerSecond),
        String(r.megabytesPerSecond),
        r.link === 'raw' ? '' : `${(r.messagesPerSecond / rawOf(r)).toFixed(2)}×`,
      ]);
      const metrics = transportMetrics(rows);
      const header = ['payload', 'link', 'messages/s', 'MB/s', 'vs raw'];
      const text = `loopback, ${messages} messages per configuration\n${table(header, lines)}`;
      // An object (it was the bare array until the metrics came): the rows are under `rows`.
      return { report: { rows, metrics }, text };
    },
  },
};

const WAL_STORES: Record<WalStoreName, string> = {
  raw: 'raw disk (write + fdatasync each)',
  'raw-batch': 'raw disk (batch write + fdatasync)',
  cohort: 'Cohort WAL (set + endStep + sync)',
};

/** The WAL table: one row per store, Cohort's with its ratios (median and range). */
function walText(report: WalBenchReport, writes: number): string {
  const ratio = (r: WalBenchReport['rows'][number], baseline: 'raw' | 'raw-batch') => {
    const x = report.ratios.find(
      (q) => q.baseline === baseline && q.writers === r.writers && q.recordBytes === r.recordBytes,
    );
    if (r.store !== 'cohort' || x === undefined) return '';
    return `${x.median.toFixed(2)}× (${x.min.toFixed(2)}–${x.max.toFixed(2)})`;
  };
  const lines = report.rows.map((r) => [
    `${r.recordBytes} B (${r.bytesPerWrite})`,
    String(r.writers),
    WAL_STORES[r.store],
    fmtNumber(r.writesPerSecond),
    `${r.p50Ms} / ${r.p99Ms}`,
    String(r.megabytesPerSecond),
    `${fmtNumber(r.fsyncs)} (${r.recordsPerFsync})`,
    ratio(r, 'raw'),
    ratio(r, 'raw-batch'),
  ]);
  const header = [
    'value (on disk)',
    'writers',
    'store',
    'writes/s',
    'p50 / p99 ms',
    'MB/s',
    'fsyncs (records each)',
    'vs raw',
    'vs batch',
  ];
  return (
    `durable writes, ${writes} per configuration and store, ${report.repeats} repetitions ` +
    "(throughput: the median; vs: the median (min–max) of the repetitions' ratios)\n" +
    `${table(header, lines)}\n` +
    'on disk: bytes per write, the record header included (every store writes the same ' +
    "records); CPU: the process's, all threads; RSS includes the baselines' prepared batches"
  );
}

/**
 * A bench's human output: its own tables, then the common metrics table of the same
 * `metrics` rows its JSON report carries (one renderer for every bench).
 */
export function benchText(own: string, metrics: readonly BenchMetrics[]): string {
  return `${own}\n\n${metricsTableText(metrics)}`;
}

export async function benchCommand(what: string, flags: BenchFlags): Promise<number> {
  // Own names only: 'toString' is no benchmark.
  const bench = Object.hasOwn(benchmarks, what) ? benchmarks[what] : undefined;
  if (bench === undefined) {
    const names = Object.keys(benchmarks).join(', ');
    throw new UsageError(`unknown benchmark '${what}' (available: ${names})`);
  }
  const bar = progress();
  const { report, text, failed } = await bench.run(flags, (t) => bar.update(t));
  bar.done();
  process.stdout.write(
    flags.json === true
      ? `${JSON.stringify(report, null, 2)}\n`
      : `${benchText(text, report.metrics)}\n`,
  );
  return failed === true ? EXIT_CHECK_FAILED : EXIT_OK;
}
