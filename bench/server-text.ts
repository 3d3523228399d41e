// The human table of `cohort bench server`: one row per cluster size, workload and
// concurrency, Cohort's figures beside etcd's and the ratio Cohort ÷ etcd; then the servers
// that did not start and the runs that had errors. The rss workload has a table of its own
// (keys loaded, load rate, RSS after the load and once settled, the databases' size).

import { fmtNumber, table } from '../src/cli/format.js';
import type { ServerBenchReport, ServerBenchRun } from './server.js';

const HEADER = [
  'members',
  'workload',
  'conc.',
  'ops/s Cohort',
  'ops/s etcd',
  'ops ×',
  'p50 ms C / E',
  'p99 ms C / E',
  'p99 ×',
  'CPU µs/op C / E',
  'CPU ×',
  'RSS MB C / E',
  'client µs/op',
];

const pair = (c: number | undefined, e: number | undefined) =>
  `${c === undefined ? '—' : fmtNumber(c)} / ${e === undefined ? '—' : fmtNumber(e)}`;
const times = (x: number | undefined) => (x === undefined ? '—' : `${x.toFixed(2)}×`);

const RSS_HEADER = [
  'members',
  'keys',
  'value B',
  'keys/s Cohort',
  'keys/s etcd',
  'RSS MB loaded C / E',
  'RSS ×',
  'RSS MB settled C / E',
  'RSS settled ×',
  'anon MB settled C / E',
  'DB MB C / E',
  'CPU µs/key C / E',
];

type Pair = { cohort?: ServerBenchRun; etcd?: ServerBenchRun };

function pairsOf(runs: readonly ServerBenchRun[]): Pair[] {
  const keyed = new Map<string, Pair>();
  for (const run of runs) {
    const key = `${run.members}|${run.workload}|${run.concurrency}`;
    keyed.set(key, { ...keyed.get(key), [run.server]: run });
  }
  return [...keyed.values()];
}

/** The rss rows: one per cluster size. */
function rssTable(report: ServerBenchReport): string | undefined {
  const pairs = pairsOf(report.runs.filter((r) => r.workload === 'rss'));
  if (pairs.length === 0) return undefined;
  const rows = pairs.map(({ cohort: c, etcd: e }) => {
    const any = (c ?? e) as ServerBenchRun;
    const ratio = report.ratios.find((r) => r.workload === 'rss' && r.members === any.members);
    return [
      String(any.members),
      fmtNumber(any.keys ?? 0),
      String(any.valueBytes ?? 0),
      c === undefined ? '—' : fmtNumber(c.opsPerSecond),
      e === undefined ? '—' : fmtNumber(e.opsPerSecond),
      pair(c?.rssMegabytes, e?.rssMegabytes),
      times(ratio?.rss),
      pair(c?.rssSettledMegabytes, e?.rssSettledMegabytes),
      times(ratio?.rssSettled),
      pair(c?.anonSettledMegabytes, e?.anonSettledMegabytes),
      pair(c?.dbMegabytes, e?.dbMegabytes),
      pair(c?.serverCpuMicrosPerOp, e?.serverCpuMicrosPerOp),
    ];
  });
  return (
    'rss: keys loaded in Txns of 128 puts, 16 Txns in flight; RSS summed over the members, ' +
    'right after the load and once it stopped falling (no 1 % drop for 10 s; at most 60 s); anon: the settled ' +
    'RSS without mapped file pages (RssAnon; etcd maps its database file); DB: Status ' +
    `dbSize summed over the members\n${table(RSS_HEADER, rows)}`
  );
}

export function serverBenchText(report: ServerBenchReport): string {
  const pairs = pairsOf(report.runs.filter((r) => r.workload !== 'rss'));
  const rows = pairs.map(({ cohort: c, etcd: e }) => {
    const any = (c ?? e) as ServerBenchRun;
    const ratio = report.ratios.find(
      (r) =>
        r.members === any.members &&
        r.workload === any.workload &&
        r.concurrency === any.concurrency,
    );
    return [
      String(any.members),
      any.workload,
      String(any.concurrency),
      c === undefined ? '—' : fmtNumber(c.opsPerSecond),
      e === undefined ? '—' : fmtNumber(e.opsPerSecond),
      times(ratio?.opsPerSecond),
      pair(c?.p50Ms, e?.p50Ms),
      pair(c?.p99Ms, e?.p99Ms),
      times(ratio?.p99),
      pair(c?.serverCpuMicrosPerOp, e?.serverCpuMicrosPerOp),
      times(ratio?.cpuPerOp),
      pair(c?.rssMegabytes, e?.rssMegabytes),
      pair(c?.clientCpuMicrosPerOp, e?.clientCpuMicrosPerOp),
    ];
  });
  const notes = [
    ...report.failures.map(
      (f) => `${f.server} with ${f.members} member(s) did not start: ${f.error}`,
    ),
    ...report.runs
      .filter((r) => r.errors > 0)
      .map(
        (r) =>
          `${r.server}, ${r.members} member(s), ${r.workload} at ${r.concurrency}: ` +
          `${r.errors} failed requests (first: ${r.firstError})`,
      ),
  ];
  return [
    `Cohort (cohort serve) and etcd 3.4 side by side, same client (cohort/client, one ` +
      `connection to the leader), both fsync on commit; ${report.keys} keys of ` +
      `${report.keyBytes} B, values of ${report.valueBytes} B; ${report.repeats} × ${report.durationMs} ms per configuration ` +
      '(ops/s: the median; latencies pooled)',
    table(HEADER, rows),
    'lock: lock → unlock cycles, each caller on its own name; lock-shared: the same, every ' +
      'caller on one name (latency includes the queue); hot-lock: 16 callers on one name, an ' +
      'op is one hand-off, latency from the unlock call to the next holder’s lock answer.\n' +
      'watch-fanout: conc. is the number of watchers; ops are writes (one at a time, each ' +
      'waited for on every watcher); p50/p99: from the put to each watcher’s event.\n' +
      'ops ×, p99 ×, CPU ×: Cohort ÷ etcd. CPU: all members, user + system, per operation. ' +
      'RSS: all members after the run.\nclient µs/op: the benchmark process (the client) — ' +
      'both share the machine with the servers.',
    ...[rssTable(report)].filter((t) => t !== undefined),
    ...notes,
  ].join('\n');
}
