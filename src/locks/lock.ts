// The one lock interface every backend implements (issue 17): PostgreSQL, Redis, Redlock,
// etcd/Cohort and ZooKeeper. A Lock is a named lock (exclusive, read/write, or a semaphore
// of `limit` holders); acquire() grants a LockHandle that carries a fencing token, a lease
// (ttlMs) the holder must extend, and an AbortSignal that fires when the lock is lost.
// using() (using.ts) wraps acquire/renew/release once for every backend.
//
// The fencing token is the point (docs/locks.md): a lease-based lock cannot stop a holder
// that paused past its TTL (a GC pause, a stopped VM) from acting as if it still held the
// lock; the resource can, by refusing writes whose token is older than one it has seen
// (fencing.ts). So every backend's token grows strictly with every grant of a lock name.
//
// Fault model: backends are remote and fail; their failures surface as the typed errors of
// errors.ts. Arguments are validated here (resolveLockSpec, resolveAcquireOptions) before a
// backend sees them.

import { randomBytes } from 'node:crypto';
import {
  InvalidLockArgument,
  validateLimit,
  validateLockName,
  validateOwner,
  validateTtl,
  validateWait,
} from './errors.js';

export type LockMode = 'exclusive' | 'read' | 'write';

export interface LockSpec {
  /** 1..256 bytes of UTF-8, no NUL; validated by validateLockName (errors.ts: InvalidLockArgument). */
  readonly name: string;
  /** exclusive (default); read/write where the backend can; `limit` > 1 = a semaphore. */
  readonly mode?: LockMode;
  readonly limit?: number;
}

export interface AcquireOptions {
  /** Lease length: 1 ms ≤ ttlMs ≤ 24 h (validateTtl). The lock is lost if not extended. */
  readonly ttlMs: number;
  /** Stop waiting after this long; 0 = one attempt. Undefined = wait until `signal` aborts. */
  readonly waitMs?: number;
  readonly signal?: AbortSignal;
  /** Who holds it (default: a random id per Lock object). The same owner re-acquiring a lock
   *  it holds re-enters: same token, a hold count, released when the count drops to 0. */
  readonly owner?: string;
}

export interface LockHandle {
  readonly name: string;
  readonly owner: string;
  /** Fencing token: strictly greater for every grant of this lock name (bigint). */
  readonly token: bigint;
  /** performance.now() instant until which the lock is ours for sure (TTL minus drift). */
  readonly validUntil: number;
  /** Aborts (reason: LockLostError) when the lock is found lost or is released. */
  readonly signal: AbortSignal;
  /** Renews the lease (ttlMs default: the acquire's). Throws LockLostError if it was lost. */
  extend(ttlMs?: number): Promise<void>;
  /** Releases (one hold of a re-entered lock). Throws NotOwnerError if it is not ours. */
  release(): Promise<void>;
}

export interface Lock {
  readonly spec: LockSpec;
  acquire(o: AcquireOptions): Promise<LockHandle>;
}

export interface LockBackend {
  /** 'postgres' | 'postgres-advisory' | 'redis' | 'redlock' | 'etcd' | 'zookeeper' … */
  readonly kind: string;
  lock(spec: LockSpec | string): Lock;
  close(): Promise<void>;
}

/** A validated LockSpec with its defaults filled in. */
export interface ResolvedLockSpec {
  readonly name: string;
  readonly mode: LockMode;
  readonly limit: number;
}

const MODES: readonly LockMode[] = ['exclusive', 'read', 'write'];

/** Validates a spec (or a bare name) and fills in mode 'exclusive' and limit 1. */
export function resolveLockSpec(spec: LockSpec | string): ResolvedLockSpec {
  const s: LockSpec = typeof spec === 'string' ? { name: spec } : spec;
  if (typeof s !== 'object' || s === null) throw new InvalidLockArgument('a lock spec is needed');
  const name = validateLockName(s.name);
  const mode = s.mode ?? 'exclusive';
  if (!MODES.includes(mode)) throw new InvalidLockArgument(`unknown lock mode ${String(mode)}`);
  const limit = s.limit === undefined ? 1 : validateLimit(s.limit);
  if (limit > 1 && mode !== 'exclusive') {
    throw new InvalidLockArgument('a semaphore (limit > 1) has no read/write mode');
  }
  return { name, mode, limit };
}

/** Validated AcquireOptions; `waitMs` undefined = wait until the signal aborts. */
export interface ResolvedAcquireOptions {
  readonly ttlMs: number;
  readonly waitMs: number | undefined;
  readonly signal: AbortSignal | undefined;
  readonly owner: string;
}

/** Validates acquire()'s options; `defaultOwner` is the Lock object's own random id. */
export function resolveAcquireOptions(
  o: AcquireOptions,
  defaultOwner: string,
): ResolvedAcquireOptions {
  if (typeof o !== 'object' || o === null) throw new InvalidLockArgument('options are needed');
  const ttlMs = validateTtl(o.ttlMs);
  const waitMs = o.waitMs === undefined ? undefined : validateWait(o.waitMs);
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) {
    throw new InvalidLockArgument('signal must be an AbortSignal');
  }
  const owner = validateOwner(o.owner ?? defaultOwner);
  return { ttlMs, waitMs, signal: o.signal, owner };
}

/** 128 random bits drawn once per process: what makes `uniqueId` unique across processes. */
const PROCESS_ID = randomBytes(16).toString('hex');
let issued = 0;

/**
 * A fresh hex id, unique across processes (the process's random prefix) and within one (a
 * counter). Cheap enough to draw per operation: a synchronous `randomBytes` per acquire cost
 * several percent of a Redis lock cycle's CPU. Not secret, and need not be: ids only keep one
 * grant or owner from being mistaken for another.
 */
export function uniqueId(): string {
  issued += 1;
  return PROCESS_ID + issued.toString(16).padStart(12, '0');
}

/** A fresh owner id, one per Lock object by default. */
export function randomOwner(): string {
  return uniqueId();
}

/**
 * The instant until which a lease of `ttlMs` granted no earlier than `requestedAt`
 * (performance.now() when the request left) is ours for sure: the TTL minus the clock drift
 * the servers may have against us (Redlock's 1 % plus 2 ms).
 */
export function validUntilOf(requestedAt: number, ttlMs: number): number {
  const driftMs = Math.floor(ttlMs * 0.01) + 2;
  return requestedAt + ttlMs - driftMs;
}
