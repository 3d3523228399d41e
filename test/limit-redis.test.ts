// The Redis-backed rate limiters against a real redis-server (test/support/redis.ts): every
// algorithm's Lua script decides exactly as the in-process rule does at the same (server)
// times — decision for decision, costs and idle gaps included; under concurrent clients on
// several connections the admitted requests are exactly those the rule allows (per
// millisecond); idle keys expire and leave nothing; a restart keeps the state with AOF and
// forgets it without persistence; bad input and a missing server get typed errors.
// No timing thresholds: time only shapes the streams, and every wait is on an outcome.

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prng } from '../src/core/prng.js';
import { ManualClock } from '../src/reliability/clock.js';
import {
  ALGORITHMS,
  type AlgorithmName,
  createLimiter,
  LimitError,
  type LimiterConfig,
} from '../src/reliability/limit/index.js';
import { type RedisDecision, RedisLimiter } from '../src/reliability/limit/redis/redis-limiter.js';
import { freePort } from '../src/runtime/launcher/free-port.js';
import { until } from '../src/runtime/testing/wait.js';
import { RedisServers } from './support/redis.js';

let servers: RedisServers;
let endpoint: { host: string; port: number };
let raw: Redis;
const opened: RedisLimiter[] = [];

beforeAll(async () => {
  servers = await RedisServers.start({ persistence: 'none' });
  endpoint = servers.endpoints[0] as { host: string; port: number };
  raw = new Redis(endpoint);
});

afterAll(async () => {
  for (const l of opened) await l.close();
  raw?.disconnect();
  await servers?.stop();
});

async function limiter(config: LimiterConfig, prefix: string, redis = endpoint) {
  const l = await RedisLimiter.connect(config, { redis, prefix });
  opened.push(l);
  return l;
}

/** Short periods, so that a few hundred requests cross many refills and windows. */
function configOf(algorithm: AlgorithmName, scale: 'fast' | 'slow'): LimiterConfig {
  const periodMs = scale === 'fast' ? 30 : 2000;
  switch (algorithm) {
    case 'token-bucket':
    case 'leaky-meter':
    case 'gcra':
      return { algorithm, rate: 5, periodMs, burst: 4 };
    case 'leaky-queue':
      return { algorithm, rate: 2, periodMs, capacity: 4 };
    default:
      return { algorithm, limit: 5, windowMs: periodMs + 10 };
  }
}

/** The in-process limiter replayed at the server's times, in the order given. */
function replay(config: LimiterConfig, stream: readonly { atMs: number; cost: number }[]) {
  const clock = new ManualClock(stream[0]?.atMs ?? 0);
  const reference = createLimiter(config, clock);
  return stream.map(({ atMs, cost }) => {
    clock.set(atMs);
    return reference.decideNow('k', cost);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.each(ALGORITHMS)('%s on Redis', (algorithm) => {
  it('decides exactly as the in-process rule at the same times, decision for decision', async () => {
    const config = configOf(algorithm, 'fast');
    const l = await limiter(config, `equal:${algorithm}:`);
    const prng = new Prng(21, algorithm);
    const seen: { atMs: number; cost: number; d: RedisDecision }[] = [];
    for (let i = 0; i < 250; i++) {
      const gap = prng.int(10) < 4 ? 0 : prng.range(1, 12); // Bursts in one ms, and gaps.
      if (gap > 0) await sleep(gap);
      if (prng.int(40) === 0) await sleep(70); // Long enough for keys to expire meanwhile.
      const cost = prng.range(1, 3);
      const d = await l.decide('k', cost);
      seen.push({ atMs: d.atMs, cost, d });
    }
    const expected = replay(config, seen);
    seen.forEach(({ d }, j) => {
      const { atMs: _, ...decision } = d;
      expect(decision, `request ${j}`).toEqual(expected[j]);
    });
    const admitted = seen.filter((s) => s.d.allowed).length;
    expect(admitted).toBeGreaterThan(5); // Both answers are exercised.
    expect(admitted).toBeLessThan(seen.length - 5);
  });

  it('admits exactly what the rule allows under concurrent clients on 4 connections', async () => {
    const config = configOf(algorithm, 'slow');
    const prefix = `concurrent:${algorithm}:`;
    const clients = await Promise.all([1, 2, 3, 4].map(() => limiter(config, prefix)));
    const decisions: RedisDecision[] = [];
    for (let round = 0; round < 4; round++) {
      const burst = clients.flatMap((c) => Array.from({ length: 40 }, () => c.decide('hot')));
      decisions.push(...(await Promise.all(burst)));
      await sleep(150);
    }
    // Redis ran the scripts one at a time in server-time order; within one ms requests of
    // equal cost are interchangeable, so the admitted count per ms is the rule's.
    const sorted = [...decisions].sort((a, b) => a.atMs - b.atMs);
    const expected = replay(
      config,
      sorted.map((d) => ({ atMs: d.atMs, cost: 1 })),
    );
    const perMs = (ds: readonly { allowed: boolean }[]) => {
      const counts = new Map<number, number>();
      ds.forEach((d, j) => {
        const at = (sorted[j] as RedisDecision).atMs;
        counts.set(at, (counts.get(at) ?? 0) + (d.allowed ? 1 : 0));
      });
      return counts;
    };
    expect(perMs(sorted)).toEqual(perMs(expected));
    const admitted = decisions.filter((d) => d.allowed).length;
    expect(admitted).toBeGreaterThan(0);
    expect(admitted).toBeLessThan(decisions.length);
  });

  it('gives every key a TTL within its time to rest, and leaves no key behind', async () => {
    const slow = await limiter(configOf(algorithm, 'slow'), `ttl-slow:${algorithm}:`);
    for (let i = 0; i < 12; i++) await slow.decide(`user-${i % 3}`);
    const keys = await raw.keys(`ttl-slow:${algorithm}:*`);
    expect(keys.length).toBe(3 * slow.keysOf('k').length);
    for (const key of keys) {
      const ttl = await raw.pttl(key);
      expect(ttl).toBeGreaterThan(0); // Every key expires …
      // … within the longest time to rest here: the queue of 4 units, 1000 ms apart, + 1.
      expect(ttl).toBeLessThanOrEqual(5000);
    }
    const prefix = `ttl-fast:${algorithm}:`;
    const fast = await limiter(configOf(algorithm, 'fast'), prefix);
    for (let i = 0; i < 12; i++) await fast.decide(`user-${i % 3}`);
    await until(async () => (await raw.keys(`${prefix}*`)).length === 0, 'the keys to expire');
  });
});

describe('bad input', () => {
  const make = (config: unknown) => () =>
    new RedisLimiter(config as LimiterConfig, { redis: { ...endpoint, lazyConnect: true } });
  const codeOf = async (f: () => unknown): Promise<string> => {
    try {
      await f();
    } catch (e) {
      expect(e).toBeInstanceOf(LimitError);
      return (e as LimitError).code;
    }
    throw new Error('no error thrown');
  };

  it('refuses bad configurations before connecting', async () => {
    expect(await codeOf(make({ algorithm: 'token-bucket', rate: -1 }))).toBe('invalid-rate');
    expect(await codeOf(make({ algorithm: 'gcra', rate: 5, burst: 0 }))).toBe('invalid-burst');
    expect(await codeOf(make({ algorithm: 'leaky-queue', rate: 5, capacity: 0 }))).toBe(
      'invalid-burst',
    );
    expect(await codeOf(make({ algorithm: 'fixed-window', limit: 0 }))).toBe('invalid-rate');
    expect(await codeOf(make({ algorithm: 'sliding-log', limit: 3, windowMs: 0.5 }))).toBe(
      'invalid-window',
    );
    expect(await codeOf(make({ algorithm: 'nope' }))).toBe('invalid-rate');
    expect(await codeOf(make(null))).toBe('invalid-rate');
    const prefix = { algorithm: 'gcra', rate: 1 } as const;
    expect(
      await codeOf(() => new RedisLimiter(prefix, { redis: endpoint, prefix: 'x'.repeat(300) })),
    ).toBe('invalid-key');
  });

  it('refuses bad keys and costs without a round trip', async () => {
    const l = await limiter({ algorithm: 'token-bucket', rate: 10, burst: 3 }, 'bad:');
    expect(await codeOf(() => l.decide('k', 0))).toBe('invalid-cost');
    expect(await codeOf(() => l.decide('k', 1.5))).toBe('invalid-cost');
    expect(await codeOf(() => l.decide('k', 4))).toBe('invalid-cost'); // Above the burst.
    expect(await codeOf(() => l.decide('k', Number.NaN))).toBe('invalid-cost');
    expect(await codeOf(() => l.decide(42 as unknown as string))).toBe('invalid-key');
    expect(await codeOf(() => l.decide('x'.repeat(2000)))).toBe('invalid-key');
    expect(await raw.keys('bad:*')).toEqual([]);
  });

  it('a key holding something the scripts never wrote is bad-state, and stays as it was', async () => {
    for (const algorithm of ALGORITHMS) {
      const l = await limiter(configOf(algorithm, 'slow'), 'corrupt:');
      const [key] = l.keysOf('k') as [string];
      await raw.set(key, 'not a limiter state');
      expect(await codeOf(() => l.decide('k'))).toBe('bad-state');
      expect(await raw.get(key)).toBe('not a limiter state');
      await raw.del(key);
      await raw.rpush(key, 'a list');
      expect(await codeOf(() => l.decide('k'))).toBe('bad-state');
      await raw.del(key);
    }
  });

  it('a server that is not there is unavailable, on connect and on decide', async () => {
    const port = await freePort();
    const config = { algorithm: 'gcra', rate: 1 } as const;
    const redis = { host: '127.0.0.1', port, retryStrategy: () => null };
    expect(await codeOf(() => RedisLimiter.connect(config, { redis }))).toBe('unavailable');
    const never = new RedisLimiter(config, { redis });
    expect(await codeOf(() => never.decide('k'))).toBe('unavailable');
    await never.close();
  });
});

describe('a paused server', () => {
  it('times each decision, a connect and a close out, and decides again once resumed', async () => {
    const own = await RedisServers.start({ persistence: 'none' });
    const config = { algorithm: 'gcra', rate: 1, periodMs: 600_000, burst: 2 } as const;
    const l = await RedisLimiter.connect(config, {
      redis: own.endpoints[0] as { host: string; port: number },
      prefix: 'paused:',
      commandTimeoutMs: 300,
    });
    try {
      expect((await l.decide('k')).allowed).toBe(true);
      const closing = await RedisLimiter.connect(config, {
        redis: own.endpoints[0] as { host: string; port: number },
        commandTimeoutMs: 300,
      });
      own.pauseInstance(0);
      // Several in flight at once: one timer fails each, none is left hanging.
      const paused = await Promise.allSettled([l.decide('k'), l.decide('k'), l.decide('j')]);
      for (const r of paused) {
        expect(r.status).toBe('rejected');
        const e = (r as PromiseRejectedResult).reason as LimitError;
        expect(e).toBeInstanceOf(LimitError);
        expect(e.code).toBe('unavailable');
        expect(e.message).toMatch(/no reply within 300 ms/);
      }
      // Connecting to it, or closing a limiter on it, ends within the timeout too.
      const late = await RedisLimiter.connect(config, {
        redis: own.endpoints[0] as { host: string; port: number },
        commandTimeoutMs: 300,
      }).catch((e: LimitError) => e);
      expect(late).toBeInstanceOf(LimitError);
      expect((late as LimitError).code).toBe('unavailable');
      await closing.close();
      own.resumeInstance(0);
      // The timed-out decisions may have run once the server woke: they err towards refusing.
      const after = await l.decide('fresh');
      expect(after.allowed).toBe(true);
    } finally {
      await l.close();
      await own.stop();
    }
  });
});

describe('restarts', () => {
  const config = { algorithm: 'token-bucket', rate: 1, periodMs: 600_000, burst: 3 } as const;

  /** Admitted of `n` decisions on `key`, once the client has reconnected. */
  async function admittedAfterRestart(persistence: 'aof' | 'none'): Promise<boolean[]> {
    const own = await RedisServers.start({ persistence });
    try {
      const redis = own.endpoints[0] as { host: string; port: number };
      const l = await limiter(config, 'restart:', redis);
      const before = [];
      for (let i = 0; i < 5; i++) before.push((await l.decide('k')).allowed);
      expect(before).toEqual([true, true, true, false, false]);
      await own.restartInstance(0, 'SIGKILL');
      // Commands are not queued while reconnecting: wait until one goes through.
      let first: RedisDecision | undefined;
      await until(async () => {
        first = await l.decide('k').catch((e: LimitError) => {
          expect(e.code).toBe('unavailable');
          return undefined;
        });
        return first !== undefined;
      }, 'the limiter to reach the restarted server');
      const after = [first?.allowed as boolean];
      for (let i = 0; i < 3; i++) after.push((await l.decide('k')).allowed);
      return after;
    } finally {
      await own.stop();
    }
  }

  it('with AOF (appendfsync always) the state survives SIGKILL: nothing extra is admitted', async () => {
    expect(await admittedAfterRestart('aof')).toEqual([false, false, false, false]);
  });

  it('without persistence a restart forgets the state: one more burst is admitted', async () => {
    expect(await admittedAfterRestart('none')).toEqual([true, true, true, false]);
  });
});
