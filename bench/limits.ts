// `cohort bench limits`: decisions per second and accuracy (admitted ÷ allowed) of every
// Cohort rate limiter, in process and on Redis, beside rate-limiter-flexible and bottleneck,
// under the same load in one run: `concurrency` workers deciding on one hot key as fast as
// they can for `durationMs`, far above the limit (LIMIT per WINDOW_MS), so nearly every
// decision past the first burst is a refusal — the load a limiter exists for. Each run
// starts from a fresh key (a full bucket, an empty window).
//
// Workers await every decision and yield to the event loop every YIELD_EVERY decisions, as
// a server's requests would (they arrive as I/O): a library that refills by timer gets its
// timers run. Redis targets share `connections` ioredis clients (the same clients for every
// library), workers spread over them. One redis-server is started for the run (persistence
// off: a limiter's state is ephemeral, and fsync would measure the disk), and stopped.
//
// Fault model: the bench owns what it starts; a failed run stops the server it started.

import { Redis } from 'ioredis';
import { LIMIT, type LimitTarget, TARGETS, WINDOW_MS } from './limits-targets.js';
import { LocalServers } from './locks-servers.js';
import { percentile } from './metrics.js';

const YIELD_EVERY = 64;
const WARM_UP_MS = 300;

export interface LimitsBenchOptions {
  readonly concurrency?: readonly number[];
  readonly durationMs?: number;
  readonly repeats?: number;
  /** Redis connections per Redis target (default 4; fewer when fewer workers). */
  readonly connections?: number;
  /** Target names to run (default all). */
  readonly targets?: readonly string[];
  readonly onProgress?: (text: string) => void;
}

export interface LimitsRun {
  readonly decisionsPerSecond: number;
  readonly decisions: number;
  readonly admitted: number;
  readonly allowed: number;
  /** admitted ÷ allowed: 1 is exact, above 1 admitted too much, below refused too much. */
  readonly accuracy: number;
}

export interface LimitsBenchRow {
  readonly target: string;
  readonly library: LimitTarget['library'];
  readonly store: LimitTarget['store'];
  readonly algorithm: string;
  readonly concurrency: number;
  /** The median run's decisions per second. */
  readonly decisionsPerSecond: number;
  /** The accuracy of the median run, and the lowest and highest of all runs. */
  readonly accuracy: number;
  readonly accuracyMin: number;
  readonly accuracyMax: number;
  /** Every run whose admitted count equalled its allowed count. */
  readonly exact: boolean;
  readonly runs: readonly LimitsRun[];
}

export interface LimitsBenchReport {
  readonly policy: { readonly limit: number; readonly windowMs: number; readonly keys: 1 };
  readonly durationMs: number;
  readonly repeats: number;
  readonly connections: number;
  readonly redis: string;
  readonly node: string;
  readonly rows: readonly LimitsBenchRow[];
}

/** One timed run of `target` at `concurrency`. */
async function runOnce(
  target: LimitTarget,
  concurrency: number,
  durationMs: number,
  ctx: { clients: Redis[]; redis: { host: string; port: number }; name: string },
): Promise<LimitsRun> {
  const clients = ctx.clients.slice(0, Math.min(ctx.clients.length, concurrency));
  const handle = await target.open({ ...ctx, clients });
  try {
    let decisions = 0;
    let admitted = 0;
    const started = performance.now();
    const end = started + durationMs;
    const worker = async (w: number) => {
      for (let i = 1; performance.now() < end; i++) {
        if (await handle.decide(w)) admitted++;
        decisions++;
        if (i % YIELD_EVERY === 0) await new Promise((r) => setImmediate(r));
      }
    };
    await Promise.all(Array.from({ length: concurrency }, (_, w) => worker(w)));
    const seconds = (performance.now() - started) / 1000;
    const allowed = handle.allowed();
    return {
      decisionsPerSecond: Math.round(decisions / seconds),
      decisions,
      admitted,
      allowed,
      accuracy: allowed === 0 ? 0 : Number((admitted / allowed).toFixed(4)),
    };
  } finally {
    await handle.close();
  }
}

/** The lower median (nearest rank): always one run's own figure, so that run can be found. */
function median(values: readonly number[]): number {
  return percentile(
    [...values].sort((a, b) => a - b),
    50,
  );
}

function rowOf(target: LimitTarget, concurrency: number, runs: LimitsRun[]): LimitsBenchRow {
  const mid = median(runs.map((r) => r.decisionsPerSecond));
  const medianRun = runs.find((r) => r.decisionsPerSecond === mid) as LimitsRun;
  const accuracies = runs.map((r) => r.accuracy);
  return {
    target: target.name,
    library: target.library,
    store: target.store,
    algorithm: target.algorithm,
    concurrency,
    decisionsPerSecond: mid,
    accuracy: medianRun.accuracy,
    accuracyMin: Math.min(...accuracies),
    accuracyMax: Math.max(...accuracies),
    exact: runs.every((r) => r.admitted === r.allowed),
    runs,
  };
}

export async function benchLimits(options: LimitsBenchOptions = {}): Promise<LimitsBenchReport> {
  const concurrencies = options.concurrency ?? [1, 16, 64];
  const durationMs = options.durationMs ?? 3000;
  const repeats = options.repeats ?? 3;
  const connections = options.connections ?? 4;
  const targets = TARGETS.filter((t) => options.targets?.includes(t.name) ?? true);
  const say = options.onProgress ?? (() => {});
  say('starting redis-server');
  const servers = await LocalServers.redis(1);
  const redis = { host: '127.0.0.1', port: servers.ports[0] as number };
  const clients: Redis[] = [];
  try {
    for (let i = 0; i < connections; i++) {
      const client = new Redis({ ...redis, lazyConnect: true });
      clients.push(client);
      await client.connect();
    }
    const admin = clients[0] as Redis;
    await admin.config('SET', 'appendonly', 'no'); // State is ephemeral; see the header.
    const version = String(await admin.info('server')).match(/redis_version:(\S+)/)?.[1];
    const rows: LimitsBenchRow[] = [];
    let n = 0;
    for (const target of targets)
      for (const concurrency of concurrencies) {
        const runs: LimitsRun[] = [];
        // An untimed warm-up: JIT, the script cache and the connections, for every library.
        say(`${target.name}, concurrency ${concurrency}, warm-up`);
        const warmUpMs = Math.min(WARM_UP_MS, durationMs);
        await runOnce(target, concurrency, warmUpMs, { clients, redis, name: `w${n++}` });
        for (let r = 0; r < repeats; r++) {
          say(`${target.name}, concurrency ${concurrency}, run ${r + 1}/${repeats}`);
          runs.push(
            await runOnce(target, concurrency, durationMs, { clients, redis, name: `r${n++}` }),
          );
        }
        rows.push(rowOf(target, concurrency, runs));
        await admin.flushdb(); // Nothing left over for the next target.
      }
    return {
      policy: { limit: LIMIT, windowMs: WINDOW_MS, keys: 1 },
      durationMs,
      repeats,
      connections,
      redis: `redis-server ${version ?? '?'} (appendonly no)`,
      node: process.version,
      rows,
    };
  } finally {
    for (const c of clients) c.disconnect();
    await servers.stop();
  }
}
