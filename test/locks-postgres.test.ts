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
    expect(rows[0]?.n).toBe(3); // the locks, their token counters, the waiters' queue
    const h = await many[0]!.lock('raced').acquire({ ttlMs: LONG_TTL_MS, waitMs: 0 });
    await h.release();
  });

  /** How many live waiters the queue holds for `name`. */
  const queued = async (name: string) =>
    Number(
      (
        await sql(
          'SELECT count(*)::int AS n FROM cohort_locks_queue WHERE name = $1 AND live_until > now()',
          [name],
        )
      )[0]?.n,
    );

  it('hands a released lock to the waiters in arrival order, and a releaser queues behind them', async () => {
    const b = await connect();
    const lock = b.lock('fifo');
    const first = await lock.acquire({ ttlMs: LONG_TTL_MS });
    const order: number[] = [];
    const waiters: Promise<void>[] = [];
    for (const i of [1, 2, 3]) {
      // Each waiter from its own backend (its own LISTEN connection), queued before the next.
      const w = await connect();
      waiters.push(
        w
          .lock('fifo')
          .acquire({ ttlMs: LONG_TTL_MS })
          .then(async (h) => {
            order.push(i);
            await h.release();
          }),
      );
      await until(async () => (await queued('fifo')) === i, `waiter ${i} to queue`);
    }
    await first.release();
    // The releaser asks again at once: it must not barge ahead of the three queued waiters.
    const again = await lock.acquire({ ttlMs: LONG_TTL_MS });
    await Promise.all(waiters);
    expect(order).toEqual([1, 2, 3]);
    expect(again.token > first.token + 3n).toBe(true);
    await again.release();
    expect(await queued('fifo')).toBe(0);
  });

  it('a waiter that gives up leaves the queue, and a hand-off it missed passes on', async () => {
    const b = await connect();
    const holder = await b.lock('leave').acquire({ ttlMs: LONG_TTL_MS });
    const quitter = await connect();
    const controller = new AbortController();
    const gaveUp = quitter.lock('leave').acquire({ ttlMs: LONG_TTL_MS, signal: controller.signal });
    await until(async () => (await queued('leave')) === 1, 'the quitter to queue');
    const patient = (await connect()).lock('leave').acquire({ ttlMs: LONG_TTL_MS });
    await until(async () => (await queued('leave')) === 2, 'the patient waiter to queue');
    controller.abort();
    await expect(gaveUp).rejects.toThrow();
    await holder.release();
    const h = await patient;
    expect(h.token > holder.token).toBe(true);
    await h.release();
    // A hand-off to an entry whose waiter is gone (it never refreshes again): leave() passes
    // it on, as the waiter's own leave would.
    const again = await b.lock('leave').acquire({ ttlMs: LONG_TTL_MS });
    await sql(
      "INSERT INTO cohort_locks_queue (name, owner, ttl_ms, live_until) VALUES ('leave', 'ghost', 30000, now() + interval '1 minute')",
    );
    const next = (await connect()).lock('leave').acquire({ ttlMs: LONG_TTL_MS });
    await until(async () => (await queued('leave')) === 2, 'a waiter behind the ghost');
    await again.release(); // Handed to the ghost.
    const ghost = (
      await sql("SELECT seq::text AS seq FROM cohort_locks_queue WHERE owner = 'ghost'")
    )[0];
    expect(ghost).toBeUndefined();
    const [row] = await sql(
      "SELECT granted_to::text AS seq FROM cohort_locks WHERE name = 'leave'",
    );
    await sql('SELECT cohort_locks_leave($1, $2, $3)', ['leave', row?.seq, 'ghost']);
    const n = await next;
    expect(n.token > again.token + 1n).toBe(true);
    await n.release();
  });

  it('refuses read/write specs and bad table names', async () => {
    const a = await connect();
    expect(() => a.lock({ name: 'rw', mode: 'read' })).toThrow(/read\/write/);
    await expect(
      PostgresLockBackend.connect({ connection: server.connection, table: 'x; DROP TABLE y' }),
    ).rejects.toThrow(/table must match/);
  });
});
