// The central store (notes 003, "Session 数据集中存储"): app servers keep no session state;
// every server reads and writes the same Redis, one key per session — `SET key json PX ttl`
// on a change, `PEXPIRE key ttl` on a touch (rolling expiry: an active session keeps living,
// an idle one expires in Redis itself, so nothing has to sweep). The remaining time comes
// back with the value (`PTTL` in the same MULTI), so Redis's clock is the one that counts.
//
// Fault model: any app server may die — no session is lost, they are all in Redis. Redis
// itself is the single point of failure the notes name: when it cannot answer, loads and
// saves reject with SessionStoreUnavailableError (503) rather than hand out empty sessions.
// Values read back are bounded and parsed by recordStore before use.

import type { Redis } from 'ioredis';
import { DEFAULT_MAX_DATA_BYTES } from './data.js';
import { InvalidSessionArgument } from './errors.js';
import type { SessionId } from './session-id.js';
import { recordStore, type SessionRecords, type SessionStore } from './store.js';

export interface RedisStoreOptions {
  /** Key prefix (default 'sess:'); the key is prefix + id. */
  readonly prefix?: string;
  readonly maxDataBytes?: number;
  /** Whether close() also quits the client (default false: the caller owns it). */
  readonly quitOnClose?: boolean;
}

export function redisRecords(redis: Redis, options: RedisStoreOptions = {}): SessionRecords {
  const prefix = options.prefix ?? 'sess:';
  if (prefix.length > 256)
    throw new InvalidSessionArgument('the key prefix is over 256 characters');
  const key = (id: SessionId): string => prefix + id;
  const ttlMs = (expiresAtMs: number): number => Math.max(1, Math.ceil(expiresAtMs - Date.now()));
  return {
    async get(id) {
      const replies = await redis.multi().get(key(id)).pttl(key(id)).exec();
      const [text, pttl] = (replies ?? []).map(([error, value]) => {
        if (error !== null) throw error;
        return value;
      });
      // PTTL is -2 for a missing key and -1 for one without expiry (never written by us).
      if (typeof text !== 'string' || typeof pttl !== 'number' || pttl <= 0) return undefined;
      return { dataText: text, expiresAtMs: Date.now() + pttl };
    },
    async put(id, record) {
      await redis.set(key(id), record.dataText, 'PX', ttlMs(record.expiresAtMs));
    },
    async touch(id, record) {
      // A key that expired between load and touch is written again rather than lost.
      const moved = await redis.pexpire(key(id), ttlMs(record.expiresAtMs));
      if (moved === 0) await redis.set(key(id), record.dataText, 'PX', ttlMs(record.expiresAtMs));
    },
    async delete(id) {
      await redis.del(key(id));
    },
    async close() {
      if (options.quitOnClose === true) await redis.quit();
    },
  };
}

/** Sessions in Redis, the cookie carrying the id. */
export function redisStore(redis: Redis, options: RedisStoreOptions = {}): SessionStore {
  return recordStore(redisRecords(redis, options), {
    maxDataBytes: options.maxDataBytes ?? DEFAULT_MAX_DATA_BYTES,
  });
}
