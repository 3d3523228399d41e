// `cohort bench server`: Cohort's coordination server (`cohort serve`) against a real etcd
// 3.4 in the same run, on the same machine and disk, through the same client (cohort/client)
// and with the same durability (both fsync a write before acknowledging it). For each cluster
// size both servers run side by side; every workload and concurrency is measured on one,
// then the other (the order alternates, so a drifting disk or a busy neighbour slows both
// alike). A measurement is a closed loop: `concurrency` callers each send one request, wait
// for the answer, and send the next, for `durationMs`; each configuration is measured
// `repeats` times per server, interleaved: ops/s is the median, latencies are pooled.
// Workloads, over KEYS keys of KEY_BYTES bytes holding VALUE_BYTES-byte values (written
// before the first measurement): put; get (linearizable: ReadIndex on the leader); get with
// serializable (served by the member, no quorum round); txn (compare the value, then put it:
// a guarded write); lock, lock-shared and hot-lock (etcd's v3lock: acquire/release cycles on
// a name per caller and on one name, and hand-offs between 16 waiters: server-lock.ts);
// watch-fanout (one writer, 1,000 watchers of its key: server-watch.ts); and, only when
// asked for, rss (1,000,000 keys loaded, then the servers' RSS: server-rss.ts).
// Reported per run: ops/s, p50/p99 latency, the servers' CPU time per operation (all members,
// from /proc/<pid>/stat before and after), their summed RSS after the run, and the client's
// own CPU per operation (this process: when it nears 1 s per s, the client is the limit for
// both servers alike); and per configuration the ratios Cohort ÷ etcd.
//
// Fault model: a server that fails to start is reported (`failures`) and the other is still
// measured; a failed request counts as an error of its run (the first message is kept).

import { type Client, Compare, connect, Op } from '../src/client/index.js';
import { percentile } from './metrics.js';
import { type ProcessSample, ServerCluster, type ServerKind } from './server-cluster.js';
import { HOT_LOCK_WAITERS, hotLock, LockLeases, lockCycle } from './server-lock.js';
import { closedLoop, type LoopResult } from './server-loop.js';
import {
  DEFAULT_RSS_KEYS,
  DEFAULT_RSS_VALUE_BYTES,
  dbBytes,
  LOAD_CALLERS,
  loadKeys,
  settledRss,
} from './server-rss.js';
import { type Fanout, openFanout } from './server-watch.js';

const CLOSED_LOOP_WORKLOADS = ['put', 'get', 'get-serializable', 'txn'] as const;
type ClosedLoopWorkload = (typeof CLOSED_LOOP_WORKLOADS)[number];
const LOCK_WORKLOADS = ['lock', 'lock-shared'] as const;
export const SERVER_WORKLOADS = [
  ...CLOSED_LOOP_WORKLOADS,
  ...LOCK_WORKLOADS,
  'hot-lock',
  'watch-fanout',
  'rss',
] as const;
export type ServerWorkload = (typeof SERVER_WORKLOADS)[number];
/** Every workload but rss (a long load that leaves a million keys): the default run. */
export const DEFAULT_SERVER_WORKLOADS: readonly ServerWorkload[] = SERVER_WORKLOADS.filter(
  (w) => w !== 'rss',
);

export const KEYS = 1000;
export const KEY_BYTES = 16;
export const VALUE_BYTES = 32;
const CALL_TIMEOUT_MS = 10_000;
const WARMUP_MS = 300;
const DEFAULT_DURATION_MS = 500;
const DEFAULT_WATCHERS = 1000;
const DEFAULT_CONCURRENCY = [1, 16, 64, 256];

export interface ServerBenchRun {
  readonly server: ServerKind;
  readonly members: number;
  readonly workload: ServerWorkload;
  /** Requests in flight (watch-fanout: the number of watchers; one write at a time). */
  readonly concurrency: number;
  readonly ops: number;
  readonly errors: number;
  readonly firstError?: string;
  readonly opsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  /** CPU time (user + system) of every member per operation. */
  readonly serverCpuMicrosPerOp: number;
  /** The server's CPU seconds per wall-clock second during the run (2 = both cores busy). */
  readonly serverCores: number;
  /** This process's (the client's) CPU time per operation. */
  readonly clientCpuMicrosPerOp: number;
  /** The summed resident set size of the members after the run. */
  readonly rssMegabytes: number;
  /** rss only: the keys loaded, their values' size, the RSS once settled, the database. */
  readonly keys?: number;
  readonly valueBytes?: number;
  readonly rssSettledMegabytes?: number;
  /** The anonymous part of the settled RSS (without mapped file pages: etcd's mmapped DB). */
  readonly anonSettledMegabytes?: number;
  readonly settleSeconds?: number;
  readonly dbMegabytes?: number;
}

/** Cohort ÷ etcd for one configuration (above 1: Cohort is faster, or uses more). */
export interface ServerBenchRatio {
  readonly members: number;
  readonly workload: ServerWorkload;
  readonly concurrency: number;
  readonly opsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly cpuPerOp: number;
  readonly rss: number;
  /** rss only: settled RSS, Cohort ÷ etcd. */
  readonly rssSettled?: number;
}

export interface ServerBenchReport {
  readonly durationMs: number;
  readonly repeats: number;
  readonly keys: number;
  readonly keyBytes: number;
  readonly valueBytes: number;
  readonly runs: readonly ServerBenchRun[];
  readonly ratios: readonly ServerBenchRatio[];
  /** Servers that did not start: no runs for them at that size. */
  readonly failures: readonly { server: ServerKind; members: number; error: string }[];
}

export interface ServerBenchOptions {
  readonly members?: readonly number[];
  readonly concurrency?: readonly number[];
  readonly workloads?: readonly ServerWorkload[];
  readonly durationMs?: number;
  /** watch-fanout: watchers of the one key written (default 1,000). */
  readonly watchers?: number;
  /** rss: keys to load (default 1,000,000) and their values' size (default 100 B). */
  readonly rssKeys?: number;
  readonly valueBytes?: number;
  /** Measurements per configuration and server (interleaved; the median ops/s is reported). */
  readonly repeats?: number;
  /** Which servers to run (default both). */
  readonly servers?: readonly ServerKind[];
  /** How to run the `cohort` CLI: [node, ...node flags, entry script]. */
  readonly cohortArgv: readonly string[];
  /** Cohort members write V8 CPU profiles here. */
  readonly cpuProfileDir?: string;
  readonly onProgress?: (text: string) => void;
}

const keyOf = (n: number) => `bench/${String(n % KEYS).padStart(KEY_BYTES - 6, '0')}`;
const VALUE = 'v'.repeat(VALUE_BYTES);

/** One request of `workload`; caller `w` makes its `i`-th (callers spread over the keys). */
function operation(
  client: Client,
  workload: ClosedLoopWorkload,
): (w: number, i: number) => Promise<unknown> {
  const call = { timeoutMs: CALL_TIMEOUT_MS };
  const key = (w: number, i: number) => keyOf(w * 7919 + i);
  switch (workload) {
    case 'put':
      return (w, i) => client.put(key(w, i), VALUE, call);
    case 'get':
      return (w, i) => client.get(key(w, i), call);
    case 'get-serializable':
      return (w, i) => client.get(key(w, i), { ...call, serializable: true });
    case 'txn':
      return (w, i) => {
        const k = key(w, i);
        return client
          .txn()
          .if(Compare.value(k, '=', VALUE))
          .then(Op.put(k, VALUE))
          .else(Op.get(k))
          .commit(call);
      };
  }
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

interface Target {
  readonly cluster: ServerCluster;
  readonly client: Client;
  /** The lock workloads' leases, one per caller. */
  readonly locks: LockLeases;
}

/** One repetition of one configuration on one server: the loop and the CPU around it. */
interface Repetition {
  readonly loop: LoopResult;
  readonly serverCpuSeconds: number;
  readonly clientCpuMicros: number;
  readonly rssBytes: number;
}

async function repetition(
  target: Target,
  measure: (target: Target) => Promise<LoopResult>,
): Promise<Repetition> {
  const before: ProcessSample = target.cluster.sample();
  const cpu = process.cpuUsage();
  const loop = await measure(target);
  const used = process.cpuUsage(cpu);
  const after = target.cluster.sample();
  return {
    loop,
    serverCpuSeconds: after.cpuSeconds - before.cpuSeconds,
    clientCpuMicros: used.user + used.system,
    rssBytes: after.rssBytes,
  };
}

/**
 * The row of one configuration on one server: ops/s is the median of the repetitions;
 * latencies are pooled over them; CPU is their total over their operations; RSS the last.
 */
function runOf(
  target: Target,
  config: { members: number; workload: ServerWorkload; concurrency: number },
  reps: readonly Repetition[],
): ServerBenchRun {
  const ops = reps.reduce((n, r) => n + r.loop.ops, 0);
  const seconds = reps.reduce((n, r) => n + r.loop.seconds, 0);
  const sorted = Float64Array.from(reps.flatMap((r) => r.loop.latencies)).sort();
  const rates = Float64Array.from(reps, (r) => r.loop.ops / r.loop.seconds).sort();
  const serverCpu = reps.reduce((n, r) => n + r.serverCpuSeconds, 0);
  const clientCpu = reps.reduce((n, r) => n + r.clientCpuMicros, 0);
  const firstError = reps.find((r) => r.loop.firstError !== undefined)?.loop.firstError;
  return {
    server: target.cluster.kind,
    ...config,
    ops,
    errors: reps.reduce((n, r) => n + r.loop.errors, 0),
    ...(firstError !== undefined && { firstError }),
    opsPerSecond: Math.round(percentile(rates, 50)),
    p50Ms: round(percentile(sorted, 50), 3),
    p99Ms: round(percentile(sorted, 99), 3),
    serverCpuMicrosPerOp: round((serverCpu * 1e6) / Math.max(1, ops), 1),
    serverCores: round(serverCpu / seconds, 2),
    clientCpuMicrosPerOp: round(clientCpu / Math.max(1, ops), 1),
    rssMegabytes: round((reps.at(-1)?.rssBytes ?? 0) / 2 ** 20, 1),
  };
}

/** Writes every key once (so reads find them), then runs each workload briefly, unmeasured. */
async function prepare(client: Client): Promise<void> {
  const callers = 32;
  await Promise.all(
    Array.from({ length: callers }, async (_, w) => {
      for (let n = w; n < KEYS; n += callers) await client.put(keyOf(n), VALUE);
    }),
  );
  for (const workload of CLOSED_LOOP_WORKLOADS)
    await closedLoop(operation(client, workload), 16, WARMUP_MS);
}

async function startTarget(
  kind: ServerKind,
  members: number,
  opts: ServerBenchOptions,
): Promise<Target> {
  const cluster = await ServerCluster.start({
    kind,
    members,
    cohortArgv: opts.cohortArgv,
    ...(opts.cpuProfileDir !== undefined && { cpuProfileDir: opts.cpuProfileDir }),
  });
  try {
    const client = await connect({ endpoints: cluster.endpoints });
    await prepare(client);
    return { cluster, client, locks: new LockLeases(client) };
  } catch (error) {
    await cluster.stop();
    throw error;
  }
}

function ratioOf(c: ServerBenchRun, e: ServerBenchRun): ServerBenchRatio {
  const r = (x: number, y: number) => (y === 0 ? 0 : round(x / y, 2));
  return {
    members: c.members,
    workload: c.workload,
    concurrency: c.concurrency,
    opsPerSecond: r(c.opsPerSecond, e.opsPerSecond),
    p50: r(c.p50Ms, e.p50Ms),
    p99: r(c.p99Ms, e.p99Ms),
    cpuPerOp: r(c.serverCpuMicrosPerOp, e.serverCpuMicrosPerOp),
    rss: r(c.rssMegabytes, e.rssMegabytes),
    ...(c.rssSettledMegabytes !== undefined &&
      e.rssSettledMegabytes !== undefined && {
        rssSettled: r(c.rssSettledMegabytes, e.rssSettledMegabytes),
      }),
  };
}

type Interleave = (
  workload: ServerWorkload,
  concurrency: number,
  measure: (target: Target) => Promise<LoopResult>,
) => Promise<void>;

/**
 * Measures one configuration on every target, `repeats` times, alternating which server
 * goes first, and adds one row per target to `runs`.
 */
function interleaved(
  members: number,
  targets: readonly Target[],
  opts: ServerBenchOptions,
  runs: ServerBenchRun[],
): Interleave {
  let turn = 0;
  return async (workload, concurrency, measure) => {
    const reps = targets.map((): Repetition[] => []);
    for (let k = 0; k < (opts.repeats ?? 1); k++) {
      const order = targets.map((_, i) => i);
      if (turn++ % 2 === 1) order.reverse();
      for (const i of order) {
        const target = targets[i] as Target;
        opts.onProgress?.(
          `bench server: ${members} member(s), ${workload}, concurrency ${concurrency}, ` +
            `${target.cluster.kind}, repetition ${k + 1}`,
        );
        reps[i]?.push(await repetition(target, measure));
      }
    }
    const config = { members, workload, concurrency };
    runs.push(...targets.map((t, i) => runOf(t, config, reps[i] ?? [])));
  };
}

/** Watch fan-out on every target: the watchers are opened before and closed after. */
async function fanoutRuns(
  targets: readonly Target[],
  opts: ServerBenchOptions,
  interleave: Interleave,
): Promise<void> {
  const watchers = opts.watchers ?? DEFAULT_WATCHERS;
  const fanouts = new Map<Target, Fanout | Error>();
  try {
    for (const t of targets) {
      opts.onProgress?.(`bench server: opening ${watchers} watchers on ${t.cluster.kind}`);
      fanouts.set(t, await openFanout(t.cluster.endpoints, watchers).catch((e: Error) => e));
    }
    const durationMs = opts.durationMs ?? DEFAULT_DURATION_MS;
    await interleave('watch-fanout', watchers, async (t) => {
      const fanout = fanouts.get(t) as Fanout | Error;
      if (!(fanout instanceof Error)) return fanout.run(t.client, durationMs);
      // The watchers could not be opened: a row with the error and no operations.
      return {
        ops: 0,
        latencies: [],
        seconds: durationMs / 1000,
        errors: 1,
        firstError: fanout.message,
      };
    });
  } finally {
    for (const fanout of fanouts.values()) if (!(fanout instanceof Error)) await fanout.close();
  }
}

/** A lock or lock-shared loop; overlapping grants (checked at the end) count as errors. */
async function lockLoop(
  t: Target,
  shared: boolean,
  concurrency: number,
  durationMs: number,
): Promise<LoopResult> {
  const { op, check } = lockCycle(t.client, t.locks, shared);
  const loop = await closedLoop(op, concurrency, durationMs);
  const overlaps = check();
  if (overlaps.count === 0) return loop;
  const firstError = loop.firstError ?? overlaps.first ?? 'overlapping grants';
  return { ...loop, errors: loop.errors + overlaps.count, firstError };
}

/** Lock cycles at each concurrency, then the hot lock; leases are granted unmeasured. */
async function lockRuns(
  targets: readonly Target[],
  workloads: readonly ServerWorkload[],
  opts: ServerBenchOptions,
  interleave: Interleave,
): Promise<void> {
  const durationMs = opts.durationMs ?? DEFAULT_DURATION_MS;
  const wanted = LOCK_WORKLOADS.filter((w) => workloads.includes(w));
  if (wanted.length > 0 || workloads.includes('hot-lock')) {
    for (const t of targets) {
      await t.locks.ensure(16);
      await closedLoop(lockCycle(t.client, t.locks, false).op, 16, WARMUP_MS);
    }
  }
  for (const workload of wanted) {
    for (const concurrency of opts.concurrency ?? DEFAULT_CONCURRENCY) {
      for (const t of targets) await t.locks.ensure(concurrency);
      await interleave(workload, concurrency, (t) =>
        lockLoop(t, workload === 'lock-shared', concurrency, durationMs),
      );
    }
  }
  if (!workloads.includes('hot-lock')) return;
  for (const t of targets) await t.locks.ensure(HOT_LOCK_WAITERS);
  await interleave('hot-lock', HOT_LOCK_WAITERS, (t) =>
    hotLock(t.client, t.locks, HOT_LOCK_WAITERS, durationMs),
  );
}

/** rss: loads the keys into each server in turn (once: a second load would add history). */
async function rssRuns(
  members: number,
  targets: readonly Target[],
  opts: ServerBenchOptions,
  runs: ServerBenchRun[],
): Promise<void> {
  const keys = opts.rssKeys ?? DEFAULT_RSS_KEYS;
  const valueBytes = opts.valueBytes ?? DEFAULT_RSS_VALUE_BYTES;
  const mb = (bytes: number) => round(bytes / 2 ** 20, 1);
  for (const t of targets) {
    opts.onProgress?.(
      `bench server: ${members} member(s), rss: loading ${keys} keys into ${t.cluster.kind}`,
    );
    const load = await repetition(t, (x) => loadKeys(x.client, keys, valueBytes, opts.onProgress));
    opts.onProgress?.(`bench server: rss: ${t.cluster.kind} settling`);
    const settled = await settledRss(t.cluster);
    const config = { members, workload: 'rss' as const, concurrency: LOAD_CALLERS };
    runs.push({
      ...runOf(t, config, [load]),
      keys,
      valueBytes,
      rssSettledMegabytes: mb(settled.rssBytes),
      anonSettledMegabytes: mb(settled.anonBytes),
      settleSeconds: round(settled.seconds, 1),
      dbMegabytes: mb(await dbBytes(t.cluster.endpoints)),
    });
  }
}

/** Every configuration at one cluster size, both servers side by side. */
async function atSize(
  members: number,
  opts: ServerBenchOptions,
  report: { runs: ServerBenchRun[]; failures: ServerBenchReport['failures'][number][] },
): Promise<void> {
  const targets: Target[] = [];
  for (const kind of opts.servers ?? (['cohort', 'etcd'] as const)) {
    opts.onProgress?.(`bench server: starting ${kind} with ${members} member(s)`);
    try {
      targets.push(await startTarget(kind, members, opts));
    } catch (error) {
      report.failures.push({ server: kind, members, error: (error as Error).message });
    }
  }
  try {
    const durationMs = opts.durationMs ?? DEFAULT_DURATION_MS;
    const interleave = interleaved(members, targets, opts, report.runs);
    const workloads = opts.workloads ?? DEFAULT_SERVER_WORKLOADS;
    for (const workload of CLOSED_LOOP_WORKLOADS) {
      if (!workloads.includes(workload)) continue;
      for (const concurrency of opts.concurrency ?? DEFAULT_CONCURRENCY) {
        await interleave(workload, concurrency, (t) =>
          closedLoop(operation(t.client, workload), concurrency, durationMs),
        );
      }
    }
    await lockRuns(targets, workloads, opts, interleave);
    if (workloads.includes('watch-fanout')) await fanoutRuns(targets, opts, interleave);
    // Last: it leaves the servers holding the keys.
    if (workloads.includes('rss')) await rssRuns(members, targets, opts, report.runs);
  } finally {
    for (const t of targets) {
      await t.locks.close();
      t.client.close();
      await t.cluster.stop();
    }
  }
}

export async function benchServer(opts: ServerBenchOptions): Promise<ServerBenchReport> {
  const report = {
    runs: [] as ServerBenchRun[],
    failures: [] as ServerBenchReport['failures'][number][],
  };
  for (const members of opts.members ?? [1, 3]) await atSize(members, opts, report);
  const ratios: ServerBenchRatio[] = [];
  for (const c of report.runs) {
    if (c.server !== 'cohort') continue;
    const e = report.runs.find(
      (x) =>
        x.server === 'etcd' &&
        x.members === c.members &&
        x.workload === c.workload &&
        x.concurrency === c.concurrency,
    );
    if (e !== undefined) ratios.push(ratioOf(c, e));
  }
  return {
    durationMs: opts.durationMs ?? DEFAULT_DURATION_MS,
    repeats: opts.repeats ?? 1,
    keys: KEYS,
    keyBytes: KEY_BYTES,
    valueBytes: VALUE_BYTES,
    runs: report.runs,
    ratios,
    failures: report.failures,
  };
}
