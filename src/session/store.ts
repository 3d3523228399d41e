// The one interface every design implements: a SessionStore turns the value of the session
// cookie into a session and a session back into the cookie's value. Server-side designs
// (sticky memory, replicated, Redis) put an id in the cookie and the session in their
// records; the cookie design puts the whole sealed session in the cookie. The manager and
// the framework adapters see only this interface.
//
// Fault model: `load` takes the client's cookie value and never throws for bad input — a
// malformed, unknown, expired or forged value is "no session" (undefined). Backend failures
// reject with SessionStoreUnavailableError (retryable).

import { parseSessionData, type SessionData } from './data.js';
import { SessionStoreUnavailableError } from './errors.js';
import { isSessionId, SESSION_ID_LENGTH, type SessionId } from './session-id.js';

export interface StoredSession {
  readonly id: SessionId;
  readonly data: SessionData;
  /** Wall-clock time (ms since the epoch) after which the session is gone. */
  readonly expiresAtMs: number;
}

export interface SessionStore {
  /** What the cookie carries: the session's id, or the (sealed) session itself. */
  readonly carries: 'id' | 'state';
  /** The session a cookie value names or carries; undefined for anything else. */
  load(cookieValue: string): Promise<StoredSession | undefined>;
  /** Stores `s` (data and expiry); resolves to the cookie value to send. */
  save(s: StoredSession, dataText: string): Promise<string>;
  /** Moves `s`'s expiry (rolling expiry) without a change of data; the cookie value. */
  touch(s: StoredSession, dataText: string): Promise<string>;
  destroy(id: SessionId): Promise<void>;
  /** The length of the cookie value `save` returns for `dataBytes` bytes of data, at most. */
  cookieValueBytes(dataBytes: number): number;
  close(): Promise<void>;
}

/** A session as server-side records hold it: the data's JSON text and its expiry. */
export interface SessionRecord {
  readonly dataText: string;
  readonly expiresAtMs: number;
}

/** Keyed records of a server-side design; `recordStore` makes a SessionStore of them. */
export interface SessionRecords {
  get(id: SessionId): Promise<SessionRecord | undefined>;
  put(id: SessionId, record: SessionRecord): Promise<void>;
  /** Only the expiry changes; without it, touch is a put. */
  touch?(id: SessionId, record: SessionRecord): Promise<void>;
  delete(id: SessionId): Promise<void>;
  close(): Promise<void>;
}

export interface RecordStoreOptions {
  /** Stored data longer than this is treated as absent (DEFAULT_MAX_DATA_BYTES). */
  readonly maxDataBytes: number;
  /** The clock expiries are compared with (Date.now). */
  readonly now?: () => number;
}

async function guarded<T>(what: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    throw new SessionStoreUnavailableError(`session store: ${what} failed`, { cause: error });
  }
}

/** A SessionStore whose cookie carries the id and whose sessions live in `records`. */
export function recordStore(records: SessionRecords, options: RecordStoreOptions): SessionStore {
  const now = options.now ?? Date.now;
  return {
    carries: 'id',
    async load(cookieValue) {
      if (!isSessionId(cookieValue)) return undefined;
      const record = await guarded('get', () => records.get(cookieValue));
      if (record === undefined || record.expiresAtMs <= now()) return undefined;
      const data = parseSessionData(record.dataText, options.maxDataBytes);
      if (data === undefined) return undefined;
      return { id: cookieValue, data, expiresAtMs: record.expiresAtMs };
    },
    async save(s, dataText) {
      await guarded('put', () => records.put(s.id, { dataText, expiresAtMs: s.expiresAtMs }));
      return s.id;
    },
    async touch(s, dataText) {
      const record = { dataText, expiresAtMs: s.expiresAtMs };
      await guarded('touch', () =>
        records.touch !== undefined ? records.touch(s.id, record) : records.put(s.id, record),
      );
      return s.id;
    },
    destroy: (id) => guarded('delete', () => records.delete(id)),
    cookieValueBytes: () => SESSION_ID_LENGTH,
    close: () => records.close(),
  };
}
