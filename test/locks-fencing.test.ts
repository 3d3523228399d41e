// Fencing on the resource side against real servers: the PostgreSQL example (fencedUpsert, a
// conditional upsert) on a real PostgreSQL, and Kleppmann's GC-pause scenario end to end — a
// holder on the etcd backend (real etcd 3.4) stops renewing past its TTL ("paused"), another
// client is granted the lock and writes, the first wakes and writes with its old token: the
// database refuses it and keeps the newer write.
//
// Fault model: a paused holder (it simply does not renew), concurrent writers.

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidLockArgument } from '../src/locks/errors.js';
import { EtcdLockBackend } from '../src/locks/etcd.js';
import { createFencedTable, fencedUpsert, StaleTokenError } from '../src/locks/fencing.js';
import { EtcdCluster } from './support/etcd.js';
import { PostgresServer } from './support/postgres.js';

describe('fencing on PostgreSQL', () => {
  let postgres: PostgresServer;
  let etcd: EtcdCluster;
  let pool: pg.Pool;
  let locks: EtcdLockBackend;

  beforeAll(async () => {
    [postgres, etcd] = await Promise.all([PostgresServer.start(), EtcdCluster.start()]);
    pool = new pg.Pool({ ...postgres.connection, max: 8 });
    // Idle connections see the server's shutdown at the end (57P01): not a test failure.
    pool.on('error', () => {});
    await createFencedTable(pool);
    locks = await EtcdLockBackend.connect({ endpoints: etcd.endpoints });
  });
  afterAll(async () => {
    await locks?.close();
    await pool?.end();
    await Promise.all([postgres?.stop(), etcd?.stop()]);
  });

  const rowOf = async (id: string) =>
    (await pool.query('SELECT value, token FROM fenced_resource WHERE id = $1', [id])).rows[0];

  it('writes with newer or equal tokens, refuses older ones', async () => {
    await fencedUpsert(pool, { id: 'a', value: 'one', token: 10n });
    await fencedUpsert(pool, { id: 'a', value: 'two', token: 10n });
    await fencedUpsert(pool, { id: 'a', value: 'three', token: 12n });
    const stale = fencedUpsert(pool, { id: 'a', value: 'old', token: 11n });
    await expect(stale).rejects.toBeInstanceOf(StaleTokenError);
    await expect(stale).rejects.toMatchObject({ code: 'lost', newest: 12n, token: 11n });
    expect(await rowOf('a')).toEqual({ value: 'three', token: '12' });
  });

  it('keeps the newest of concurrent writers, whatever the order they land in', async () => {
    const tokens = Array.from({ length: 40 }, (_, i) => BigInt(100 + i));
    const results = await Promise.allSettled(
      tokens.map((token) => fencedUpsert(pool, { id: 'b', value: `v${token}`, token })),
    );
    expect(results.at(-1)?.status).toBe('fulfilled'); // The newest always lands.
    expect(await rowOf('b')).toEqual({ value: 'v139', token: '139' });
    for (const r of results) {
      if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(StaleTokenError);
    }
  });

  it('refuses bad tables and tokens before SQL', async () => {
    await expect(createFencedTable(pool, 'x; DROP TABLE y')).rejects.toBeInstanceOf(
      InvalidLockArgument,
    );
    await expect(fencedUpsert(pool, { id: 'c', value: 'v', token: -1n })).rejects.toBeInstanceOf(
      InvalidLockArgument,
    );
  });

  it('the GC pause: a holder paused past its TTL cannot overwrite the next holder’s write', async () => {
    const name = 'fencing/gc-pause';
    const paused = await locks.lock(name).acquire({ ttlMs: 1000, owner: 'paused' });
    // "Paused": no renewal. The lease runs out and the next client is granted the lock.
    const next = await locks.lock(name).acquire({ ttlMs: 30_000, owner: 'next', waitMs: 120_000 });
    expect(next.token > paused.token).toBe(true);
    await fencedUpsert(pool, { id: 'gc', value: 'from next', token: next.token });
    // The paused holder wakes up, believes it holds the lock, and writes.
    await expect(
      fencedUpsert(pool, { id: 'gc', value: 'from paused', token: paused.token }),
    ).rejects.toBeInstanceOf(StaleTokenError);
    expect(await rowOf('gc')).toEqual({ value: 'from next', token: String(next.token) });
    await next.release();
  });
});
