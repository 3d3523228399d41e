// The session a handler sees: a small map of JSON values with an id, tracked for changes so
// the manager writes only what changed. Every `set` is checked against the limits BEFORE it
// takes effect — a value that would make the session too big (its data over the store's
// limit, or, for cookie sessions, the Set-Cookie header over 4096 bytes) is refused with a
// typed error and the session stays as it was: nothing is ever truncated.
//
// Fault model: keys and values come from the application (trusted code); values are copied
// through JSON so what is stored is what a later request reads.

import { type JsonValue, type SessionData, toJsonValue } from './data.js';
import { InvalidSessionArgument } from './errors.js';
import type { SessionId } from './session-id.js';

/** Throws (a SessionError) when `data` would not fit; the manager supplies it. */
export type FitCheck = (data: SessionData) => void;

export class Session {
  #id: SessionId;
  #data: SessionData;
  #dirty = false;
  #destroyed = false;
  #replacedId: SessionId | undefined;

  constructor(
    id: SessionId,
    data: SessionData,
    /** True when the request carried no valid session: nothing is stored yet. */
    readonly isNew: boolean,
    /** When the loaded session expires (undefined for a new one). */
    readonly expiresAtMs: number | undefined,
    private readonly fits: FitCheck,
    private readonly mintId: () => SessionId,
  ) {
    this.#id = id;
    this.#data = data;
  }

  get id(): SessionId {
    return this.#id;
  }

  get(key: string): JsonValue | undefined {
    return Object.hasOwn(this.#data, key) ? this.#data[key] : undefined;
  }

  /** Sets `key` (undefined deletes it); throws CookieTooLargeError/SessionDataTooLargeError. */
  set(key: string, value: unknown): void {
    this.#live();
    const json = toJsonValue(value);
    if (json === undefined) return this.delete(key);
    const next: SessionData = { ...this.#data, [key]: json };
    this.fits(next);
    this.#data = next;
    this.#dirty = true;
  }

  delete(key: string): void {
    this.#live();
    if (!Object.hasOwn(this.#data, key)) return;
    const next: SessionData = { ...this.#data };
    delete next[key];
    this.#data = next;
    this.#dirty = true;
  }

  /** A copy of the data. */
  toJSON(): SessionData {
    return { ...this.#data };
  }

  /** Ends the session: the store forgets it and the client's cookie is cleared. */
  destroy(): void {
    this.#destroyed = true;
  }

  /**
   * A fresh id for the same data (call it on login: an id an attacker planted before the
   * login is worthless after it — OWASP's session fixation defence).
   */
  regenerate(): void {
    this.#live();
    this.#replacedId ??= this.#id;
    this.#id = this.mintId();
    this.#dirty = true;
  }

  get dirty(): boolean {
    return this.#dirty;
  }

  get destroyed(): boolean {
    return this.#destroyed;
  }

  /** The stored id this session had before `regenerate`, to be destroyed on commit. */
  get replacedId(): SessionId | undefined {
    return this.#replacedId;
  }

  #live(): void {
    if (this.#destroyed) throw new InvalidSessionArgument('the session was destroyed');
  }
}
