// The lock conformance suite (test/support/lock-conformance.ts) against the PostgreSQL
// advisory-lock mode (src/locks/postgres-advisory.ts) on a real PostgreSQL 15, with the
// cases that assume a TTL skipped and said why, plus what is the mode's own: a holder's
// session killed (pg_terminate_backend) frees the lock at once and fires its signal; a server
// restart does the same for every holder; bad input without the TTL part.
//
// Fault model: holders SIGKILLed (their connections close: the server frees their locks);
// sessions terminated; the server restarted.

import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidLockArgument, LockError } from '../src/locks/errors.js';
import { PostgresAdvisoryLockBackend } from '../src/locks/postgres-advisory.js';
import { until } from '../src/runtime/testing/wait.js';
import { LOCK_TESTS, runLockConformance } from './support/lock-conformance.js';
import { PostgresServer } from './support/postgres.js';

const MODULE = path.resolve(import.meta.dirname, '../src/locks/postgres-advisory.ts');
const LONG_TTL_MS = 30_000;
const NO_TTL =
  'advisory locks are session-bound, with no TTL: a live holder that stops renewing keeps ' +
  'the lock (expiry on a lost session is tested below; growing tokens by the mutex test)';

let server: PostgresServer;
beforeAll(async () => {
  server = await PostgresServer.start();
});
afterAll(async () => {
  await server?.close();
});

runLockConformance({
  name: 'postgres-advisory',
  create: () => PostgresAdvisoryLockBackend.connect({ connection: server.connection }),
  worker: () => ({ module: MODULE, options: { connection: server.connection } }),
  restart: () => server.restart('fast'),
  skip: [
    {
      reason: NO_TTL,
      tests: [LOCK_TESTS.notYours, LOCK_TESTS.badInput, LOCK_TESTS.tokens],
    },
    {
      reason:
        'a restart ends every session and so frees every advisory lock: the holder cannot ' +
        'extend (tested below: its signal fires with LockLostError)',
      tests: [LOCK_TESTS.restart],
    },
    {
      reason: 'no semaphore: PostgreSQL cannot block on "any one of N keys"',
      tests: [LOCK_TESTS.semaphore],
    },
  ],
});

describe('postgres-advisory: session-bound specifics', () => {
  const backends: PostgresAdvisoryLockBackend[] = [];
  const connect = async () => {
    const b = await PostgresAdvisoryLockBackend.connect({ connection: server.connection });
    backends.push(b);
    return b;
  };
  afterAll(async () => {
    await Promise.all(backends.map((b) => b.close()));
  });

  const codeOf = (p: Promise<unknown>) =>
    p.then(
      () => 'ok',
      (e: unknown) => (e instanceof LockError ? e.code : String(e)),
    );

  it("a holder's killed session frees the lock at once and fires its signal", async () => {
    const [a, b] = [await connect(), await connect()];
    const holder = await a.lock('killed').acquire({ ttlMs: LONG_TTL_MS });
    const waiter = b.lock('killed').acquire({ ttlMs: LONG_TTL_MS });
    const client = new pg.Client(server.connection);
    await client.connect();
    // The holder's session is the one that holds an advisory lock and waits on none.
    const rows = await client.query(
      "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted AND mode = 'ExclusiveLock'",
    );
    expect(rows.rows.length).toBe(1);
    await client.query('SELECT pg_terminate_backend($1)', [rows.rows[0].pid]);
    await client.end();
    const next = await waiter;
    expect(next.token > holder.token).toBe(true);
    await until(() => holder.signal.aborted, 'the holder to learn it lost the lock');
    expect((holder.signal.reason as LockError).code).toBe('lost');
    expect(await codeOf(holder.extend())).toBe('lost');
    expect(await codeOf(holder.release())).toBe('not-yours');
    await next.release();
  });

  it('a server restart frees every lock; holders are told, tokens keep growing', async () => {
    const a = await connect();
    const x = await a.lock('restart-x').acquire({ ttlMs: LONG_TTL_MS });
    const r = await a.lock({ name: 'restart-r', mode: 'read' }).acquire({ ttlMs: LONG_TTL_MS });
    await server.restart('fast');
    await until(() => x.signal.aborted && r.signal.aborted, 'both holders to learn of it');
    const b = await connect();
    const again = await b.lock('restart-x').acquire({ ttlMs: LONG_TTL_MS, waitMs: 0 });
    expect(again.token > x.token).toBe(true);
    await again.release();
  });

  it('bad input: typed errors; a double release is not yours', async () => {
    const a = await connect();
    for (const name of ['', 'x'.repeat(257), 'a\0b']) {
      expect(() => a.lock(name)).toThrow(InvalidLockArgument);
    }
    expect(() => a.lock({ name: 's', limit: 2 })).toThrow(InvalidLockArgument);
    const lock = a.lock('bad');
    await expect(lock.acquire({ ttlMs: 0 })).rejects.toBeInstanceOf(InvalidLockArgument);
    const h = await lock.acquire({ ttlMs: LONG_TTL_MS });
    expect(await codeOf(h.extend(-1))).toBe('invalid');
    await h.extend();
    await h.release();
    expect(await codeOf(h.release())).toBe('not-yours');
    const after = await lock.acquire({ ttlMs: LONG_TTL_MS, waitMs: 0 });
    expect(after.token > h.token).toBe(true);
    await after.release();
  });
});
