// The lock conformance suite (test/support/lock-conformance.ts) against the PostgreSQL table
// backend (src/locks/postgres.ts) on a real PostgreSQL 15 (test/support/postgres.ts), plus
// what is PostgreSQL's own: a holder whose database connection is killed keeps its lock (it
// is a row, not a session) until the lease runs out or it extends over a fresh connection;
// the schema is created idempotently by concurrent backends; a waiter is woken by NOTIFY.
//
// Fault model: the server restarted mid-test (fast stop) and crashed (immediate stop: crash
// recovery keeps every acknowledged grant and counter); holders SIGKILLed; backends killed
// with pg_terminate_backend; leases left to expire.

import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LockError } from '../src/locks/errors.js';
import { PostgresLockBackend } from '../src/locks/postgres.js';
import { until } from '../src/runtime/testing/wait.js';
import { runLockConformance } from './support/lock-conformance.js';
import { PostgresServer } from './support/postgres.js';

const MODULE = path.resolve(import.meta.dirname, '../src/locks/postgres.ts');
const LONG_TTL_MS = 30_000;

let server: PostgresServer;
beforeAll(async () => {
  server = await PostgresServer.start();
});
afterAll(async () => {
  await server?.close();
});

runLockConformance({
  name: 'postgres',
  create: () => PostgresLockBackend.connect({ connection: server.connection }),
  worker: () => ({ module: MODULE, options: { connection: server.connection, poolSize: 4 } }),
  restart: () => server.restart('fast'),
  skip: [
    {
      reason: 'the table backend has no read/write locks (postgres-advisory has them)',
      tests: ['read/write: readers share, writers exclude, FIFO'],
    },
  ],
});

describe('postgres lock backend: PostgreSQL specifics', () => {
  const backends: PostgresLockBackend[] = [];
  const connect = async () => {
    const b = await PostgresLockBackend.connect({ connection: server.connection });
    backends.push(b);
    return b;
  };
  afterAll(async () => {
    await Promise.all(backends.map((b) => b.close()));
  });

  /** Runs `f` again while it fails with BackendUnavailableError (a dead pooled connection). */
  async function retryUnavailable<T>(f: () => Promise<T>): Promise<T> {
    let result: { value: T } | undefined;
    await until(async () => {
      try {
        result = { value: await f() };
        return true;
      } catch (e) {
        if (e instanceof LockError && e.code === 'unavailable') return false;
        throw e;
      }
    }, 'a statement over a fresh connection');
    return (result as { value: T }).value;
  }

  async function sql(text: string, values: unknown[] = []) {
    const client = new pg.Client(server.connection);
    await client.connect();
    try {
      return (await client.query(text, values)).rows as Record<string, unknown>[];
    } finally {
      await client.end();
    }
  }

  it('a holder whose connections are killed keeps the lock; it extends and releases anew', async () => {
    const [a, b] = [await connect(), await connect()];
    const holder = await a.lock('killed-connection').acquire({ ttlMs: LONG_TTL_MS });
    // Kill every connection but ours: the holder's pool and LISTEN connections die.
    const killed = await sql(
      'SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity ' +
        "WHERE pid <> pg_backend_pid() AND datname = 'postgres'",
    );
    expect(killed.length).toBeGreaterThan(0);
    const other = b.lock('killed-connection');
    // A statement on a pooled connection that was killed fails (BackendUnavailableError:
    // whether it ran is unknown, so it is not retried); the pool then connects afresh.
    const notAcquired = await retryUnavailable(() =>
      other.acquire({ ttlMs: LONG_TTL_MS, waitMs: 0 }).then(
        () => 'acquired',
        (e: LockError) => (e.code === 'unavailable' ? Promise.reject(e) : e.code),
      ),
    );
    expect(notAcquired).toBe('not-acquired');
    expect(holder.signal.aborted).toBe(false);
    await retryUnavailable(() => holder.extend());
    const waiter = other.acquire({ ttlMs: LONG_TTL_MS });
    await holder.release();
    const next = await waiter; // Woken by NOTIFY over a re-established LISTEN connection.
    expect(next.token > holder.token).toBe(true);
    await next.release();
  });

  it('a crash (immediate stop) keeps held locks and counters', async () => {
    const a = await connect();
    const holder = await a.lock('crash').acquire({ ttlMs: LONG_TTL_MS });
    await server.restart('immediate');
    await holder.extend();
    await holder.release();
    const next = await a.lock('crash').acquire({ ttlMs: LONG_TTL_MS, waitMs: 0 });
    expect(next.token > holder.token).toBe(true);
    await next.release();
  });

  it('schema creation is idempotent and safe to race', async () => {
    const many = await Promise.all(
      [1, 2, 3, 4].map(() =>
        PostgresLockBackend.connect({ connection: server.connection, table: 'raced_locks' }),
      ),
    );
    backends.push(...many);
    const rows = await sql(
      "SELECT count(*)::int AS n FROM pg_tables WHERE tablename LIKE 'raced_locks%'",
    );
    expect(rows[0]?.n).toBe(2);
    const h = await many[0]!.lock('raced').acquire({ ttlMs: LONG_TTL_MS, waitMs: 0 });
    await h.release();
  });

  it('refuses read/write specs and bad table names', async () => {
    const a = await connect();
    expect(() => a.lock({ name: 'rw', mode: 'read' })).toThrow(/read\/write/);
    await expect(
      PostgresLockBackend.connect({ connection: server.connection, table: 'x; DROP TABLE y' }),
    ).rejects.toThrow(/table must match/);
  });
});
