// The framework-neutral half of the middleware: from a request's Cookie header to a Session
// (`load`), and from the Session after the handler to the Set-Cookie header to send
// (`commit`). The Express and Fastify adapters only call these two.
//
// Policy, as express-session and its peers settled it:
//   - a request without a valid session cookie gets a new, empty session with a fresh id;
//     an unknown id is never adopted (that would let an attacker fix a victim's id);
//   - an empty new session is not stored and sets no cookie (no state for drive-by clients);
//   - a changed session is saved with a full ttl; an unchanged one is touched (rolling
//     expiry) once `touchAfterMs` of its ttl has passed, and its cookie re-sent;
//   - a destroyed session is deleted from the store and its cookie cleared.
//
// Fault model: the cookie is untrusted and only ever yields a session or a new one; the
// store's failures reject (SessionStoreUnavailableError) and the adapters answer 503.

import { assert } from '../core/assert.js';
import {
  COOKIE_MAX_BYTES,
  type CookieAttributes,
  checkCookieAttributes,
  checkCookieName,
  readCookie,
  serializeCookie,
} from './cookie.js';
import { DEFAULT_MAX_DATA_BYTES, type SessionData, serializeData, utf8Bytes } from './data.js';
import { CookieTooLargeError, InvalidSessionArgument, SessionDataTooLargeError } from './errors.js';
import { Session } from './session.js';
import { newSessionId, type SessionId } from './session-id.js';
import type { SessionStore } from './store.js';

export const DEFAULT_COOKIE_NAME = 'sid';
export const DEFAULT_TTL_MS = 30 * 60_000;

export interface SessionOptions {
  readonly store: SessionStore;
  readonly cookieName?: string;
  readonly cookie?: CookieAttributes;
  /** Idle lifetime: a session untouched this long expires (default 30 minutes). */
  readonly ttlMs?: number;
  /** Rolling expiry: an unchanged session is touched once this much of its ttl has passed. */
  readonly touchAfterMs?: number;
  /** Per-session data limit in bytes of JSON (default 16 KiB). */
  readonly maxDataBytes?: number;
  /** Mints new ids (default newSessionId; sticky sessions mint ids that route home). */
  readonly newId?: () => SessionId;
  readonly now?: () => number;
}

function positive(name: string, value: number, max = 365 * 24 * 3_600_000): number {
  if (!Number.isSafeInteger(value) || value < 0 || value > max)
    throw new InvalidSessionArgument(`${name} must be an integer in 0..${max}, got ${value}`);
  return value;
}

export class SessionManager {
  readonly store: SessionStore;
  readonly cookieName: string;
  private readonly attributes: CookieAttributes;
  private readonly ttlMs: number;
  private readonly touchAfterMs: number;
  private readonly maxDataBytes: number;
  private readonly mintId: () => SessionId;
  private readonly now: () => number;
  /** Bytes of the Set-Cookie header besides the value. */
  private readonly cookieFrameBytes: number;
  /** Sessions loaded from a cookie that named nothing live (the adapters may count them). */
  private readonly hadCookie = new WeakSet<Session>();

  constructor(options: SessionOptions) {
    this.store = options.store;
    this.cookieName = options.cookieName ?? DEFAULT_COOKIE_NAME;
    checkCookieName(this.cookieName);
    this.attributes = options.cookie ?? {};
    checkCookieAttributes(this.attributes);
    this.ttlMs = positive('ttlMs', options.ttlMs ?? DEFAULT_TTL_MS);
    if (this.ttlMs < 1_000) throw new InvalidSessionArgument('ttlMs must be at least 1000');
    this.touchAfterMs = positive(
      'touchAfterMs',
      options.touchAfterMs ?? Math.min(60_000, this.ttlMs / 10),
    );
    this.maxDataBytes = positive(
      'maxDataBytes',
      options.maxDataBytes ?? DEFAULT_MAX_DATA_BYTES,
      1 << 24,
    );
    this.mintId = options.newId ?? newSessionId;
    this.now = options.now ?? Date.now;
    this.cookieFrameBytes = this.setCookie('', this.ttlMs).length;
  }

  /** The session a Cookie header names (or carries), or a new one. */
  async load(cookieHeader: string | string[] | undefined): Promise<Session> {
    const value = readCookie(cookieHeader, this.cookieName);
    const stored = value === undefined ? undefined : await this.store.load(value);
    const fits = (data: SessionData): void => this.checkFits(serializeData(data));
    const session =
      stored === undefined
        ? new Session(this.mintId(), {}, true, undefined, fits, this.mintId)
        : new Session(stored.id, stored.data, false, stored.expiresAtMs, fits, this.mintId);
    if (value !== undefined) this.hadCookie.add(session);
    return session;
  }

  /** Stores what the handler changed; the Set-Cookie header values to send (0 or 1). */
  async commit(session: Session): Promise<string[]> {
    const loaded = !session.isNew;
    if (session.destroyed) {
      if (loaded) await this.store.destroy(session.replacedId ?? session.id);
      return this.hadCookie.has(session) ? [this.setCookie('', 0)] : [];
    }
    if (loaded && session.replacedId !== undefined) await this.store.destroy(session.replacedId);
    const data = session.toJSON();
    const dataText = serializeData(data);
    const stored = { id: session.id, data, expiresAtMs: this.now() + this.ttlMs };
    if (session.dirty && (loaded || Object.keys(data).length > 0)) {
      this.checkFits(dataText);
      return [this.cookieOf(await this.store.save(stored, dataText))];
    }
    const touchedAtMs = (session.expiresAtMs ?? 0) - this.ttlMs;
    if (loaded && this.now() - touchedAtMs >= this.touchAfterMs)
      return [this.cookieOf(await this.store.touch(stored, dataText))];
    return [];
  }

  async close(): Promise<void> {
    await this.store.close();
  }

  private checkFits(dataText: string): void {
    const dataBytes = utf8Bytes(dataText);
    if (dataBytes > this.maxDataBytes)
      throw new SessionDataTooLargeError(dataBytes, this.maxDataBytes);
    const cookieBytes = this.cookieFrameBytes + this.store.cookieValueBytes(dataBytes);
    if (cookieBytes > COOKIE_MAX_BYTES)
      throw new CookieTooLargeError(cookieBytes, COOKIE_MAX_BYTES);
  }

  private cookieOf(value: string): string {
    const header = this.setCookie(value, this.ttlMs);
    // checkFits bounded the value before the store made it; a longer one is our bug.
    assert(header.length <= COOKIE_MAX_BYTES, 'a Set-Cookie header over the limit was built');
    return header;
  }

  private setCookie(value: string, ttlMs: number): string {
    return serializeCookie(this.cookieName, value, ttlMs / 1000, this.attributes);
  }
}
