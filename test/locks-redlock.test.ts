// Redlock (src/locks/redlock.ts) against five real, independent redis-server instances
// (test/support/redis.ts): the lock conformance suite, then what is Redlock's own — a
// minority of instances down (even at connect time) still acquires, a majority down cannot,
// the validity time is less than the TTL by the drift and by the time the acquire took, and
// (on three instances without persistence) the failure the docs warn about: instances that
// restart without their data grant the lock a second time, with a token that went backwards.
// No timing thresholds: the validity checks are lower bounds that hold however slow we are.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BackendUnavailableError, InvalidLockArgument } from '../src/locks/errors.js';
import { validUntilOf } from '../src/locks/lock.js';
import { RedlockBackend } from '../src/locks/redlock.js';
import { until } from '../src/runtime/testing/wait.js';
import { LOCK_TESTS, runLockConformance } from './support/lock-conformance.js';
import { checkMutexLog } from './support/mutex-log.js';
import { RedisServers } from './support/redis.js';

const MODULE = path.resolve(import.meta.dirname, '../src/locks/redlock.ts');
const LONG = 600_000;

let servers: RedisServers;
const backends: RedlockBackend[] = [];

beforeAll(async () => {
  servers = await RedisServers.start({ instances: 5 });
});

afterAll(async () => {
  for (const b of backends) await b.close();
  await servers?.stop();
});

async function connect(
  options: { instanceTimeoutMs?: number; of?: RedisServers } = {},
): Promise<RedlockBackend> {
  const b = await RedlockBackend.connect({
    instances: (options.of ?? servers).endpoints,
    ...(options.instanceTimeoutMs === undefined
      ? {}
      : { instanceTimeoutMs: options.instanceTimeoutMs }),
  });
  backends.push(b);
  return b;
}

runLockConformance({
  name: 'redlock (five instances)',
  create: () => RedlockBackend.connect({ instances: servers.endpoints }),
  worker: () => ({ module: MODULE, options: { instances: servers.endpoints } }),
  restart: () => servers.restartAll('SIGKILL'),
  skip: [
    {
      reason: 'Redlock does exclusive locks only (use the redis or etcd backend)',
      tests: [LOCK_TESTS.readWrite, LOCK_TESTS.semaphore],
    },
    {
      reason:
        'its token is the largest per-instance counter, not a fencing token: under contention ' +
        "failed attempts advance a minority's counters and a later grant's token can be " +
        'smaller (docs/locks.md); exclusion under 32 clients is checked below instead',
      tests: [LOCK_TESTS.mutex],
    },
  ],
});

describe('redlock on five instances', () => {
  it('acquires with a minority of instances down, and uses them again once up', async () => {
    await servers.stopInstance(0, 'SIGKILL');
    await servers.stopInstance(1, 'SIGKILL');
    // Connecting works too: a majority answers, the others are retried in the background.
    const b = await connect();
    const h = await b.lock('minority').acquire({ ttlMs: LONG, waitMs: 0 });
    await h.release();
    await servers.startInstance(0);
    await servers.startInstance(1);
    const raw = new Redis(servers.ports[0] as number);
    try {
      const key = 'cohort:lock:{minority}';
      // Once the client has reconnected, a grant lands on the restarted instance as well.
      await until(async () => {
        const again = await b.lock('minority').acquire({ ttlMs: LONG, waitMs: 0 });
        const there = (await raw.exists(key)) === 1;
        await again.release();
        return there;
      }, 'a grant on the restarted instance');
    } finally {
      raw.disconnect();
    }
  });

  it('cannot acquire with a majority down: BackendUnavailableError, nothing left held', async () => {
    const b = await connect();
    for (const i of [0, 1, 2]) await servers.stopInstance(i, 'SIGKILL');
    try {
      const error = await b
        .lock('majority')
        .acquire({ ttlMs: LONG, waitMs: 0 })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BackendUnavailableError);
      // The two instances that did grant were released again (Redlock step 4).
      for (const port of servers.ports.slice(3)) {
        const raw = new Redis(port);
        expect(await raw.exists('cohort:lock:{majority}')).toBe(0);
        raw.disconnect();
      }
    } finally {
      for (const i of [0, 1, 2]) await servers.startInstance(i);
    }
  });

  it('the validity time is less than the TTL: drift and the acquire time are taken off', async () => {
    const b = await connect({ instanceTimeoutMs: 300 });
    const ttlMs = 60_000;
    const before = performance.now();
    const h = await b.lock('validity').acquire({ ttlMs, waitMs: 0 });
    const after = performance.now();
    expect(h.validUntil).toBeLessThanOrEqual(validUntilOf(after, ttlMs));
    expect(h.validUntil).toBeGreaterThanOrEqual(validUntilOf(before, ttlMs));
    expect(h.validUntil - before).toBeLessThan(ttlMs);
    await h.release();

    // A paused instance is waited for up to its timeout; that time comes off the validity.
    servers.pauseInstance(4);
    try {
      const start = performance.now();
      const p = await b.lock('validity').acquire({ ttlMs, waitMs: 0 });
      const end = performance.now();
      expect(end - start).toBeGreaterThanOrEqual(300 - 1);
      expect(p.validUntil).toBeLessThanOrEqual(validUntilOf(end - 300 + 1, ttlMs));
      await p.release();
    } finally {
      servers.resumeInstance(4);
    }
  });

  it('mutual exclusion under 32 concurrent clients on 4 connections (tokens not checked)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redlock-mutex-'));
    const log = path.join(dir, 'mutex.log');
    const fd = fs.openSync(log, 'a');
    const line = (node: number, type: string) =>
      fs.writeSync(fd, `${JSON.stringify({ node, output: { type } })}\n`);
    const rounds = 3;
    try {
      const bs = await Promise.all([0, 1, 2, 3].map(() => connect()));
      await Promise.all(
        Array.from({ length: 32 }, async (_, node) => {
          const lock = (bs[node % 4] as RedlockBackend).lock('mutex-32');
          for (let round = 0; round < rounds; round++) {
            const h = await lock.acquire({ ttlMs: LONG, waitMs: 600_000 });
            line(node, 'enter');
            await new Promise((r) => setTimeout(r, 1)); // Another holder would overlap.
            line(node, 'exit');
            await h.release();
          }
        }),
      );
      const report = checkMutexLog(log);
      expect(report.violations).toEqual([]);
      expect([...report.entries.values()].reduce((a, b) => a + b, 0)).toBe(32 * rounds);
    } finally {
      fs.closeSync(fd);
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses semaphores and read/write locks', async () => {
    const b = await connect();
    expect(() => b.lock({ name: 'x', limit: 2 })).toThrow(InvalidLockArgument);
    expect(() => b.lock({ name: 'x', mode: 'read' })).toThrow(InvalidLockArgument);
  });
});

describe('redlock without persistence (the documented failure)', () => {
  let volatile: RedisServers;
  beforeAll(async () => {
    volatile = await RedisServers.start({ instances: 3, persistence: 'none' });
  });
  afterAll(async () => {
    await volatile?.stop();
  });

  it('instances restarted without their data grant the lock twice; the token goes back', async () => {
    const [a, b] = [await connect({ of: volatile }), await connect({ of: volatile })];
    const first = await a.lock('twice').acquire({ ttlMs: LONG, waitMs: 0 });
    await volatile.restartInstance(0, 'SIGKILL');
    await volatile.restartInstance(1, 'SIGKILL');
    const second = await b.lock('twice').acquire({ ttlMs: LONG, waitMs: 60_000 });
    // Both believe they hold it, well within their validity: mutual exclusion is gone…
    expect(first.validUntil).toBeGreaterThan(performance.now());
    expect(second.validUntil).toBeGreaterThan(performance.now());
    // …and the "token" is no fence: the later grant's is not greater.
    expect(second.token <= first.token).toBe(true);
    await second.release();
  });
});
