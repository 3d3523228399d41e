// The PostgreSQL advisory-lock mode (issue 17): pg_advisory_lock on a dedicated session per
// held lock, keyed by hashtextextended(name, 0) (64 bits: two names share a key — and so
// exclude each other — only on a hash collision, about 1 in 2^64 per pair). The server
// queues waiters itself (no polling, no notifications), and read/write locks are native:
// 'read' takes pg_advisory_lock_shared, 'write' and 'exclusive' the same key exclusively.
//
// Its limits, stated plainly:
// - Session-bound, no TTL. The lock is held for exactly as long as the holder's database
//   session lives: a crashed or killed holder frees it as soon as the server sees its
//   connection close, but a holder that is alive and merely stuck (paused, partitioned with
//   its TCP connection still open) holds it indefinitely. ttlMs is validated and only sets
//   how far validUntil reaches beyond the last time the session was confirmed alive
//   (acquire, extend); extend confirms the session, it cannot lengthen anything.
// - A server restart or a killed backend drops every advisory lock at once: each handle's
//   signal fires (LockLostError) when its connection ends.
// - One connection per held lock (per owner and name; re-entry shares it): at most
//   max_connections holders at a time.
// - No semaphore (limit > 1): a waiter would need to block on "any one of N keys", which
//   PostgreSQL has no primitive for; use the table mode (postgres.ts).
// - Fencing: advisory locks carry no token, so we pair them with the table mode's counter
//   table (`<table>_tokens`): once the lock is granted, the same session bumps the name's
//   counter and that is the token. Grants of a name are serialized by the advisory lock, so
//   the counter grows with every grant (shared readers each take their own number).
// - Re-entry is per backend object: the same owner on another backend (another process)
//   opens another session and waits like anyone else.
//
// Fault model: the server may be unreachable, restarted or slow; failures reject with
// BackendUnavailableError. A wait is bounded on the server (lock_timeout = waitMs) and
// aborted by pg_cancel_backend from the control pool; a grant that arrives after an abort is
// given back at once.

import pg from 'pg';
import {
  abortReason,
  BackendUnavailableError,
  InvalidLockArgument,
  LockLostError,
  NotAcquiredError,
  NotOwnerError,
  throwIfAborted,
  validateTtl,
} from './errors.js';
import {
  type AcquireOptions,
  type Lock,
  type LockBackend,
  type LockHandle,
  type LockSpec,
  type ResolvedAcquireOptions,
  type ResolvedLockSpec,
  randomOwner,
  resolveAcquireOptions,
  resolveLockSpec,
  validUntilOf,
} from './lock.js';
import { clientConfig, ensureSchema, unavailable } from './postgres.js';
import { lockSql } from './postgres-sql.js';

export interface PostgresAdvisoryLockOptions {
  readonly connection: pg.ClientConfig | string;
  /** The table mode's table, whose `<table>_tokens` counters give the fencing tokens. */
  readonly table?: string;
  /** Sessions kept open for reuse once their lock is released. Default 8. */
  readonly idleSessions?: number;
  /** A statement other than the lock wait not answered within this long fails. 10 s. */
  readonly queryTimeoutMs?: number;
}

const KEY = 'hashtextextended($1, 0)';
const LOCK_NOT_AVAILABLE = '55P03';
const QUEUE_CHECK_MAX_MS = 50;

/** One dedicated database session holding (at most) one advisory lock. */
class Session {
  alive = true;
  readonly lost = new Set<(reason: LockLostError) => void>();

  constructor(
    readonly client: pg.Client,
    readonly pid: number,
  ) {
    const end = (): void => this.end('its database session ended (connection lost)');
    client.on('error', end);
    client.on('end', end);
  }

  /** Marks the session dead and tells its handles; closing it frees its lock. */
  end(why: string): void {
    if (!this.alive) return;
    this.alive = false;
    const reason = new LockLostError(why);
    for (const notify of [...this.lost]) notify(reason);
    this.client.end().catch(() => {});
  }
}

/** A held grant: one session, its token, its hold count (re-entry). */
interface Held {
  readonly key: string;
  readonly session: Session;
  readonly token: bigint;
  readonly shared: boolean;
  holds: number;
}

class AdvisoryHandle implements LockHandle {
  private readonly controller = new AbortController();
  private released = false;
  private until: number;
  private readonly onLost = (reason: LockLostError): void => this.lose(reason);

  constructor(
    private readonly backend: PostgresAdvisoryLockBackend,
    private readonly held: Held,
    readonly name: string,
    readonly owner: string,
    private readonly ttlMs: number,
    confirmedAt: number,
  ) {
    this.until = validUntilOf(confirmedAt, ttlMs);
    held.session.lost.add(this.onLost);
  }

  get token(): bigint {
    return this.held.token;
  }

  get validUntil(): number {
    return this.until;
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  private lose(reason: LockLostError): void {
    this.held.session.lost.delete(this.onLost);
    if (!this.controller.signal.aborted) this.controller.abort(reason);
  }

  async extend(ttlMs: number = this.ttlMs): Promise<void> {
    validateTtl(ttlMs);
    if (this.released) throw new LockLostError(`lock ${this.name} was released`);
    if (this.controller.signal.aborted) throw this.controller.signal.reason;
    const requestedAt = performance.now();
    try {
      await this.held.session.client.query('SELECT 1');
    } catch (error) {
      const lost = new LockLostError(`lock ${this.name}: its session is gone`, { cause: error });
      this.lose(lost);
      throw lost;
    }
    this.until = validUntilOf(requestedAt, ttlMs);
  }

  async release(): Promise<void> {
    if (this.released) throw new NotOwnerError(`lock ${this.name} was already released`);
    this.released = true;
    this.lose(new LockLostError(`lock ${this.name} was released`));
    if (!this.held.session.alive) {
      this.backend.forget(this.held);
      throw new NotOwnerError(`lock ${this.name}: its session ended, the lock is not ours`);
    }
    await this.backend.releaseHold(this.held, this.name);
  }
}

class AdvisoryLock implements Lock {
  private readonly defaultOwner = randomOwner();

  constructor(
    private readonly backend: PostgresAdvisoryLockBackend,
    readonly spec: ResolvedLockSpec,
  ) {}

  async acquire(options: AcquireOptions): Promise<LockHandle> {
    const o = resolveAcquireOptions(options, this.defaultOwner);
    throwIfAborted(o.signal);
    const requestedAt = performance.now();
    const held = await this.backend.grant(this.spec, o);
    return new AdvisoryHandle(this.backend, held, this.spec.name, o.owner, o.ttlMs, requestedAt);
  }
}

export class PostgresAdvisoryLockBackend implements LockBackend {
  readonly kind = 'postgres-advisory';
  private readonly held = new Map<string, Held>();
  private readonly idle: Session[] = [];
  /** Resolves when the last acquire's request is in the server's queue (waitOnSession). */
  private inLine: Promise<void> = Promise.resolve();
  private closed = false;

  private constructor(
    private readonly config: pg.ClientConfig,
    private readonly control: pg.Pool,
    private readonly nextTokenSql: string,
    private readonly idleMax: number,
  ) {}

  static async connect(options: PostgresAdvisoryLockOptions): Promise<PostgresAdvisoryLockBackend> {
    const queryTimeoutMs = options.queryTimeoutMs ?? 10_000;
    const config = { ...clientConfig(options.connection), connectionTimeoutMillis: queryTimeoutMs };
    const control = new pg.Pool({ ...config, max: 2, query_timeout: queryTimeoutMs });
    control.on('error', () => {});
    try {
      await ensureSchema(control, options.table ?? 'cohort_locks');
    } catch (error) {
      await control.end().catch(() => {});
      throw unavailable('connect', error);
    }
    const sql = lockSql(options.table ?? 'cohort_locks');
    return new PostgresAdvisoryLockBackend(
      config,
      control,
      sql.nextToken,
      options.idleSessions ?? 8,
    );
  }

  lock(spec: LockSpec | string): Lock {
    const resolved = resolveLockSpec(spec);
    if (resolved.limit > 1) {
      throw new InvalidLockArgument(
        'postgres-advisory has no semaphore (limit > 1): use the postgres table backend',
      );
    }
    return new AdvisoryLock(this, resolved);
  }

  private checkOpen(): void {
    if (this.closed) throw new BackendUnavailableError('postgres-advisory backend is closed');
  }

  /** Grants (or re-enters) the lock `spec` for `o.owner`, waiting as `o` says. */
  async grant(spec: ResolvedLockSpec, o: ResolvedAcquireOptions): Promise<Held> {
    this.checkOpen();
    const shared = spec.mode === 'read';
    const key = `${shared ? 'r' : 'x'}\0${o.owner}\0${spec.name}`;
    const reentered = this.held.get(key);
    if (reentered !== undefined) {
      if (reentered.session.alive) {
        reentered.holds += 1;
        return reentered;
      }
      this.forget(reentered);
    }
    // Our place in line, taken before anything else is awaited: see waitOnSession.
    const previous = this.inLine;
    let enqueued = (): void => {};
    this.inLine = new Promise<void>((resolve) => {
      enqueued = resolve;
    });
    let session: Session | undefined;
    try {
      session = await this.session();
      await this.waitOnSession(session, spec.name, shared, o, { previous, enqueued });
    } catch (error) {
      if (session !== undefined) this.retire(session);
      throw error;
    } finally {
      enqueued();
    }
    try {
      const rows = await session.client.query(this.nextTokenSql, [spec.name]);
      const token = BigInt((rows.rows[0] as { token: string }).token);
      const held: Held = { key, session, token, shared, holds: 1 };
      this.held.set(key, held);
      return held;
    } catch (error) {
      this.retire(session); // Closing the session frees the lock.
      throw unavailable('acquire', error);
    }
  }

  /** Blocks on the session until the lock is ours; throws if the wait ends without it. */
  private async waitOnSession(
    session: Session,
    name: string,
    shared: boolean,
    o: ResolvedAcquireOptions,
    line: { readonly previous: Promise<void>; readonly enqueued: () => void },
  ): Promise<void> {
    const fn = shared ? 'pg_advisory_lock_shared' : 'pg_advisory_lock';
    await line.previous;
    if (o.waitMs === 0) {
      const tryFn = shared ? 'pg_try_advisory_lock_shared' : 'pg_try_advisory_lock';
      const r = await this.query(session, `SELECT ${tryFn}(${KEY}) AS ok`, [name]);
      if ((r[0] as { ok: boolean }).ok !== true) throw new NotAcquiredError(`lock ${name} is held`);
      return;
    }
    // lock_timeout bounds the wait on the server; 0 = wait for ever.
    await this.query(session, "SELECT set_config('lock_timeout', $1, false)", [
      `${o.waitMs ?? 0}ms`,
    ]);
    // PostgreSQL queues lock requests FIFO (a shared request waits behind a waiting
    // exclusive one), but each of ours travels on its own connection: the next acquire of
    // this backend sends its request only once ours is in the server's queue (or granted),
    // so requests enter the queue in the order acquire() was called.
    const granted = session.client.query(`SELECT ${fn}(${KEY})`, [name]);
    let settled = false;
    const done = granted.then(
      () => {
        settled = true;
      },
      () => {
        settled = true;
      },
    );
    await Promise.race([done, this.untilQueued(session.pid, () => settled)]);
    line.enqueued();
    const cancel = (): void => {
      this.control.query('SELECT pg_cancel_backend($1)', [session.pid]).catch(() => {});
    };
    o.signal?.addEventListener('abort', cancel, { once: true });
    try {
      await granted;
    } catch (error) {
      if (o.signal?.aborted === true) throw abortReason(o.signal);
      if ((error as { code?: string }).code === LOCK_NOT_AVAILABLE) {
        throw new NotAcquiredError(`lock ${name} still held after ${o.waitMs} ms`);
      }
      throw unavailable('acquire', error);
    } finally {
      o.signal?.removeEventListener('abort', cancel);
    }
    // Granted just as the wait was aborted: the caller is gone, so the session is retired
    // by the caller's catch, which frees the lock.
    throwIfAborted(o.signal);
  }

  /** Resolves once backend `pid` waits for an advisory lock, or `settled()` says its request
   *  finished. Each check is one round trip, a few in all: the request is on its way. */
  private async untilQueued(pid: number, settled: () => boolean): Promise<void> {
    for (let delayMs = 1; !settled(); delayMs = Math.min(delayMs * 2, QUEUE_CHECK_MAX_MS)) {
      try {
        const r = await this.control.query(
          "SELECT 1 FROM pg_locks WHERE pid = $1 AND locktype = 'advisory' AND NOT granted",
          [pid],
        );
        if (r.rows.length > 0) return;
      } catch {
        return; // The wait itself will report the failure.
      }
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }

  private async query(session: Session, text: string, values: unknown[]) {
    try {
      return (await session.client.query(text, values)).rows as Record<string, unknown>[];
    } catch (error) {
      throw unavailable('acquire', error);
    }
  }

  /** An idle session, or a new connection. */
  private async session(): Promise<Session> {
    for (let s = this.idle.pop(); s !== undefined; s = this.idle.pop()) {
      if (s.alive) return s;
    }
    const client = new pg.Client(this.config);
    client.on('error', () => {});
    try {
      await client.connect();
      const rows = await client.query('SELECT pg_backend_pid() AS pid');
      return new Session(client, (rows.rows[0] as { pid: number }).pid);
    } catch (error) {
      await client.end().catch(() => {});
      throw unavailable('connect', error);
    }
  }

  private retire(session: Session, why = 'its session was closed'): void {
    session.end(why);
  }

  forget(held: Held): void {
    if (this.held.get(held.key) === held) this.held.delete(held.key);
  }

  /** Drops one hold; the last one unlocks and parks (or closes) the session. */
  async releaseHold(held: Held, name: string): Promise<void> {
    held.holds -= 1;
    if (held.holds > 0) return;
    this.forget(held);
    const fn = held.shared ? 'pg_advisory_unlock_shared' : 'pg_advisory_unlock';
    let ok: boolean;
    try {
      const r = await held.session.client.query(`SELECT ${fn}(${KEY}) AS ok`, [name]);
      ok = (r.rows[0] as { ok: boolean }).ok === true;
    } catch (error) {
      // The session broke: the server frees the lock with it.
      this.retire(held.session);
      throw new NotOwnerError(`lock ${name}: its session ended before the release (${error})`);
    }
    if (!ok) {
      this.retire(held.session);
      throw new NotOwnerError(`lock ${name} was not held by its session`);
    }
    if (this.closed || this.idle.length >= this.idleMax) this.retire(held.session);
    else this.idle.push(held.session);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.idle.splice(0)) this.retire(s);
    for (const held of this.held.values()) this.retire(held.session, 'the backend was closed');
    this.held.clear();
    await this.control.end().catch(() => {});
  }
}

/** The conformance worker's entry point (test/support/lock-worker.ts): options are JSON. */
export function createLockBackend(
  options: PostgresAdvisoryLockOptions,
): Promise<PostgresAdvisoryLockBackend> {
  return PostgresAdvisoryLockBackend.connect(options);
}
