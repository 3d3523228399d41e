// The Redis session store against a real redis-server: one key per session with Redis's own
// expiry (SET PX), rolling expiry by PEXPIRE (the PTTL read back moves), junk in a key read
// as no session, and a Redis that is down reported as SessionStoreUnavailableError — never
// as an empty session.

import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { redisStore, SessionManager, SessionStoreUnavailableError } from '../src/session/index.js';
import { RedisServers } from './support/redis.js';

let redis: RedisServers;
let client: Redis;

beforeAll(async () => {
  redis = await RedisServers.start({ persistence: 'none' });
  // No offline queue: with Redis down a command fails at once instead of waiting.
  client = new Redis({
    host: '127.0.0.1',
    port: redis.ports[0] as number,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    lazyConnect: true,
  });
  client.on('error', () => {}); // Reconnect noise once the test kills Redis.
  await client.connect();
});

afterAll(async () => {
  client.disconnect();
  await redis.stop();
});

const cookieOf = (header: string | undefined) => (header ?? '').split(';')[0] as string;

describe('redisStore', () => {
  it('stores one key per session with a PX ttl that touches move', async () => {
    const manager = new SessionManager({
      store: redisStore(client),
      ttlMs: 60_000,
      touchAfterMs: 0,
    });
    const s = await manager.load(undefined);
    s.set('user', 'ada');
    const cookie = cookieOf((await manager.commit(s))[0]);
    expect(await client.get(`sess:${s.id}`)).toBe('{"user":"ada"}');
    await client.pexpire(`sess:${s.id}`, 5_000);
    await manager.commit(await manager.load(cookie)); // Unchanged: a touch (touchAfterMs 0).
    expect(await client.pttl(`sess:${s.id}`)).toBeGreaterThan(5_000);
    await client.del(`sess:${s.id}`);
    expect((await manager.load(cookie)).isNew).toBe(true);
  });

  it('reads junk as no session', async () => {
    const manager = new SessionManager({ store: redisStore(client, { maxDataBytes: 100 }) });
    const s = await manager.load(undefined);
    for (const junk of ['not json', '[1,2]', '"text"', `{"a":"${'x'.repeat(200)}"}`]) {
      await client.set(`sess:${s.id}`, junk, 'PX', 60_000);
      expect((await manager.load(`sid=${s.id}`)).isNew).toBe(true);
    }
    await client.set(`sess:${s.id}`, '{"ok":true}'); // No expiry: never written by the store.
    expect((await manager.load(`sid=${s.id}`)).isNew).toBe(true);
  });

  it('rejects with SessionStoreUnavailableError while Redis is down', async () => {
    const manager = new SessionManager({ store: redisStore(client) });
    const s = await manager.load(undefined);
    s.set('n', 1);
    const cookie = cookieOf((await manager.commit(s))[0]);
    await redis.stopInstance(0, 'SIGKILL');
    await expect(manager.load(cookie)).rejects.toBeInstanceOf(SessionStoreUnavailableError);
    const fresh = await manager.load(undefined);
    fresh.set('n', 1);
    await expect(manager.commit(fresh)).rejects.toBeInstanceOf(SessionStoreUnavailableError);
  });
});
