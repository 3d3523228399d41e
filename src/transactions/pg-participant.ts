// One PostgreSQL database as a participant of a coordinator (XA's resource manager): a pg
// pool whose every statement has a time limit on both sides — `statement_timeout` on the
// server and pg's client-side `query_timeout`, so a participant that hangs (or a network
// that swallows its replies) turns into ParticipantTimeoutError rather than a stuck
// transaction — and whose failures become typed errors naming the transaction.
//
// Fault model: the server may refuse a statement, be down, die under a connection we hold, hang,
// or answer bytes that are not PostgreSQL's protocol (pg reports them as errors). A connection that failed or timed out is
// in an unknown state and is destroyed, never returned to the pool; PostgreSQL then rolls
// back whatever unprepared transaction it held.

import pg from 'pg';
import { ParticipantError, ParticipantTimeoutError } from './errors.js';

export type PgConnection = pg.ClientConfig | string;

export interface PgParticipantOptions {
  /** A statement (or a connect) not answered within this long fails. Default 10 s. */
  readonly timeoutMs?: number;
  /** Pool size. Default 10. */
  readonly poolSize?: number;
  /**
   * pg's pipeline mode on every connection: statements issued without awaiting the previous
   * one go out at once (XA's branch sends BEGIN with its first statement). Default off.
   */
  readonly pipeline?: boolean;
}

/** Connections that carry our 'error' listener (one each, however often checked out). */
const guarded = new WeakSet<pg.PoolClient>();

/** SQLSTATE 57014: canceled by statement_timeout. */
const QUERY_CANCELED = '57014';

export class PgParticipant {
  readonly pool: pg.Pool;
  readonly timeoutMs: number;

  constructor(
    readonly name: string,
    connection: PgConnection,
    options: PgParticipantOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 10_000;
    const base = typeof connection === 'string' ? { connectionString: connection } : connection;
    this.pool = new pg.Pool({
      ...base,
      max: options.poolSize ?? 10,
      ...(options.pipeline === true && { pipeline: true }),
      statement_timeout: this.timeoutMs,
      query_timeout: this.timeoutMs,
      connectionTimeoutMillis: this.timeoutMs,
    });
    // An idle pooled connection that dies is dropped by the pool; its error is not ours.
    this.pool.on('error', () => {});
  }

  /** A connection of our own (a session for one transaction). */
  async connect(txnId: string): Promise<pg.PoolClient> {
    let client: pg.PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw this.failure(txnId, 'connect', error);
    }
    // A checked-out connection has no pool listener: a server that dies while we hold it
    // (a prepared branch waiting for phase 2) would emit an unhandled 'error' and kill the
    // process. Swallowed here; the next statement on it fails, typed.
    if (!guarded.has(client)) {
      guarded.add(client);
      client.on('error', () => {});
    }
    return client;
  }

  /** Runs `sql` on `client`; a failure destroys the connection and rejects typed. */
  async run(
    txnId: string,
    client: pg.PoolClient,
    sql: string,
    params: readonly unknown[] = [],
  ): Promise<pg.QueryResult> {
    try {
      return await client.query(sql, params as unknown[]);
    } catch (error) {
      throw this.failure(txnId, sql, error);
    }
  }

  /** Runs one statement on a pooled connection of its own. */
  async once(txnId: string, sql: string, params: readonly unknown[] = []): Promise<pg.QueryResult> {
    const client = await this.connect(txnId);
    try {
      const result = await this.run(txnId, client, sql, params);
      client.release();
      return result;
    } catch (error) {
      release(client, error);
      throw error;
    }
  }

  /**
   * Runs `body` in one local transaction on a connection of its own: committed if it
   * returns, rolled back if it throws (or the connection dropped, which rolls back too).
   */
  async local<T>(txnId: string, body: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.connect(txnId);
    try {
      await this.run(txnId, client, 'BEGIN');
      const value = await body(client);
      await this.run(txnId, client, 'COMMIT');
      client.release();
      return value;
    } catch (error) {
      try {
        await this.run(txnId, client, 'ROLLBACK');
        client.release();
      } catch (rollbackError) {
        release(client, rollbackError);
      }
      throw error;
    }
  }

  /** The typed error for `error`, raised by `what` (a statement or 'connect'). */
  failure(txnId: string, what: string, error: unknown): ParticipantError | ParticipantTimeoutError {
    if (error instanceof ParticipantError || error instanceof ParticipantTimeoutError) return error;
    const code = (error as { code?: unknown }).code;
    const message = error instanceof Error ? error.message : String(error);
    // pg's client-side limits say "timeout" (query read timeout, connection timeout).
    if (code === QUERY_CANCELED || (code === undefined && /timeout/i.test(message)))
      return new ParticipantTimeoutError(txnId, this.name, this.timeoutMs, { cause: error });
    const statement = what.length > 60 ? `${what.slice(0, 60)}…` : what;
    return new ParticipantError(txnId, this.name, `${statement}: ${message}`, { cause: error });
  }

  close(): Promise<void> {
    return this.pool.end();
  }
}

/** Returns `client` to its pool, or destroys it when `error` left it in an unknown state. */
export function release(client: pg.PoolClient, error?: unknown): void {
  try {
    client.release(error === undefined ? undefined : error instanceof Error ? error : true);
  } catch {
    // Released twice (a failure path raced a normal one): nothing more to do.
  }
}
