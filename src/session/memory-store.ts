// Sessions in this process's memory: the store of one app server behind sticky sessions
// (notes 003, "Session Stick": the balancer sends every request of a session to the same
// server, so that server's memory is enough — until it dies, and its sessions with it).
//
// Fault model: a crash loses every session (that is the design's documented weakness).
// Memory is bounded: at most `maxSessions`; a put beyond it evicts the least recently
// written session, and expired sessions are dropped when met and by a sweep on each put.

import { DEFAULT_MAX_DATA_BYTES } from './data.js';
import { InvalidSessionArgument } from './errors.js';
import type { SessionId } from './session-id.js';
import {
  recordStore,
  type SessionRecord,
  type SessionRecords,
  type SessionStore,
} from './store.js';

export const DEFAULT_MAX_SESSIONS = 100_000;
/** Expired entries examined per put (from the least recently written end). */
const SWEEP_PER_PUT = 4;

export interface MemoryRecordsOptions {
  readonly maxSessions?: number;
  readonly now?: () => number;
}

export interface MemoryRecords extends SessionRecords {
  /** Sessions held (expired ones not yet swept included). */
  readonly size: number;
}

export function memoryRecords(options: MemoryRecordsOptions = {}): MemoryRecords {
  const max = options.maxSessions ?? DEFAULT_MAX_SESSIONS;
  if (!Number.isSafeInteger(max) || max < 1)
    throw new InvalidSessionArgument(`maxSessions must be a positive integer, got ${max}`);
  const now = options.now ?? Date.now;
  // Map order is write order: re-inserting on every put keeps the oldest write first.
  const records = new Map<SessionId, SessionRecord>();
  const sweep = (): void => {
    let seen = 0;
    for (const [id, r] of records) {
      if (seen++ >= SWEEP_PER_PUT) break;
      if (r.expiresAtMs <= now()) records.delete(id);
    }
  };
  const put = async (id: SessionId, record: SessionRecord): Promise<void> => {
    records.delete(id);
    records.set(id, record);
    sweep();
    while (records.size > max) {
      const oldest = records.keys().next().value as SessionId;
      records.delete(oldest);
    }
  };
  return {
    get size() {
      return records.size;
    },
    async get(id) {
      const r = records.get(id);
      if (r !== undefined && r.expiresAtMs <= now()) records.delete(id);
      return r !== undefined && r.expiresAtMs > now() ? r : undefined;
    },
    put,
    async delete(id) {
      records.delete(id);
    },
    async close() {
      records.clear();
    },
  };
}

/** Sessions in this process's memory, the cookie carrying the id. */
export function memoryStore(
  options: MemoryRecordsOptions & { readonly maxDataBytes?: number } = {},
): SessionStore {
  return recordStore(memoryRecords(options), {
    maxDataBytes: options.maxDataBytes ?? DEFAULT_MAX_DATA_BYTES,
    ...(options.now === undefined ? {} : { now: options.now }),
  });
}
