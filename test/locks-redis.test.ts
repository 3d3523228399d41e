// The Redis lock backend against a real redis-server (test/support/redis.ts, AOF with
// appendfsync always): the behaviour specific to Redis — wake-ups by pub/sub, expiry of a
// holder that never releases, the hold count in the value, semaphores and writer-preferring
// read/write locks as sorted sets, the fencing counter across a server restart, and
// unavailability as a typed error. No timing thresholds: every wait is on an outcome.

import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BackendUnavailableError,
  LockLostError,
  NotAcquiredError,
  NotOwnerError,
} from '../src/locks/errors.js';
import type { LockHandle } from '../src/locks/lock.js';
import { RedisLockBackend } from '../src/locks/redis.js';
import { freePort } from '../src/runtime/launcher/free-port.js';
import { until } from '../src/runtime/testing/wait.js';
import { runLockConformance } from './support/lock-conformance.js';
import { RedisServers } from './support/redis.js';

const MODULE = path.resolve(import.meta.dirname, '../src/locks/redis.ts');

let servers: RedisServers;
let backend: RedisLockBackend;
/** Waiters here can only be woken by a release message: no timer fires within a test. */
let noTimers: RedisLockBackend;
/** A plain client, to look at the server's side. */
let raw: Redis;

function subscribers(channel: string): Promise<number> {
  return raw.pubsub('NUMSUB', channel).then((r) => Number((r as unknown[])[1]));
}

/** `promise`, or a failure after `ms` (a hang turned into a failure, not a threshold). */
function deadline<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

beforeAll(async () => {
  servers = await RedisServers.start();
  const redis = servers.endpoints[0] as { host: string; port: number };
  backend = await RedisLockBackend.connect({ redis });
  noTimers = await RedisLockBackend.connect({ redis, retryMaxMs: 600_000 });
  raw = new Redis(redis);
  // A test stops the server: the reconnect errors would be logged as unhandled, and mean nothing.
  raw.on('error', () => {});
});

afterAll(async () => {
  await backend?.close();
  await noTimers?.close();
  raw?.disconnect();
  await servers?.stop();
});

const LONG = 600_000;

const endpoint = () => servers.endpoints[0] as { host: string; port: number };

runLockConformance({
  name: 'redis (one instance)',
  create: () => RedisLockBackend.connect({ redis: endpoint() }),
  worker: () => ({ module: MODULE, options: { redis: endpoint() } }),
  restart: () => servers.restartAll('SIGKILL'),
});

describe('redis lock backend', () => {
  it('grants once, refuses a second holder, and grows the token with every grant', async () => {
    const a = await backend.lock('basic').acquire({ ttlMs: LONG });
    await expect(backend.lock('basic').acquire({ ttlMs: LONG, waitMs: 0 })).rejects.toThrow(
      NotAcquiredError,
    );
    await a.release();
    const b = await backend.lock('basic').acquire({ ttlMs: LONG, waitMs: 0 });
    expect(b.token).toBeGreaterThan(a.token);
    await b.release();
    await expect(b.release()).rejects.toThrow(NotOwnerError);
  });

  it('wakes a waiter by the release message (no retry timer could have)', async () => {
    const holder = await noTimers.lock('wake').acquire({ ttlMs: LONG });
    const events: string[] = [];
    const waiting = noTimers
      .lock('wake')
      .acquire({ ttlMs: LONG })
      .then((h) => {
        events.push('granted');
        return h;
      });
    await until(
      async () => subscribers('cohort:released:{wake}').then((n) => n > 0),
      'the waiter to subscribe',
    );
    events.push('released');
    await holder.release();
    // Its timers are 10 minutes away and the lease is longer: only the message can wake it.
    const next = await deadline(waiting, 60_000, 'the waiter to be woken');
    expect(events).toEqual(['released', 'granted']);
    expect(next.token).toBeGreaterThan(holder.token);
    await next.release();
  });

  it('hands a released lock to its waiters in arrival order (FIFO), one at a time', async () => {
    const name = 'fifo';
    const holder = await noTimers.lock(name).acquire({ ttlMs: LONG });
    const order: number[] = [];
    const waiters: Promise<LockHandle>[] = [];
    for (let i = 1; i <= 4; i++) {
      waiters.push(
        noTimers
          .lock(name)
          .acquire({ ttlMs: LONG })
          .then((h) => {
            order.push(i);
            return h;
          }),
      );
      // The next waiter arrives only once this one is queued.
      await until(async () => (await raw.zcard(`cohort:queue:{${name}}`)) === i, `waiter ${i}`);
    }
    let token = holder.token;
    await holder.release();
    for (let i = 0; i < 4; i++) {
      const h = await deadline(waiters[i] as Promise<LockHandle>, 60_000, `waiter ${i + 1}`);
      expect(order).toEqual([1, 2, 3, 4].slice(0, i + 1)); // Nobody else was woken into it.
      expect(h.token).toBe(token + 1n);
      token = h.token;
      await h.release();
    }
    expect(await raw.zcard(`cohort:queue:{${name}}`)).toBe(0);
    expect(await raw.exists(`cohort:lock:{${name}}`)).toBe(0);
  });

  it('a waiter that gives up leaves the queue, and the lock passes over it', async () => {
    const name = 'fifo-leave';
    const holder = await noTimers.lock(name).acquire({ ttlMs: LONG });
    const controller = new AbortController();
    const quitter = noTimers.lock(name).acquire({ ttlMs: LONG, signal: controller.signal });
    await until(async () => (await raw.zcard(`cohort:queue:{${name}}`)) === 1, 'the quitter');
    const patient = noTimers.lock(name).acquire({ ttlMs: LONG });
    await until(async () => (await raw.zcard(`cohort:queue:{${name}}`)) === 2, 'the patient');
    controller.abort(new Error('gave up'));
    await expect(quitter).rejects.toThrow('gave up');
    await until(async () => (await raw.zcard(`cohort:queue:{${name}}`)) === 1, 'the quitter out');
    await holder.release();
    const next = await deadline(patient, 60_000, 'the patient waiter');
    expect(next.token).toBe(holder.token + 1n);
    await next.release();
  });

  it('skips a dead waiter whose queue entry expired; a live queued waiter cannot be barged', async () => {
    const name = 'fifo-dead';
    const [seconds] = (await raw.time()) as [number, number];
    const nowMs = Number(seconds) * 1000;
    const entry = (grant: string, deadlineMs: number) =>
      raw
        .multi()
        .zadd(`cohort:queue:{${name}}`, deadlineMs, grant)
        .hset(`cohort:waiters:{${name}}`, grant, `ghost|${LONG}|${deadlineMs}`)
        .exec();
    // A waiter that died long ago: its entry is past its deadline, so the lock skips it.
    await entry('dead', nowMs - 1000);
    const holder = await backend.lock(name).acquire({ ttlMs: LONG });
    expect(await raw.zcard(`cohort:queue:{${name}}`)).toBe(0);
    // A waiter still queued (its deadline ahead) is next: a newcomer finding the lock free
    // hands it over instead of taking it, and waits its turn.
    await entry('alive', nowMs + 600_000);
    await holder.release();
    expect(await raw.get(`cohort:lock:{${name}}`)).toMatch(/^alive\|1\|/);
    await expect(backend.lock(name).acquire({ ttlMs: LONG, waitMs: 0 })).rejects.toThrow(
      NotAcquiredError,
    );
    await raw.del(`cohort:lock:{${name}}`, `cohort:queue:{${name}}`, `cohort:waiters:{${name}}`);
  });

  it('frees the lock of a holder that never releases once its TTL passes', async () => {
    const stale = await backend.lock('expiry').acquire({ ttlMs: 300 });
    const next = await backend.lock('expiry').acquire({ ttlMs: LONG, waitMs: 60_000 });
    expect(next.token).toBeGreaterThan(stale.token);
    await expect(stale.extend()).rejects.toThrow(LockLostError);
    expect(stale.signal.aborted).toBe(true);
    await expect(stale.release()).rejects.toThrow(NotOwnerError);
    await next.release();
  });

  it('re-enters for the same owner with the same token; frees at the last release', async () => {
    const lock = backend.lock('reenter');
    const first = await lock.acquire({ ttlMs: LONG, owner: 'alice' });
    const again = await backend.lock('reenter').acquire({ ttlMs: LONG, owner: 'alice' });
    expect(again.token).toBe(first.token);
    await first.release();
    await expect(lock.acquire({ ttlMs: LONG, waitMs: 0, owner: 'bob' })).rejects.toThrow(
      NotAcquiredError,
    );
    await again.release();
    const bob = await lock.acquire({ ttlMs: LONG, waitMs: 0, owner: 'bob' });
    expect(bob.token).toBeGreaterThan(first.token);
    await bob.release();
  });

  it('extend lengthens a short lease past its first TTL', async () => {
    const h = await backend.lock('extend').acquire({ ttlMs: 500 });
    await h.extend(LONG);
    await new Promise((r) => setTimeout(r, 1_000));
    await expect(backend.lock('extend').acquire({ ttlMs: LONG, waitMs: 0 })).rejects.toThrow(
      NotAcquiredError,
    );
    expect(h.signal.aborted).toBe(false);
    expect(h.validUntil).toBeGreaterThan(performance.now());
    await h.release();
    expect(h.signal.aborted).toBe(true);
  });

  it('a semaphore admits `limit` holders, the next waits for a release', async () => {
    const spec = { name: 'sem', limit: 3 };
    const held: LockHandle[] = [];
    for (let i = 0; i < 3; i++) held.push(await noTimers.lock(spec).acquire({ ttlMs: LONG }));
    await expect(noTimers.lock(spec).acquire({ ttlMs: LONG, waitMs: 0 })).rejects.toThrow(
      NotAcquiredError,
    );
    const fourth = noTimers.lock(spec).acquire({ ttlMs: LONG });
    await (held.shift() as LockHandle).release();
    const h = await fourth;
    const tokens = [...held, h].map((x) => x.token);
    expect(new Set(tokens).size).toBe(3);
    expect(h.token).toBeGreaterThan(held[1]?.token ?? 0n);
    for (const x of [...held, h]) await x.release();
  });

  it('a semaphore frees the slot of a holder that never releases', async () => {
    const spec = { name: 'sem-expiry', limit: 2 };
    await backend.lock(spec).acquire({ ttlMs: 300 });
    const kept = await backend.lock(spec).acquire({ ttlMs: LONG });
    const next = await backend.lock(spec).acquire({ ttlMs: LONG, waitMs: 60_000 });
    await next.release();
    await kept.release();
  });

  it('read/write: readers share, a writer excludes, a waiting writer holds new readers off', async () => {
    const read = { name: 'rw', mode: 'read' as const };
    const write = { name: 'rw', mode: 'write' as const };
    const r1 = await backend.lock(read).acquire({ ttlMs: LONG, waitMs: 0 });
    const r2 = await backend.lock(read).acquire({ ttlMs: LONG, waitMs: 0 });
    const writer = backend.lock(write).acquire({ ttlMs: LONG });
    // The writer's first failed attempt marks it waiting; then readers queue behind it.
    await until(
      async () => (await raw.exists('cohort:writer-waiting:{rw}')) === 1,
      'the writer to mark itself waiting',
    );
    await expect(backend.lock(read).acquire({ ttlMs: LONG, waitMs: 0 })).rejects.toThrow(
      NotAcquiredError,
    );
    await r1.release();
    await r2.release();
    const w = await writer;
    await expect(backend.lock(read).acquire({ ttlMs: LONG, waitMs: 0 })).rejects.toThrow(
      NotAcquiredError,
    );
    const reader = backend.lock(read).acquire({ ttlMs: LONG });
    await w.release();
    const r3 = await reader;
    expect(r3.token).toBeGreaterThan(w.token);
    await r3.release();
  });

  it('an owner holding a read lock cannot take the write lock (no upgrades)', async () => {
    const r = await backend.lock({ name: 'upgrade', mode: 'read' }).acquire({
      ttlMs: LONG,
      owner: 'carol',
    });
    await expect(
      backend.lock({ name: 'upgrade', mode: 'write' }).acquire({ ttlMs: LONG, owner: 'carol' }),
    ).rejects.toMatchObject({ code: 'invalid' });
    await r.release();
  });

  it('an AbortSignal ends a wait with its reason', async () => {
    const h = await backend.lock('abort').acquire({ ttlMs: LONG });
    const controller = new AbortController();
    const waiting = backend.lock('abort').acquire({ ttlMs: LONG, signal: controller.signal });
    const reason = new Error('caller gave up');
    setTimeout(() => controller.abort(reason), 100);
    await expect(waiting).rejects.toBe(reason);
    await h.release();
  });

  it('an unreachable server is BackendUnavailableError', async () => {
    const port = await freePort();
    await expect(RedisLockBackend.connect({ redis: { host: '127.0.0.1', port } })).rejects.toThrow(
      BackendUnavailableError,
    );
  });

  it('a restart empties the unlogged queue; the waiters queue again at once and get the lock', async () => {
    const name = 'requeue';
    const queue = `cohort:queue:{${name}}`;
    const holder = await noTimers.lock(name).acquire({ ttlMs: LONG });
    // Their timers are 10 minutes away: only a message or the reconnect can wake them.
    const waiters = [1, 2].map(() => noTimers.lock(name).acquire({ ttlMs: LONG }));
    await until(async () => (await raw.zcard(queue)) === 2, 'both waiters queued');
    await servers.stopInstance(0, 'SIGKILL');
    await servers.startInstance(0);
    // The AOF kept the grant but not the queue; the reconnect sent both waiters back to it.
    await until(async () => (await raw.zcard(queue).catch(() => -1)) === 2, 'the queue refilled');
    expect(await raw.exists(`cohort:lock:{${name}}`)).toBe(1);
    await until(async () => {
      try {
        await holder.release();
        return true;
      } catch (error) {
        if (error instanceof BackendUnavailableError) return false;
        throw error;
      }
    }, 'the release to get through after the restart');
    const first = await Promise.race(waiters);
    await first.release();
    const both = await deadline(Promise.all(waiters), 60_000, 'the second waiter');
    expect(both.every((h) => h.token > holder.token)).toBe(true);
    await both.find((h) => h !== first)?.release();
  });

  it('the server down is BackendUnavailableError; after its restart tokens keep growing', async () => {
    const before = await backend.lock('restart').acquire({ ttlMs: LONG });
    await servers.stopInstance(0, 'SIGKILL');
    await expect(backend.lock('restart2').acquire({ ttlMs: LONG, waitMs: 0 })).rejects.toThrow(
      BackendUnavailableError,
    );
    await expect(before.extend()).rejects.toThrow(BackendUnavailableError);
    await servers.startInstance(0);
    // The AOF kept the grant: it is still held, and still ours.
    const next = backend.lock('restart').acquire({ ttlMs: LONG, waitMs: 60_000 });
    await until(async () => {
      try {
        await before.release();
        return true;
      } catch (error) {
        if (error instanceof BackendUnavailableError) return false;
        throw error;
      }
    }, 'the release to get through after the restart');
    const after = await next;
    expect(after.token).toBeGreaterThan(before.token);
    await after.release();
  });
});
