// The session library's typed errors (issue 19, sessions). One base class, SessionError,
// with a distinct `code` per condition and a `retryable` flag, so a handler can tell "this
// value does not fit" (refused, the session is unchanged: never truncated) from "the store
// cannot answer" (the request may be tried again) and "you called it wrongly".
//
// Fault model: these are raised for callers' values and backends' failures; input from
// clients (cookies) and peers (gossip) is never an error — it is a new session or a drop.

export type SessionErrorCode = 'cookie-too-large' | 'data-too-large' | 'unavailable' | 'invalid';

export class SessionError extends Error {
  readonly code: SessionErrorCode;
  readonly retryable: boolean;
  /** The HTTP status an adapter answers with when the error escapes a handler. */
  readonly statusCode: number;
  constructor(
    code: SessionErrorCode,
    message: string,
    options: { cause?: unknown; retryable?: boolean; statusCode?: number } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryable = options.retryable ?? false;
    this.statusCode = options.statusCode ?? 500;
    this.name = new.target.name;
  }
}

/**
 * The Set-Cookie header a cookie session needs would exceed the browser's limit (RFC 6265
 * §6.1: at least 4096 bytes per cookie, name, value and attributes together — and no more
 * is promised). Browsers drop a bigger cookie silently, so it is refused here instead.
 */
export class CookieTooLargeError extends SessionError {
  constructor(
    readonly sizeBytes: number,
    readonly limitBytes: number,
  ) {
    super(
      'cookie-too-large',
      `the session cookie would take ${sizeBytes} bytes: at most ${limitBytes}`,
    );
  }
}

/** The session's data, serialized, would exceed the store's per-session limit. */
export class SessionDataTooLargeError extends SessionError {
  constructor(
    readonly sizeBytes: number,
    readonly limitBytes: number,
  ) {
    super(
      'data-too-large',
      `the session data would take ${sizeBytes} bytes: at most ${limitBytes}`,
    );
  }
}

/** The store could not be reached or failed; `cause` has the backend's error. */
export class SessionStoreUnavailableError extends SessionError {
  constructor(message: string, options: { cause?: unknown } = {}) {
    super('unavailable', message, { ...options, retryable: true, statusCode: 503 });
  }
}

/** A wrong argument or configuration from the caller (not from a client). */
export class InvalidSessionArgument extends SessionError {
  constructor(message: string) {
    super('invalid', message);
  }
}
