// The lock API's typed errors and its argument validation, shared by every backend
// (issue 17). One base class, LockError, with a distinct `code` per failure, so a caller can
// tell "somebody else holds it" (not-acquired) from "you had it and lost it" (lost), "the
// backend cannot answer" (unavailable, with the client error as `cause`), "that lock is not
// yours" (not-yours) and "you called it wrongly" (invalid). An aborted wait rejects with the
// AbortSignal's own reason (as fetch and timers/promises do); LockAbortedError (code
// 'aborted') stands in only when the signal carries no reason.
//
// Fault model: names, owners and durations may come from untrusted callers; they are
// validated here, before any backend sees them, and refused with InvalidLockArgument.

export type LockErrorCode =
  | 'not-acquired'
  | 'lost'
  | 'unavailable'
  | 'not-yours'
  | 'invalid'
  | 'aborted';

export class LockError extends Error {
  readonly code: LockErrorCode;
  constructor(code: LockErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = new.target.name;
  }
}

/** The wait ran out (or `waitMs: 0` and the lock was held). */
export class NotAcquiredError extends LockError {
  constructor(message: string) {
    super('not-acquired', message);
  }
}

/** The lock was ours and is not any more (expired, taken over, or deleted under us). */
export class LockLostError extends LockError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('lost', message, options);
  }
}

/** The backend could not be reached or answered with a transient failure; `cause` has it. */
export class BackendUnavailableError extends LockError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('unavailable', message, options);
  }
}

/** A release or extend of a lock someone else holds (or nobody does). */
export class NotOwnerError extends LockError {
  constructor(message: string) {
    super('not-yours', message);
  }
}

export class InvalidLockArgument extends LockError {
  constructor(message: string) {
    super('invalid', message);
  }
}

/** Only when an aborted signal has no reason of its own (see abortReason). */
export class LockAbortedError extends LockError {
  constructor(message = 'the wait for the lock was aborted') {
    super('aborted', message);
  }
}

/** What an aborted wait rejects with: the signal's own reason. */
export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new LockAbortedError();
}

/** Rejects (throws) with the signal's reason if it has aborted. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted === true) throw abortReason(signal);
}

export const MAX_NAME_BYTES = 256;
export const MAX_OWNER_BYTES = 256;
export const MIN_TTL_MS = 1;
export const MAX_TTL_MS = 24 * 60 * 60 * 1000;
/** Node's timers hold at most 2^31 − 1 ms (~24.8 days); a longer wait would fire at once. */
export const MAX_WAIT_MS = 2 ** 31 - 1;
export const MAX_LIMIT = 65_536;

// In `u` mode a paired surrogate reads as one code point, so \p{Cs} matches only lone ones.
const LONE_SURROGATE = /\p{Cs}/u;

function validateText(what: string, value: unknown, maxBytes: number): string {
  if (typeof value !== 'string') throw new InvalidLockArgument(`${what} must be a string`);
  // Counted without encoding (no allocation): this runs on every acquire.
  const bytes = Buffer.byteLength(value, 'utf8');
  if (bytes === 0) throw new InvalidLockArgument(`${what} must not be empty`);
  if (bytes > maxBytes) {
    throw new InvalidLockArgument(`${what} is ${bytes} bytes of UTF-8, at most ${maxBytes}`);
  }
  if (value.includes('\0')) throw new InvalidLockArgument(`${what} must not contain NUL`);
  // A lone surrogate would be replaced by U+FFFD on the wire: two names would collide.
  if (LONE_SURROGATE.test(value))
    throw new InvalidLockArgument(`${what} is not well-formed UTF-16`);
  return value;
}

/** 1..256 bytes of UTF-8, no NUL, no lone surrogates. */
export function validateLockName(name: unknown): string {
  return validateText('lock name', name, MAX_NAME_BYTES);
}

export function validateOwner(owner: unknown): string {
  return validateText('lock owner', owner, MAX_OWNER_BYTES);
}

function validateMs(what: string, ms: unknown, min: number, max: number): number {
  if (typeof ms !== 'number' || !Number.isInteger(ms)) {
    throw new InvalidLockArgument(`${what} must be an integer number of milliseconds`);
  }
  if (ms < min || ms > max) {
    throw new InvalidLockArgument(`${what} is ${ms} ms, must be within ${min}..${max} ms`);
  }
  return ms;
}

/** 1 ms ≤ ttlMs ≤ 24 h, an integer. */
export function validateTtl(ms: unknown): number {
  return validateMs('ttlMs', ms, MIN_TTL_MS, MAX_TTL_MS);
}

/** 0 (one attempt) ≤ waitMs ≤ MAX_WAIT_MS, an integer. */
export function validateWait(ms: unknown): number {
  return validateMs('waitMs', ms, 0, MAX_WAIT_MS);
}

/** A semaphore's number of holders: 1..65536, an integer. */
export function validateLimit(n: unknown): number {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_LIMIT) {
    throw new InvalidLockArgument(`limit must be an integer within 1..${MAX_LIMIT}`);
  }
  return n;
}
