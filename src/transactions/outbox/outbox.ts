// The outbox (the notes' "local message table", issue 18): a message is a row written by the
// SAME local PostgreSQL transaction as the business change it announces, so both commit or
// neither does — the message cannot be lost after a commit (it is in the database) nor sent
// for a rollback (the row never becomes visible). A relay (relay.ts) publishes committed rows
// later. The row is also the transactional-message pattern's "half message" for a broker that
// has none (RabbitMQ): it exists, invisible to consumers, until the local transaction commits,
// and the broker's check-back question "did the producer commit?" is answered by construction:
// the relay only ever sees committed rows.
//
// The same transaction NOTIFYs the relays' channel; PostgreSQL delivers a notification only
// when its transaction commits, so relays wake for committed rows and never for rolled back
// ones. The notification carries the row itself when it fits (notify-payload.ts), so the
// fast-path relay can publish it without reading it back.
//
// Fault model: the caller's arguments are validated (validate.ts) before any SQL runs; a
// database failure inside `transaction` rolls everything back (PgParticipant.local).

import type pg from 'pg';
import type { PgParticipant } from '../pg-participant.js';
import { notifyBody } from './notify-payload.js';
import {
  DEFAULT_MAX_PAYLOAD_BYTES,
  type Headers,
  validateIdentifier,
  validateMessage,
  validatePositive,
} from './validate.js';

export interface OutboxOptions {
  /** The outbox table. Default 'outbox'. */
  readonly table?: string;
  /** Payloads over this many bytes are refused (PayloadTooLargeError). Default 256 KiB. */
  readonly maxPayloadBytes?: number;
}

export interface OutboxMessage {
  /** The business entity the message is about (an order id); consumers may key on it. */
  readonly aggregate: string;
  /** The routing key the relay publishes with (e.g. 'order.created'). */
  readonly topic: string;
  readonly payload: string | Uint8Array;
  readonly headers?: Headers;
}

export interface Enqueued {
  /** The row's id (its place in the outbox). */
  readonly id: string;
  /** The message's id on the wire (the consumers' deduplication key): stable across retries. */
  readonly messageId: string;
}

/** A business transaction with its outbox: `send` writes a message row in the same transaction. */
export interface OutboxTransaction {
  readonly client: pg.PoolClient;
  send(message: OutboxMessage): Promise<Enqueued>;
}

export class Outbox {
  readonly table: string;
  /** The NOTIFY channel relays LISTEN on. */
  readonly channel: string;
  readonly maxPayloadBytes: number;

  constructor(options: OutboxOptions = {}) {
    this.table = validateIdentifier('table', options.table ?? 'outbox');
    this.channel = `${this.table}_wakeup`;
    this.maxPayloadBytes = validatePositive(
      'maxPayloadBytes',
      options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES,
    );
  }

  /** Creates the outbox table and its index if missing (idempotent). */
  async install(client: pg.ClientBase): Promise<void> {
    const t = this.table;
    // Rows stay after they are sent (sent_at set) for audit; purgeSent() removes old ones.
    // next_attempt_at spaces out retries of a refused row; dead_at parks a row that can never
    // be published (written around the writer), with last_error saying why.
    await client.query(`
      CREATE TABLE IF NOT EXISTS ${t} (
        id bigserial PRIMARY KEY,
        message_id uuid NOT NULL UNIQUE DEFAULT gen_random_uuid(),
        aggregate text NOT NULL,
        topic text NOT NULL,
        payload bytea NOT NULL,
        headers jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now(),
        sent_at timestamptz,
        attempts integer NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        last_error text,
        dead_at timestamptz
      );
      CREATE INDEX IF NOT EXISTS ${t}_pending ON ${t} (id)
        WHERE sent_at IS NULL AND dead_at IS NULL;`);
  }

  /**
   * Writes `message` as an outbox row on `client`, which must be inside the caller's
   * transaction (BEGIN … COMMIT) for the row to be atomic with the business change; prefer
   * `transaction`, which guarantees it.
   */
  async enqueue(client: pg.ClientBase, message: OutboxMessage): Promise<Enqueued> {
    const { payload, headers } = validateMessage(message, this.maxPayloadBytes);
    const body = notifyBody(this.table, { ...message, payload, headers });
    // The row in the payload ($7), or the bare table name (a plain wake-up) when too large.
    const r = await client.query<{ id: string; message_id: string }>(
      `WITH row AS (
         INSERT INTO ${this.table} (aggregate, topic, payload, headers)
         VALUES ($1, $2, $3, $4) RETURNING id, message_id)
       SELECT row.id, row.message_id,
         pg_notify($5, CASE WHEN $7::text = '' THEN $6::text
                       ELSE $6 || '|' || row.id || '|' || row.message_id || '|' || $7 END)
       FROM row`,
      [message.aggregate, message.topic, payload, headers, this.channel, this.table, body],
    );
    const row = r.rows[0];
    if (row === undefined) throw new Error('INSERT … RETURNING returned no row'); // Our bug.
    return { id: String(row.id), messageId: row.message_id };
  }

  /**
   * Runs `body` in one local transaction on `db` with an outbox: every `send` is a row in that
   * transaction. Committed if `body` returns (then, and only then, relays are notified);
   * rolled back with every message if it throws.
   */
  transaction<T>(
    db: PgParticipant,
    txnId: string,
    body: (tx: OutboxTransaction) => Promise<T>,
  ): Promise<T> {
    return db.local(txnId, (client) =>
      body({ client, send: (message) => this.enqueue(client, message) }),
    );
  }

  /** Unsent rows (committed, not yet confirmed by the broker), parked rows excluded. */
  async pending(client: pg.ClientBase): Promise<number> {
    const r = await client.query<{ n: string }>(
      `SELECT count(*) AS n FROM ${this.table} WHERE sent_at IS NULL AND dead_at IS NULL`,
    );
    return Number(r.rows[0]?.n ?? 0);
  }

  /** Rows parked as unpublishable, with why (for an operator). */
  async parked(client: pg.ClientBase): Promise<{ id: string; lastError: string }[]> {
    const r = await client.query<{ id: string; last_error: string | null }>(
      `SELECT id, last_error FROM ${this.table} WHERE dead_at IS NOT NULL ORDER BY id`,
    );
    return r.rows.map((row) => ({ id: String(row.id), lastError: row.last_error ?? '' }));
  }

  /** Deletes rows sent more than `olderThanMs` ago; returns how many. */
  async purgeSent(client: pg.ClientBase, olderThanMs: number): Promise<number> {
    const r = await client.query(
      `DELETE FROM ${this.table}
       WHERE sent_at IS NOT NULL AND sent_at < now() - make_interval(secs => $1::float8 / 1000)`,
      [olderThanMs],
    );
    return r.rowCount ?? 0;
  }
}
