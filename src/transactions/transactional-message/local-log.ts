// The producer's record of its local transactions (issue 18, the notes' transactional message):
// a row per half message, written by the SAME local PostgreSQL transaction as the business
// change, so that "did the order commit?" — the broker's check-back — has a durable answer in
// the producer's own database, readable by any process of the producer group after the one
// that sent the half died.
//
// The row is also a fence. The producer inserts it FIRST in its local transaction, outcome
// 'commit', which locks the key until the transaction ends. A check-back inserts the same key
// with outcome 'rollback' (ON CONFLICT DO NOTHING) under a lock timeout:
// - the local transaction committed: the check finds the 'commit' row → commit;
// - it is still running: the check waits for it (then as above or below), or answers
//   'unknown' after `lockTimeoutMs` (the broker asks again later);
// - it rolled back, never began, or its process died: the check's 'rollback' row commits →
//   rollback, and a producer that begins its local transaction only now (a slow one, not a
//   dead one) fails on the key and rolls back too. The answer given to the broker can never
//   be contradicted by the producer's database.
//
// Fault model: check requests come from the broker (validated: the id's shape); the database
// may fail or be down (the check throws and the broker asks again).

import type pg from 'pg';
import { validateIdentifier } from '../outbox/validate.js';

export type LocalOutcome = 'commit' | 'rollback';

/** SQLSTATE 23505: unique_violation (the check-back's fence row was there first). */
export const UNIQUE_VIOLATION = '23505';
/** SQLSTATE 55P03: lock_not_available (lock_timeout: the local transaction is running). */
const LOCK_NOT_AVAILABLE = '55P03';
/** Broker transaction ids (src/comm/broker/keys.ts txIdOf), with room to spare. */
const TX_ID_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

export function isTxId(value: unknown): value is string {
  return typeof value === 'string' && TX_ID_PATTERN.test(value);
}

export class LocalTransactionLog {
  readonly table: string;

  constructor(table = 'txmsg_log') {
    this.table = validateIdentifier('table', table);
  }

  /** Creates the table if missing (idempotent). */
  async install(client: pg.ClientBase): Promise<void> {
    await client.query(
      `CREATE TABLE IF NOT EXISTS ${this.table} (
         tx_id text PRIMARY KEY,
         producer_group text NOT NULL,
         outcome text NOT NULL CHECK (outcome IN ('commit', 'rollback')),
         message_key text,
         decided_at timestamptz NOT NULL DEFAULT now())`,
    );
  }

  /**
   * Inside the local transaction, before the business change: records 'commit' (visible only
   * if the transaction commits) and takes the key's lock. Throws with SQLSTATE 23505 when a
   * check-back already decided rollback.
   */
  async claim(
    client: pg.ClientBase,
    txId: string,
    producerGroup: string,
    key: string | null,
  ): Promise<void> {
    await client.query(
      `INSERT INTO ${this.table} (tx_id, producer_group, outcome, message_key)
       VALUES ($1, $2, 'commit', $3)`,
      [txId, producerGroup, key],
    );
  }

  /**
   * The check-back's answer for `txId`, fencing a local transaction that has not begun: see
   * the header. 'unknown' while the local transaction holds the key longer than the timeout.
   */
  async answer(
    client: pg.ClientBase,
    txId: string,
    producerGroup: string,
    lockTimeoutMs: number,
  ): Promise<LocalOutcome | 'unknown'> {
    await client.query('BEGIN');
    try {
      await client.query(`SET LOCAL lock_timeout = ${Math.max(1, Math.floor(lockTimeoutMs))}`);
      await client.query(
        `INSERT INTO ${this.table} (tx_id, producer_group, outcome) VALUES ($1, $2, 'rollback')
         ON CONFLICT (tx_id) DO NOTHING`,
        [txId, producerGroup],
      );
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      if ((error as { code?: unknown }).code === LOCK_NOT_AVAILABLE) return 'unknown';
      throw error;
    }
    // A new statement: READ COMMITTED sees what the conflicting transaction committed.
    const r = await client.query<{ outcome: LocalOutcome }>(
      `SELECT outcome FROM ${this.table} WHERE tx_id = $1`,
      [txId],
    );
    return r.rows[0]?.outcome ?? 'unknown';
  }

  /** The recorded outcome, if any (for audits and tests). */
  async outcome(client: pg.ClientBase, txId: string): Promise<LocalOutcome | undefined> {
    const r = await client.query<{ outcome: LocalOutcome }>(
      `SELECT outcome FROM ${this.table} WHERE tx_id = $1`,
      [txId],
    );
    return r.rows[0]?.outcome;
  }

  /** Deletes rows decided more than `olderThanMs` ago; returns how many. */
  async purge(client: pg.ClientBase, olderThanMs: number): Promise<number> {
    const r = await client.query(
      `DELETE FROM ${this.table}
       WHERE decided_at < now() - make_interval(secs => $1::float8 / 1000)`,
      [olderThanMs],
    );
    return r.rowCount ?? 0;
  }
}
