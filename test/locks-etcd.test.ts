// The lock conformance suite (test/support/lock-conformance.ts) against the etcd backend
// (src/locks/etcd.ts) on every server that speaks etcd's v3 API (test/support/api-servers.ts):
// a real etcd 3.4 and Cohort's own server, one member each; the restart test stops and starts
// that member under the clients.
//
// Fault model: a member restarted mid-test; holders SIGKILLed; leases left to expire.

import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../src/client/index.js';
import { EtcdLockBackend } from '../src/locks/etcd.js';
import type { LockHandle } from '../src/locks/lock.js';
import { until } from '../src/runtime/testing/wait.js';
import { API_SERVERS, type ApiServer } from './support/api-servers.js';
import { runLockConformance } from './support/lock-conformance.js';

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
});
