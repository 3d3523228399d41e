// The PostgreSQL lock (issue 17): the seed notes' database lock, done right. A row per held
// lock slot with owner, fencing token, hold count and expiry (postgres-sql.ts); acquire is
// one call — insert, or take over an expired row, or re-enter our own — that returns the
// token, or queues us; release and extend touch only our own row (name, slot, owner and
// token must all match); expiry is judged by the database's clock alone. A release hands
// the slot to the first queued waiter in its own transaction and NOTIFYs only that one,
// which then holds it (FIFO hand-off, no herd); waiters LISTEN (postgres-listen.ts) and
// otherwise sleep until the holder's lease ends or their queue entry needs refreshing: no
// polling loop. `limit` > 1 makes a semaphore (slots 0..limit-1; every user of a name
// must pass the same limit). Read/write locks are not offered here: readers would need a row
// each and a writer a way to hold all of them off — postgres-advisory.ts has them natively
// (pg_advisory_lock_shared).
//
// Fault model: the server may be unreachable, restarted or slow. A statement that fails
// rejects with BackendUnavailableError (its cause: pg's error); a waiter keeps trying with a
// capped back-off until its wait ends (then it fails with that error, since nobody knows
// whether the lock was free). Held locks survive a server restart (they are rows), and the
// pool and the LISTEN connection reconnect. A grant whose reply was lost is held by nobody
// who knows it until its TTL ends. Queries have a client-side timeout so that a hung server
// turns into an error rather than a hang. The database must keep synchronous_commit on
// (the default): with it off a crashed server forgets acknowledged grants and counters, and a
// token could be handed out twice.

import pg from 'pg';
import {
  abortReason,
  BackendUnavailableError,
  InvalidLockArgument,
  NotAcquiredError,
  throwIfAborted,
} from './errors.js';
import { type GrantOps, LeaseHandle } from './lease-handle.js';
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
} from './lock.js';
import { PostgresNotifications } from './postgres-listen.js';
import { type LockSql, lockSql, parseHandOff, SCHEMA_LOCK_KEY } from './postgres-sql.js';
import { Wakeup } from './wakeup.js';

export interface PostgresLockOptions {
  /** Where the database is: pg's client config or a postgres:// URL. */
  readonly connection: pg.ClientConfig | string;
  /** The lock table (a plain identifier; `<table>_tokens` beside it). Default cohort_locks. */
  readonly table?: string;
  /** Pool size for the lock statements (the LISTEN connection is one more). Default 10. */
  readonly poolSize?: number;
  /** A statement not answered within this long fails (BackendUnavailableError). 10 s. */
  readonly queryTimeoutMs?: number;
}

const BACKOFF_MIN_MS = 50;
const BACKOFF_MAX_MS = 1_000;
/** A waiter attempts again at least this often, which keeps its queue entry alive… */
const REFRESH_MS = 1_000;
/** …for this long past each attempt: only a waiter that stopped is skipped. */
const QUEUE_ENTRY_MS = 3 * REFRESH_MS;

export function clientConfig(connection: pg.ClientConfig | string): pg.ClientConfig {
  return typeof connection === 'string' ? { connectionString: connection } : { ...connection };
}

export function unavailable(what: string, error: unknown): BackendUnavailableError {
  if (error instanceof BackendUnavailableError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new BackendUnavailableError(`postgres ${what}: ${message}`, { cause: error });
}

/** Creates the lock tables if missing; safe to run concurrently and repeatedly. */
export async function ensureSchema(pool: pg.Pool, table = 'cohort_locks'): Promise<void> {
  const sql = lockSql(table);
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK_KEY]);
    for (const statement of sql.schema) await client.query(statement);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

interface ReleaseRow {
  readonly deleted: number;
  readonly decremented: number;
  readonly expired: boolean;
}

interface AcquireRow {
  readonly token: string | null;
  readonly handed_off: boolean;
  readonly slot: number | null;
  readonly seq: string | null;
  readonly retry_ms: string | null;
}

/** Still held: our place in the queue and when the holder's lease ends (−1: unknown). */
interface Queued {
  readonly seq: string | null;
  readonly retryInMs: number;
}

/** One grant as the database returned it. */
interface Grant {
  readonly token: bigint;
  readonly slot: number;
  readonly requestedAt: number;
  /** Handed to our queue entry by a release before this attempt found it. */
  readonly handedOff?: true;
}

class PostgresLock implements Lock {
  private readonly defaultOwner = randomOwner();

  constructor(
    private readonly backend: PostgresLockBackend,
    readonly spec: ResolvedLockSpec,
  ) {}

  /**
   * One attempt: a grant, or our queue entry (`seq`: null when we did not queue) and how
   * long until a holder's lease ends (−1: unknown).
   */
  private async attempt(
    o: ResolvedAcquireOptions,
    seq: string | null,
    queueMs: number,
  ): Promise<Grant | Queued> {
    const { name, limit } = this.spec;
    const requestedAt = performance.now();
    const rows = await this.backend.run('acquire', (sql) => sql.acquire, [
      ...[name, o.owner, o.ttlMs, limit, seq, queueMs],
    ]);
    const row = rows[0] as AcquireRow | undefined;
    if (row === undefined) throw unavailable('acquire', new Error('no row from the function'));
    if (row.token !== null && row.slot !== null) {
      const grant = { token: BigInt(row.token), slot: row.slot, requestedAt };
      return row.handed_off ? { ...grant, handedOff: true } : grant;
    }
    return { seq: row.seq, retryInMs: Number(row.retry_ms ?? -1) };
  }

  async acquire(options: AcquireOptions): Promise<LockHandle> {
    const o = resolveAcquireOptions(options, this.defaultOwner);
    throwIfAborted(o.signal);
    const grant = await this.waitForGrant(o);
    return new LeaseHandle(
      {
        name: this.spec.name,
        owner: o.owner,
        token: grant.token,
        requestedAt: grant.requestedAt,
        ttlMs: o.ttlMs,
      },
      this.grantOps(o.owner, grant),
    );
  }

  /** extend and release of one grant: only our own row (name, slot, owner and token). */
  private grantOps(owner: string, grant: Grant): GrantOps {
    const key = [this.spec.name, grant.slot, owner, grant.token.toString()];
    return {
      extend: async (ttlMs) => {
        const rows = await this.backend.run('extend', (sql) => sql.extend, [...key, ttlMs]);
        return rows.length > 0;
      },
      release: async () => {
        const rows = await this.backend.run('release', (sql) => sql.release, key);
        const row = rows[0] as ReleaseRow | undefined;
        // Our own expired row is deleted too (garbage), but the lease had lapsed: not ours.
        return row !== undefined && (row.deleted > 0 || row.decremented > 0) && !row.expired;
      },
    };
  }

  private async waitForGrant(o: ResolvedAcquireOptions): Promise<Grant> {
    const { name } = this.spec;
    if (o.waitMs === 0) {
      const outcome = await this.attempt(o, null, 0);
      if (!('token' in outcome)) throw new NotAcquiredError(`lock ${name} is held`);
      return outcome;
    }
    const deadline =
      o.waitMs === undefined ? Number.POSITIVE_INFINITY : performance.now() + o.waitMs;
    const wakeup = new Wakeup();
    let seq: string | null = null;
    let sentAt = performance.now();
    let handed: Grant | undefined;
    // Subscribed BEFORE the first attempt: a hand-off right after it still reaches us. A
    // hand-off's lease started after our last attempt that found the lock held was sent.
    const unsubscribe = this.backend.notifications.subscribe(name, (payload) => {
      const h = parseHandOff(payload);
      if (h !== undefined && seq !== null && h.seq === seq) {
        handed = { token: h.token, slot: h.slot, requestedAt: sentAt };
      }
      if (payload === '' || handed !== undefined) wakeup.fire();
    });
    let granted = false;
    let failures = 0;
    try {
      for (;;) {
        wakeup.fired = false;
        this.backend.checkOpen();
        let outcome: Grant | Queued | BackendUnavailableError;
        if (handed !== undefined) outcome = handed;
        else {
          const at = performance.now();
          try {
            outcome = await this.attempt(o, seq, QUEUE_ENTRY_MS);
            if (!('token' in outcome)) {
              seq = outcome.seq;
              sentAt = at;
            }
          } catch (error) {
            if (!(error instanceof BackendUnavailableError)) throw error;
            outcome = error;
          }
        }
        if (handed !== undefined && !('token' in outcome)) outcome = handed;
        // A hand-off's lease began after our last attempt that found the lock held was sent.
        if ('token' in outcome && outcome.handedOff === true) {
          outcome = { token: outcome.token, slot: outcome.slot, requestedAt: sentAt };
        }
        if ('token' in outcome) {
          if (o.signal?.aborted === true) {
            await this.undo(o.owner, outcome);
            throw abortReason(o.signal);
          }
          granted = true;
          return outcome;
        }
        const left = deadline - performance.now();
        if (left <= 0) {
          if (outcome instanceof BackendUnavailableError) throw outcome;
          throw new NotAcquiredError(`lock ${name} still held after ${o.waitMs} ms`);
        }
        throwIfAborted(o.signal);
        if (wakeup.fired) continue;
        let delay: number;
        if (outcome instanceof BackendUnavailableError) {
          delay = Math.min(BACKOFF_MAX_MS, BACKOFF_MIN_MS * 2 ** failures);
          failures = Math.min(failures + 1, 10);
        } else {
          failures = 0;
          // At the holder's expiry (nobody is told of one), and often enough to stay queued.
          delay = outcome.retryInMs < 0 ? REFRESH_MS : Math.min(REFRESH_MS, outcome.retryInMs + 1);
        }
        await wakeup.sleep(Math.min(left, delay), o.signal);
        throwIfAborted(o.signal);
      }
    } finally {
      unsubscribe();
      if (!granted && seq !== null) await this.leave(o.owner, seq);
    }
  }

  /** Leaves the queue; a grant handed to us meanwhile passes on. Best effort: an entry left
   *  behind is skipped once it stops being refreshed. */
  private async leave(owner: string, seq: string): Promise<void> {
    await this.backend
      .run('leave', (sql) => sql.leave, [this.spec.name, seq, owner])
      .catch(() => {});
  }

  /** Gives back a grant that arrived after the wait was aborted. */
  private async undo(owner: string, grant: Grant): Promise<void> {
    await this.grantOps(owner, grant)
      .release()
      .catch(() => {});
  }
}

export class PostgresLockBackend implements LockBackend {
  readonly kind = 'postgres';
  private closed = false;

  private constructor(
    private readonly pool: pg.Pool,
    private readonly sql: LockSql,
    readonly notifications: PostgresNotifications,
  ) {}

  /** Connects, creates the schema if missing and starts listening. */
  static async connect(options: PostgresLockOptions): Promise<PostgresLockBackend> {
    const sql = lockSql(options.table ?? 'cohort_locks');
    const config = clientConfig(options.connection);
    const queryTimeoutMs = options.queryTimeoutMs ?? 10_000;
    const pool = new pg.Pool({
      ...config,
      max: options.poolSize ?? 10,
      query_timeout: queryTimeoutMs,
      connectionTimeoutMillis: queryTimeoutMs,
    });
    // An idle client's connection dropping (a server restart) must not crash the process;
    // the pool discards it and the next query connects afresh.
    pool.on('error', () => {});
    const notifications = new PostgresNotifications(
      { ...config, connectionTimeoutMillis: queryTimeoutMs },
      sql.channel,
      (payload) => parseHandOff(payload)?.name,
    );
    try {
      await ensureSchema(pool, options.table ?? 'cohort_locks');
      await notifications.start();
    } catch (error) {
      await notifications.close();
      await pool.end().catch(() => {});
      throw unavailable('connect', error);
    }
    return new PostgresLockBackend(pool, sql, notifications);
  }

  lock(spec: LockSpec | string): Lock {
    const resolved = resolveLockSpec(spec);
    if (resolved.mode !== 'exclusive') {
      throw new InvalidLockArgument(
        'the postgres backend has no read/write locks (use postgres-advisory for those)',
      );
    }
    return new PostgresLock(this, resolved);
  }

  checkOpen(): void {
    if (this.closed) throw new BackendUnavailableError('postgres lock backend is closed');
  }

  /** Runs one of the lock statements; any failure is BackendUnavailableError. */
  async run(
    what: string,
    statement: (sql: LockSql) => string,
    values: readonly unknown[],
  ): Promise<Record<string, unknown>[]> {
    this.checkOpen();
    try {
      const result = await this.pool.query(statement(this.sql), [...values]);
      return result.rows as Record<string, unknown>[];
    } catch (error) {
      throw unavailable(what, error);
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.notifications.close();
    await this.pool.end().catch(() => {});
  }
}

/** The conformance worker's entry point (test/support/lock-worker.ts): options are JSON. */
export function createLockBackend(options: PostgresLockOptions): Promise<PostgresLockBackend> {
  return PostgresLockBackend.connect(options);
}
