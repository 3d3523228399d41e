// The lock conformance suite (test/support/lock-conformance.ts) against the ZooKeeper backend
// (src/locks/zookeeper.ts) on a real standalone ZooKeeper 3.8 (test/support/zookeeper.ts),
// plus what is ZooKeeper's own: an expired session releases its locks (its ephemeral nodes
// go) and the holder's signal fires; a waiter watches only its predecessor (one waiter wakes
// per release); the fencing token keeps growing after the parent node is deleted.
//
// Sessions: the test's backends ask for 10 s (long enough to ride out a server restart with
// their sessions), the worker processes for 2 s, so a SIGKILLed holder's nodes go in ~2 s.
//
// Fault model: the server restarted mid-test (sessions survive); holders SIGKILLed; a session
// expired (a second connection takes it over with its id and password and closes it, which
// ends it on the server exactly as a timeout would).

import path from 'node:path';
import zookeeper from 'node-zookeeper-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LockError } from '../src/locks/errors.js';
import type { LockHandle } from '../src/locks/lock.js';
import {
  blockerOf,
  fencingToken,
  lockPath,
  parseChild,
  ZooKeeperLockBackend,
} from '../src/locks/zookeeper.js';
import { until } from '../src/runtime/testing/wait.js';
import { LOCK_TESTS, runLockConformance } from './support/lock-conformance.js';
import { ZooKeeperServer } from './support/zookeeper.js';

const MODULE = path.resolve(import.meta.dirname, '../src/locks/zookeeper.ts');
const LONG_TTL_MS = 30_000;

let server: ZooKeeperServer;
beforeAll(async () => {
  server = await ZooKeeperServer.start();
});
afterAll(async () => {
  await server?.close();
});

runLockConformance({
  name: 'zookeeper',
  create: () =>
    ZooKeeperLockBackend.connect({ connectString: server.connectString, sessionTimeoutMs: 10_000 }),
  worker: () => ({
    module: MODULE,
    options: { connectString: server.connectString, sessionTimeoutMs: 2_000 },
  }),
  restart: () => server.restart('SIGTERM'),
  skip: [
    {
      reason: 'no semaphore: waiters would have to watch every holder (the herd effect)',
      tests: [LOCK_TESTS.semaphore],
    },
  ],
});

describe('zookeeper lock recipe: pure parts', () => {
  const c = (kind: string, seq: number) =>
    parseChild(`${kind}-${'0'.repeat(16)}-${String(seq).padStart(10, '0')}`)!;

  it('a writer waits for its immediate predecessor, a reader for the last earlier writer', () => {
    const nodes = [c('read', 1), c('write', 2), c('read', 3), c('read', 4), c('write', 5)];
    expect(blockerOf(nodes, c('read', 1))).toBeUndefined();
    expect(blockerOf(nodes, c('write', 2))?.seq).toBe(1);
    expect(blockerOf(nodes, c('read', 3))?.seq).toBe(2);
    expect(blockerOf(nodes, c('read', 4))?.seq).toBe(2);
    expect(blockerOf(nodes, c('write', 5))?.seq).toBe(4);
    expect(blockerOf([c('lock', 7), c('lock', 9)], c('lock', 9))?.seq).toBe(7);
  });

  it('ignores foreign children and escapes names into one path component', () => {
    expect(parseChild('lock-xyz-0000000001')).toBeUndefined();
    expect(parseChild('something-else')).toBeUndefined();
    expect(lockPath('/r', 'a/b')).toBe('/r/a%2Fb');
    expect(lockPath('/r', '..')).toBe('/r/%2E%2E');
  });

  it('the token orders by parent czxid first, then by sequence', () => {
    const older = Buffer.alloc(8);
    older.writeBigInt64BE(5n);
    const newer = Buffer.alloc(8);
    newer.writeBigInt64BE(9n);
    expect(fencingToken(newer, 0) > fencingToken(older, 2 ** 31 - 1)).toBe(true);
    expect(fencingToken(older, 3) > fencingToken(older, 2)).toBe(true);
  });
});

describe('zookeeper lock backend: sessions and watches', () => {
  const backends: ZooKeeperLockBackend[] = [];
  const connect = async (sessionTimeoutMs = 10_000) => {
    const b = await ZooKeeperLockBackend.connect({
      connectString: server.connectString,
      sessionTimeoutMs,
    });
    backends.push(b);
    return b;
  };
  afterAll(async () => {
    await Promise.all(backends.map((b) => b.close()));
  });

  /** A raw client; given a session's id and password, it takes that session over. */
  async function raw(session?: { sessionId: Buffer; sessionPassword: Buffer }) {
    const client = zookeeper.createClient(server.connectString, {
      sessionTimeout: 10_000,
      ...session,
    } as Partial<zookeeper.Option>);
    await new Promise<void>((resolve) => {
      client.once('connected', () => resolve());
      client.connect();
    });
    return client;
  }

  it('an expired session releases its locks and fires the holder signal', async () => {
    // The expiry is forced below, not waited for: the holder keeps the default session, whose
    // request timeout (twice it) rides out a server stalled by a loaded machine. A lock's TTL
    // is at most its session's timeout (10 s): the waiter releases as soon as it holds, since
    // on a loaded machine the holder may take seconds to learn of its expiry (a CI run saw the
    // waiter's lock run out meanwhile).
    const [a, b] = [await connect(), await connect()];
    const holder = await a.lock('expiry').acquire({ ttlMs: LONG_TTL_MS });
    const waiter = b.lock('expiry').acquire({ ttlMs: LONG_TTL_MS });
    // Expire the holder's session as the server does when it stops hearing from a client:
    // another connection takes the session over (with its id and password, read from the
    // backend's client — test-only access) and closes it; the holder's client learns of the
    // expiry when it reconnects.
    const client = (a as unknown as { current: { client: zookeeper.Client } }).current.client;
    const thief = await raw({
      sessionId: client.getSessionId(),
      sessionPassword: client.getSessionPassword(),
    });
    thief.close();
    const next = await waiter;
    expect(next.token > holder.token).toBe(true);
    await next.release();
    await until(() => holder.signal.aborted, 'the holder to learn its session expired');
    expect((holder.signal.reason as LockError).code).toBe('lost');
    expect(await holder.release().catch((e: LockError) => e.code)).toBe('not-yours');
    // The backend carries on with a new session. (When the holder's client reconnected
    // between the takeover and the close, the server may leave its connection open and
    // silent: a request then gets no answer in time, the backend drops that connection and
    // learns on reconnecting that the session is gone. A client asks again.)
    let again: LockHandle | undefined;
    await until(
      () =>
        a
          .lock('expiry')
          .acquire({ ttlMs: LONG_TTL_MS, waitMs: 0 })
          .then(
            (h) => {
              again = h;
              return true;
            },
            (e: LockError) => {
              if (e.code !== 'unavailable') throw e;
              return false;
            },
          ),
      'a new session to take the lock',
      120_000,
    );
    if (again === undefined) throw new Error('unreachable');
    expect(again.token > next.token).toBe(true);
    await again.release();
  });

  it('waiters watch only their predecessor: a release wakes one of them', async () => {
    const a = await connect();
    const name = 'herd';
    const holder = await a.lock(name).acquire({ ttlMs: LONG_TTL_MS });
    const waiters = [1, 2, 3, 4].map((i) =>
      a.lock(name).acquire({ ttlMs: LONG_TTL_MS, owner: `w${i}` }),
    );
    const client = await raw();
    const parent = lockPath('/cohort-locks', name);
    const count = () =>
      new Promise<number>((resolve, reject) =>
        client.getChildren(parent, (e, children) => (e ? reject(e) : resolve(children.length))),
      );
    await until(async () => (await count()) === 5, 'every waiter to have its node');
    const order: number[] = [];
    waiters.forEach((w, i) => void w.then(() => order.push(i)));
    await holder.release();
    for (let i = 0; i < waiters.length; i++) {
      const h = await waiters[order.length === i ? i : order[i]!]!;
      expect(order.length).toBe(i + 1); // Exactly one more holder per release.
      await h.release();
    }
    expect(order).toEqual([0, 1, 2, 3]); // FIFO: creation order.
    client.close();
  });

  it('the token grows across a deleted and recreated parent', async () => {
    const a = await connect();
    const name = 'recreated';
    const first = await a.lock(name).acquire({ ttlMs: LONG_TTL_MS });
    await first.release();
    const client = await raw();
    await new Promise<void>((resolve, reject) =>
      client.remove(lockPath('/cohort-locks', name), -1, (e) => (e ? reject(e) : resolve())),
    );
    client.close();
    const second = await a.lock(name).acquire({ ttlMs: LONG_TTL_MS });
    expect(second.token > first.token).toBe(true);
    await second.release();
  });
});
