// `cohort bench locks`: Cohort's lock backends (src/locks) beside the packages people use for
// the same job, on the same servers in one run (locks-targets.ts): acquire/release cycles
// per second and their p50/p99 uncontended (10,000 names, each worker its own, at each
// concurrency), and a hot lock (one name, 16 waiters: hand-offs per second and hand-off
// latency). Every configuration is measured on every implementation of a server group,
// `repeats` times, interleaved with the order alternating (a busy neighbour slows all alike):
// ops/s is the median, latencies are pooled. Mutual exclusion is checked during every run
// (locks-run.ts); a violation is reported with the run, never hidden in a figure.
// Each Cohort row carries its ratio to the best peer on the same server (ops/s ÷ ops/s).
//
// Fault model: a server that does not start, a backend that does not connect or a peer that
// is not installed is skipped with its reason (`skipped`), and the rest is measured; failed
// acquires/releases are counted per run (the first message is kept). Servers are stopped
// and their data removed however the run ends.

import {
  HOT_LOCK_WAITERS,
  hotLock,
  type LocksLoopResult,
  NAMES,
  uncontended,
} from './locks-run.js';
import {
  BACKENDS,
  type BackendName,
  GROUPS,
  type Group,
  type Mutexes,
  type Started,
  type Target,
} from './locks-targets.js';
import { percentile } from './metrics.js';

export { BACKENDS, type BackendName } from './locks-targets.js';

const DEFAULT_CONCURRENCY = [1, 16, 64];
const DEFAULT_DURATION_MS = 500;
const WARMUP_MS = 200;

export type LocksWorkload = 'uncontended' | 'hot-lock';

export interface LocksBenchRun {
  readonly server: string;
  readonly backend: BackendName;
  readonly implementation: string;
  readonly peer: boolean;
  readonly workload: LocksWorkload;
  /** Workers (hot-lock: the waiters). */
  readonly concurrency: number;
  /** Cycles (uncontended) or hand-offs (hot-lock), over every repetition. */
  readonly ops: number;
  readonly opsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly errors: number;
  readonly firstError?: string;
  /** Mutual-exclusion violations seen (must be 0). */
  readonly violations: number;
  /** hot-lock: fewest and most grants of one waiter in one repetition. */
  readonly grantsMin?: number;
  readonly grantsMax?: number;
  /** Cohort rows: ops/s ÷ the best peer's on the same server (absent: no peer there). */
  readonly vsBestPeer?: number;
  readonly bestPeer?: string;
}

export interface LocksBenchReport {
  readonly durationMs: number;
  readonly repeats: number;
  readonly names: number;
  readonly hotLockWaiters: number;
  readonly concurrency: readonly number[];
  readonly runs: readonly LocksBenchRun[];
  /** What was not measured, and why. */
  readonly skipped: readonly { readonly what: string; readonly reason: string }[];
}

export interface LocksBenchOptions {
  readonly backends?: readonly BackendName[];
  readonly concurrency?: readonly number[];
  readonly durationMs?: number;
  readonly repeats?: number;
  /** How to run the `cohort` CLI (for `cohort serve`): [node, ...node flags, entry script]. */
  readonly cohortArgv: readonly string[];
  readonly onProgress?: (text: string) => void;
}

interface Opened {
  readonly target: Target;
  readonly mutexes: Mutexes;
  /** Prefix of this implementation's lock names (its own, so implementations never meet). */
  readonly prefix: string;
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

const messageOf = (e: unknown) => (e instanceof Error ? e.message : String(e));

/** One row from the repetitions of one configuration on one implementation. */
function runOf(
  server: string,
  target: Target,
  workload: LocksWorkload,
  concurrency: number,
  reps: readonly LocksLoopResult[],
): LocksBenchRun {
  const sorted = Float64Array.from(reps.flatMap((r) => r.latencies)).sort();
  const rates = Float64Array.from(reps, (r) => r.ops / r.seconds).sort();
  const firstError = reps.find((r) => r.firstError !== undefined)?.firstError;
  const mins = reps.flatMap((r) => (r.grantsMin === undefined ? [] : [r.grantsMin]));
  const maxes = reps.flatMap((r) => (r.grantsMax === undefined ? [] : [r.grantsMax]));
  return {
    server,
    backend: target.backend,
    implementation: target.implementation,
    peer: target.peer,
    workload,
    concurrency,
    ops: reps.reduce((n, r) => n + r.ops, 0),
    opsPerSecond: Math.round(percentile(rates, 50)),
    p50Ms: round(percentile(sorted, 50), 3),
    p99Ms: round(percentile(sorted, 99), 3),
    errors: reps.reduce((n, r) => n + r.errors, 0),
    ...(firstError !== undefined && { firstError }),
    violations: reps.reduce((n, r) => n + r.violations, 0),
    ...(mins.length > 0 && { grantsMin: Math.min(...mins), grantsMax: Math.max(...maxes) }),
  };
}

/** Adds to each Cohort row its ratio to the best peer of its server and configuration. */
function withRatios(runs: readonly LocksBenchRun[]): LocksBenchRun[] {
  return runs.map((run) => {
    if (run.peer) return run;
    const peers = runs.filter(
      (p) =>
        p.peer &&
        p.server === run.server &&
        p.backend === run.backend &&
        p.workload === run.workload &&
        p.concurrency === run.concurrency,
    );
    const best = peers.reduce<LocksBenchRun | undefined>(
      (b, p) => (b === undefined || p.opsPerSecond > b.opsPerSecond ? p : b),
      undefined,
    );
    if (best === undefined || best.opsPerSecond === 0) return run;
    return {
      ...run,
      vsBestPeer: round(run.opsPerSecond / best.opsPerSecond, 2),
      bestPeer: best.implementation,
    };
  });
}

/** Opens every selected implementation of a group; the ones that fail are skipped. */
async function openAll(
  group: Group,
  targets: readonly Target[],
  started: Started,
  skipped: { what: string; reason: string }[],
): Promise<Opened[]> {
  const opened: Opened[] = [];
  for (const [i, target] of targets.entries()) {
    try {
      const mutexes = await target.open(started);
      const prefix = `bench-${i}-${Date.now().toString(36)}`;
      // Unmeasured: connections, scripts, schemas and the servers' caches warm up.
      await uncontended(mutexes, `${prefix}-warmup`, 4, WARMUP_MS);
      opened.push({ target, mutexes, prefix });
    } catch (error) {
      skipped.push({
        what: `${target.implementation} on ${group.server}`,
        reason: messageOf(error),
      });
    }
  }
  return opened;
}

/** Every configuration on every opened implementation, repetitions interleaved. */
async function measureGroup(
  group: Group,
  opened: readonly Opened[],
  opts: LocksBenchOptions,
  runs: LocksBenchRun[],
): Promise<void> {
  const durationMs = opts.durationMs ?? DEFAULT_DURATION_MS;
  const configs: [LocksWorkload, number][] = [
    ...(opts.concurrency ?? DEFAULT_CONCURRENCY).map((c): [LocksWorkload, number] => [
      'uncontended',
      c,
    ]),
    ['hot-lock', HOT_LOCK_WAITERS],
  ];
  let turn = 0;
  for (const [workload, concurrency] of configs) {
    const reps = opened.map((): LocksLoopResult[] => []);
    for (let k = 0; k < (opts.repeats ?? 1); k++) {
      const order = opened.map((_, i) => i);
      if (turn++ % 2 === 1) order.reverse();
      for (const i of order) {
        const { target, mutexes, prefix } = opened[i] as Opened;
        opts.onProgress?.(
          `bench locks: ${group.server}, ${target.implementation}, ${workload} at ${concurrency}, ` +
            `repetition ${k + 1}`,
        );
        const result =
          workload === 'uncontended'
            ? await uncontended(mutexes, `${prefix}-u${k}`, concurrency, durationMs)
            : await hotLock(mutexes, `${prefix}-hot${k}`, concurrency, durationMs);
        reps[i]?.push(result);
      }
    }
    for (const [i, o] of opened.entries())
      runs.push(runOf(group.server, o.target, workload, concurrency, reps[i] ?? []));
  }
}

export async function benchLocks(opts: LocksBenchOptions): Promise<LocksBenchReport> {
  const wanted = new Set<BackendName>(opts.backends ?? BACKENDS);
  const runs: LocksBenchRun[] = [];
  const skipped: { what: string; reason: string }[] = [];
  for (const group of GROUPS) {
    const targets = group.targets.filter((t) => wanted.has(t.backend));
    if (targets.length === 0) continue;
    opts.onProgress?.(`bench locks: starting ${group.server}`);
    let started: Started;
    try {
      started = await group.start(opts.cohortArgv);
    } catch (error) {
      const names = [...new Set(targets.map((t) => t.backend))].join(', ');
      skipped.push({ what: `${names} (${group.server} did not start)`, reason: messageOf(error) });
      continue;
    }
    const opened: Opened[] = [];
    try {
      opened.push(...(await openAll(group, targets, started, skipped)));
      await measureGroup(group, opened, opts, runs);
    } finally {
      for (const o of opened) await o.mutexes.close().catch(() => {});
      await started.stop();
    }
  }
  return {
    durationMs: opts.durationMs ?? DEFAULT_DURATION_MS,
    repeats: opts.repeats ?? 1,
    names: NAMES,
    hotLockWaiters: HOT_LOCK_WAITERS,
    concurrency: opts.concurrency ?? DEFAULT_CONCURRENCY,
    runs: withRatios(runs),
    skipped,
  };
}
