// What `cohort bench limits` measures: every Cohort rate limiter in process and on Redis,
// beside rate-limiter-flexible (RateLimiterMemory, RateLimiterRedis) and bottleneck (local,
// and clustered on Redis through ioredis), all configured for the same policy — LIMIT units
// per WINDOW_MS on one key, starting full — and each able to say how many of the decisions
// it was asked for its policy allows (`allowed`), from the times the decisions were made.
//
// Times: an in-process Cohort limiter reads an injected clock, so the bench records exactly
// the times it decided at; a Redis one returns the server time its script used. The other
// libraries decide at a time they do not report: the bench records Date.now() just before
// each call (for rate-limiter-flexible's Redis store a round trip earlier than the server's
// own clock; a window boundary inside that gap can move one decision across it).
//
// Policies, as each library defines them:
//   Cohort: the algorithm's rule (tested against its definition in src/reliability/limit);
//     allowed = the rule replayed at the recorded times.
//   rate-limiter-flexible: a fixed window opened by the first request after the previous one
//     ended (points per duration); allowed = that window replayed at the recorded times.
//   bottleneck: a reservoir of LIMIT reset to LIMIT every WINDOW_MS from the limiter's start;
//     allowed = LIMIT per window [start + k·W, start + (k+1)·W), at most the demand in it.

import Bottleneck from 'bottleneck';
import { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis } from 'rate-limiter-flexible';
import { type Clock, ManualClock } from '../src/reliability/clock.js';
import {
  ALGORITHMS,
  type AlgorithmName,
  createLimiter,
  type LimiterConfig,
} from '../src/reliability/limit/index.js';
import { RedisLimiter } from '../src/reliability/limit/redis/redis-limiter.js';

/** 100 per second: a per-user API limit, and below what bottleneck can schedule. */
export const LIMIT = 100;
export const WINDOW_MS = 1000;

/** Decision times, run-length encoded: `counts[i]` decisions at `times[i]`. */
export class TimeLog {
  times: number[] = [];
  counts: number[] = [];
  private sorted = true;

  push(t: number): void {
    const last = this.times.length - 1;
    if (last >= 0 && this.times[last] === t) (this.counts[last] as number)++;
    else {
      if (last >= 0 && t < (this.times[last] as number)) this.sorted = false;
      this.times.push(t);
      this.counts.push(1);
    }
  }

  /** The log in time order, equal times merged (replies can arrive out of server order). */
  runs(): { t: number; n: number }[] {
    const runs = this.times.map((t, i) => ({ t, n: this.counts[i] as number }));
    if (!this.sorted) runs.sort((a, b) => a.t - b.t);
    const merged: { t: number; n: number }[] = [];
    for (const r of runs) {
      const last = merged.at(-1);
      if (last?.t === r.t) last.n += r.n;
      else merged.push({ ...r });
    }
    return merged;
  }
}

/** One run's limiter: `decide` is called by `worker` (0-based) and says admitted or not. */
export interface RunHandle {
  decide(worker: number): Promise<boolean>;
  /** What the policy allows of the decisions made (call after the run). */
  allowed(): number;
  close(): Promise<void>;
}

export interface RunContext {
  /** Redis clients to spread the workers over (one per connection). */
  readonly clients: readonly Redis[];
  readonly redis: { host: string; port: number };
  /** A fresh name for this run (its key, its bottleneck id). */
  readonly name: string;
}

export interface LimitTarget {
  readonly name: string;
  readonly library: 'cohort' | 'rate-limiter-flexible' | 'bottleneck';
  readonly store: 'memory' | 'redis';
  readonly algorithm: string;
  open(ctx: RunContext): Promise<RunHandle>;
}

export function configOf(algorithm: AlgorithmName): LimiterConfig {
  switch (algorithm) {
    case 'token-bucket':
    case 'leaky-meter':
    case 'gcra':
      return { algorithm, rate: LIMIT, periodMs: WINDOW_MS, burst: LIMIT };
    case 'leaky-queue':
      return { algorithm, rate: LIMIT, periodMs: WINDOW_MS, capacity: LIMIT };
    default:
      return { algorithm, limit: LIMIT, windowMs: WINDOW_MS };
  }
}

/** Replays the Cohort rule over the runs: with cost 1, a refusal ends its millisecond. */
function ruleAllows(config: LimiterConfig, log: TimeLog): number {
  const runs = log.runs();
  const clock = new ManualClock(runs[0]?.t ?? 0);
  const reference = createLimiter(config, clock);
  let allowed = 0;
  for (const { t, n } of runs) {
    clock.set(t);
    for (let i = 0; i < n && reference.decideNow('k').allowed; i++) allowed++;
  }
  return allowed;
}

/** rate-limiter-flexible's window: opened by the first request after the last one ended. */
function anchoredWindowAllows(log: TimeLog): number {
  let start = Number.NEGATIVE_INFINITY;
  let used = 0;
  let allowed = 0;
  for (const { t, n } of log.runs()) {
    if (t >= start + WINDOW_MS) {
      start = t;
      used = 0;
    }
    const take = Math.min(n, LIMIT - used);
    used += take;
    allowed += take;
  }
  return allowed;
}

/** bottleneck's reservoir: LIMIT per window counted from `originMs`. */
function originWindowAllows(log: TimeLog, originMs: number): number {
  const used = new Map<number, number>();
  let allowed = 0;
  for (const { t, n } of log.runs()) {
    const w = Math.floor((t - originMs) / WINDOW_MS);
    const take = Math.min(n, LIMIT - (used.get(w) ?? 0));
    used.set(w, (used.get(w) ?? 0) + take);
    allowed += take;
  }
  return allowed;
}

function cohortMemory(algorithm: AlgorithmName): LimitTarget {
  return {
    name: `cohort ${algorithm}`,
    library: 'cohort',
    store: 'memory',
    algorithm,
    async open() {
      const log = new TimeLog();
      const clock: Clock = {
        nowMs: () => {
          const t = Date.now();
          log.push(t);
          return t;
        },
      };
      const limiter = createLimiter(configOf(algorithm), clock);
      log.times.length = 0; // The constructor's reading is no decision.
      log.counts.length = 0;
      return {
        decide: async () => limiter.decideNow('hot').allowed,
        allowed: () => ruleAllows(configOf(algorithm), log),
        close: async () => {},
      };
    },
  };
}

function cohortRedis(algorithm: AlgorithmName): LimitTarget {
  return {
    name: `cohort ${algorithm} (redis)`,
    library: 'cohort',
    store: 'redis',
    algorithm,
    async open(ctx) {
      const log = new TimeLog();
      const limiters = ctx.clients.map(
        (redis) => new RedisLimiter(configOf(algorithm), { redis, prefix: `bench:${ctx.name}:` }),
      );
      return {
        decide: async (worker) => {
          const d = await (limiters[worker % limiters.length] as RedisLimiter).decide('hot');
          log.push(d.atMs);
          return d.allowed;
        },
        allowed: () => ruleAllows(configOf(algorithm), log),
        close: async () => {},
      };
    },
  };
}

/** rate-limiter-flexible refuses by rejecting with a RateLimiterRes (not an Error). */
function rlfDecide(consume: () => Promise<unknown>): Promise<boolean> {
  return consume().then(
    () => true,
    (e: unknown) => {
      if (e instanceof Error) throw e;
      return false;
    },
  );
}

const rlfMemory: LimitTarget = {
  name: 'rate-limiter-flexible memory',
  library: 'rate-limiter-flexible',
  store: 'memory',
  algorithm: 'fixed-window',
  async open(ctx) {
    const log = new TimeLog();
    const limiter = new RateLimiterMemory({
      points: LIMIT,
      duration: WINDOW_MS / 1000,
      keyPrefix: ctx.name,
    });
    return {
      decide: () => {
        log.push(Date.now());
        return rlfDecide(() => limiter.consume('hot'));
      },
      allowed: () => anchoredWindowAllows(log),
      close: async () => {},
    };
  },
};

const rlfRedis: LimitTarget = {
  name: 'rate-limiter-flexible redis',
  library: 'rate-limiter-flexible',
  store: 'redis',
  algorithm: 'fixed-window',
  async open(ctx) {
    const log = new TimeLog();
    const limiters = ctx.clients.map(
      (storeClient) =>
        new RateLimiterRedis({
          storeClient,
          points: LIMIT,
          duration: WINDOW_MS / 1000,
          keyPrefix: `bench:${ctx.name}`,
        }),
    );
    return {
      decide: (worker) => {
        log.push(Date.now());
        const limiter = limiters[worker % limiters.length] as RateLimiterRedis;
        return rlfDecide(() => limiter.consume('hot'));
      },
      allowed: () => anchoredWindowAllows(log),
      close: async () => {},
    };
  },
};

/** A job that bottleneck drops (OVERFLOW at highWater 0) is a refusal. */
function bottleneckDecide(limiter: Bottleneck): Promise<boolean> {
  return limiter
    .schedule(() => Promise.resolve(true))
    .catch((e: unknown) => {
      if (e instanceof Bottleneck.BottleneckError) return false;
      throw e;
    });
}

function bottleneckOptions(): Bottleneck.ConstructorOptions {
  return {
    reservoir: LIMIT,
    reservoirRefreshAmount: LIMIT,
    reservoirRefreshInterval: WINDOW_MS,
    highWater: 0,
    strategy: Bottleneck.strategy.OVERFLOW,
    maxConcurrent: null,
  };
}

const bottleneckLocal: LimitTarget = {
  name: 'bottleneck',
  library: 'bottleneck',
  store: 'memory',
  algorithm: 'reservoir',
  async open() {
    const log = new TimeLog();
    const origin = Date.now();
    const limiter = new Bottleneck(bottleneckOptions());
    return {
      decide: () => {
        log.push(Date.now());
        return bottleneckDecide(limiter);
      },
      allowed: () => originWindowAllows(log, origin),
      close: () => limiter.disconnect(),
    };
  },
};

const bottleneckRedis: LimitTarget = {
  name: 'bottleneck (redis)',
  library: 'bottleneck',
  store: 'redis',
  algorithm: 'reservoir',
  async open(ctx) {
    const log = new TimeLog();
    const limiters = ctx.clients.map(
      (_, i) =>
        new Bottleneck({
          ...bottleneckOptions(),
          id: `bench-${ctx.name}`,
          datastore: 'ioredis',
          clearDatastore: i === 0,
          clientOptions: ctx.redis,
          Redis,
        } as Bottleneck.ConstructorOptions),
    );
    // The first one clears and initialises the shared state (its first refill time, Redis
    // time) before the others join it.
    await limiters[0]?.ready();
    const origin = Date.now();
    for (const l of limiters) await l.ready();
    return {
      decide: (worker) => {
        log.push(Date.now());
        return bottleneckDecide(limiters[worker % limiters.length] as Bottleneck);
      },
      allowed: () => originWindowAllows(log, origin),
      close: async () => {
        for (const l of limiters) await l.disconnect();
      },
    };
  },
};

export const TARGETS: readonly LimitTarget[] = [
  ...ALGORITHMS.map(cohortMemory),
  rlfMemory,
  bottleneckLocal,
  ...ALGORITHMS.map(cohortRedis),
  rlfRedis,
  bottleneckRedis,
];
