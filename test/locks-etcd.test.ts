// The lock conformance suite (test/support/lock-conformance.ts) against the etcd backend
// (src/locks/etcd.ts) on every server that speaks etcd's v3 API (test/support/api-servers.ts):
// a real etcd 3.4 and Cohort's own server, one member each; the restart test stops and starts
// that member under the clients.
//
// Fault model: a member restarted mid-test; holders SIGKILLed; leases left to expire.

import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sleep } from '../src/client/connection.js';
import { connect } from '../src/client/index.js';
import { LockLostError } from '../src/locks/errors.js';
import { EtcdLockBackend } from '../src/locks/etcd.js';
import { anyDeleted } from '../src/locks/etcd-calls.js';
import type { LockHandle } from '../src/locks/lock.js';
import { using } from '../src/locks/using.js';
import { until } from '../src/runtime/testing/wait.js';
import { API_SERVERS, type ApiServer } from './support/api-servers.js';
import { runLockConformance } from './support/lock-conformance.js';

const codeOf = (p: Promise<unknown>) =>
  p.then(
    () => 'resolved',
    (e: { code?: unknown }) => e.code,
  );

const MODULE = path.resolve(import.meta.dirname, '../src/locks/etcd.ts');

describe.each(API_SERVERS)('etcd lock backend on $kind', ({ kind, start }) => {
  let server: ApiServer;
  beforeAll(async () => {
    server = await start({ members: 1 });
  });
  afterAll(async () => {
    await server?.stop();
  });

  runLockConformance({
    name: `etcd backend on ${kind}`,
    create: () => EtcdLockBackend.connect({ endpoints: server.endpoints }),
    worker: () => ({ module: MODULE, options: { endpoints: server.endpoints } }),
    restart: () => server.restartMember(0),
  });

  it('aborts using()’s signal when the key is deleted under the holder', async () => {
    const client = await connect({ endpoints: server.endpoints });
    const backend = new EtcdLockBackend(client, { ownsClient: true });
    try {
      const result = await using(backend.lock('deleted'), { ttlMs: 30_000 }, (signal) => {
        void client.delete('deleted/', { prefix: true }); // An operator's mistake.
        return new Promise((resolve) => {
          signal.addEventListener('abort', () => resolve(signal.reason));
        });
      });
      expect(result).toBeInstanceOf(LockLostError);
    } finally {
      await backend.close();
    }
  });

  it('keeps one lease across acquires, replaces one revoked while idle, revokes at close', async () => {
    const client = await connect({ endpoints: server.endpoints });
    const before = new Set(await client.leases());
    const ours = async () => (await client.leases()).filter((l) => !before.has(l));
    const backend = new EtcdLockBackend(client);
    try {
      for (let i = 0; i < 3; i++) {
        const handle = await backend.lock(`reuse-${i}`).acquire({ ttlMs: 30_000 });
        await handle.release();
      }
      const kept = await ours();
      expect(kept).toHaveLength(1); // Renewed, not granted, by the second and third acquire.
      await client.revoke(kept[0] as bigint); // Someone else revokes the idle lease.
      const handle = await backend.lock('reuse-after-revoke').acquire({ ttlMs: 30_000 });
      const now = await ours();
      expect(now).toHaveLength(1);
      expect(now[0]).not.toBe(kept[0]);
      await handle.release();
    } finally {
      await backend.close();
    }
    expect(await ours()).toEqual([]);
    client.close();
  });

  it('lets the same owner in another process re-enter with the same token', async () => {
    const [a, b] = await Promise.all([
      EtcdLockBackend.connect({ endpoints: server.endpoints }),
      EtcdLockBackend.connect({ endpoints: server.endpoints }),
    ]);
    try {
      const first = await a.lock('adopt').acquire({ ttlMs: 30_000, owner: 'job-7' });
      const second = await b.lock('adopt').acquire({ ttlMs: 30_000, owner: 'job-7', waitMs: 0 });
      expect(second.token).toBe(first.token);
      await second.extend(); // Renews the one lease both share.
      await first.release();
      // The key went with the first release: the other process's guard sees it go.
      await until(() => second.signal.aborted, 'the second handle to see its key go');
      expect(second.signal.reason).toBeInstanceOf(LockLostError);
      expect(await codeOf(second.release())).toBe('not-yours');
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('hands the lock on in FIFO order, waking one waiter per release (no herd)', async () => {
    const client = await connect({ endpoints: server.endpoints });
    // Count the queue re-reads: a waiter reads the queue again only when a key it watches goes.
    let rereads = 0;
    const get = client.get.bind(client);
    client.get = (key, options = {}) => {
      if (options.prefix === true) rereads++;
      return get(key, options);
    };
    const backend = new EtcdLockBackend(client, { ownsClient: true });
    const name = 'no-herd';
    const queued = async () => (await get(`${name}/`, { prefix: true })).kvs.length;
    try {
      const holder = await backend.lock(name).acquire({ ttlMs: 30_000 });
      const granted: string[] = [];
      const waiters: Promise<void>[] = [];
      for (let i = 0; i < 10; i++) {
        const owner = `w${i}`;
        const waiter = backend.lock(name).acquire({ ttlMs: 30_000, owner, waitMs: 120_000 });
        waiters.push(
          waiter.then(async (h: LockHandle) => {
            granted.push(h.owner);
            await h.release();
          }),
        );
        await until(async () => (await queued()) === i + 2, `waiter ${i} queued`);
      }
      expect(rereads).toBe(0);
      await holder.release();
      await Promise.all(waiters);
      expect(granted).toEqual(Array.from({ length: 10 }, (_, i) => `w${i}`));
      // Everyone watching the holder would re-read 10 + 9 + … + 1 = 55 times.
      expect(rereads).toBe(10);
    } finally {
      await backend.close();
    }
  });

  // The waits watch from now (a watch from the past waits for etcd's 100 ms catch-up), so a
  // key that went between the read and the watch's creation is found by a read after it.
  it('wakes a wait whose key went before its watch was created, and only then', async () => {
    const client = await connect({ endpoints: server.endpoints });
    const key = 'gone-early/a';
    const seenNow = async () => {
      const read = await client.get(key);
      const createRevision = read.kvs[0]?.createRevision ?? 0;
      return { seen: { key, createRevision }, at: read.header.revision };
    };
    try {
      await client.put(key, 'x');
      const first = await seenNow();
      await client.delete(key);
      await anyDeleted(client, [first.seen], first.at, AbortSignal.timeout(10_000));
      // Created again under the same name (a kept lease's key): another key, so the first went.
      await client.put(key, 'y');
      await anyDeleted(client, [first.seen], first.at, AbortSignal.timeout(10_000));
      // Still there: the wait lasts until it is deleted.
      // The store moves on after the read, so the wait reads the key once and finds it there.
      const second = await seenNow();
      await client.put('gone-early/b', 'moves the revision');
      let woken = false;
      const waiting = anyDeleted(client, [second.seen], second.at, AbortSignal.timeout(30_000));
      void waiting.then(() => {
        woken = true;
      });
      await sleep(300);
      expect(woken).toBe(false);
      await client.delete(key);
      await waiting;
    } finally {
      await client.close();
    }
  });
});
