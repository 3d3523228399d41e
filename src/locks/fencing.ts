// Fencing on the resource side (issue 17). A lease-based lock cannot stop a holder that was
// paused past its TTL (a GC pause, a stopped VM, a slow disk) from waking up and writing as if
// it still held the lock, after another client was granted it (Kleppmann, "How to do
// distributed locking", 2016). The resource can: every grant carries a fencing token that
// grows with each grant of the lock (LockHandle.token), every write carries its holder's
// token, and the resource refuses a write whose token is older than the newest it has seen.
//
// - Fence: the in-memory check, for a resource that lives in this process. `admit(token)` is
//   the synchronous check-and-record; `run(token, write)` serialises asynchronous writes so
//   no check interleaves with another write (check, then write, one at a time).
// - fencedUpsert: the PostgreSQL example, one conditional statement, so the check and the
//   write are atomic in the database: `INSERT … ON CONFLICT (id) DO UPDATE … WHERE
//   t.token <= EXCLUDED.token` (the issue's `UPDATE … WHERE token < $new`, allowing the same
//   token again: one grant may write more than once; two grants never share a token).
//
// A token equal to the newest is admitted (the same grant writing again). Read locks and
// semaphores grant concurrent holders distinct tokens: fencing one resource with them would
// refuse the older holders, so fence only with exclusive/write locks.
//
// Fault model: tokens arrive from remote writers and may be anything: non-bigint tokens are
// refused with InvalidLockArgument; a stale one with StaleTokenError (code 'lost': the writer
// lost the lock). Memory: one bigint per Fence.

import { InvalidLockArgument, LockLostError } from './errors.js';

/** A write refused because a newer grant's token has been seen. */
export class StaleTokenError extends LockLostError {
  constructor(
    readonly token: bigint,
    readonly newest: bigint,
  ) {
    super(`fencing token ${token} is older than ${newest}: the lock was granted again since`);
  }
}

function checkToken(token: unknown): bigint {
  if (typeof token !== 'bigint' || token < 0n) {
    throw new InvalidLockArgument('a fencing token is a non-negative bigint');
  }
  return token;
}

export class Fence {
  private last: bigint | undefined;
  private tail: Promise<unknown> = Promise.resolve();

  /** The newest token admitted (undefined: none yet). */
  get newest(): bigint | undefined {
    return this.last;
  }

  /** Admits `token` (and remembers it) unless a newer one was admitted: StaleTokenError. */
  admit(token: bigint): void {
    const t = checkToken(token);
    if (this.last !== undefined && t < this.last) throw new StaleTokenError(t, this.last);
    this.last = t;
  }

  /** Runs `write` if `token` is admitted, after every earlier run() has finished. */
  run<T>(token: bigint, write: () => Promise<T>): Promise<T> {
    const result = this.tail.then(() => {
      this.admit(token);
      return write();
    });
    this.tail = result.catch(() => {});
    return result;
  }
}

// ---- the PostgreSQL example ----------------------------------------------------------------

/** What fencedUpsert needs of a pg Client or Pool. */
export interface Queryable {
  query(
    text: string,
    values?: unknown[],
  ): Promise<{ rowCount: number | null; rows: Record<string, unknown>[] }>;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

function tableName(table: string): string {
  // Interpolated into SQL: only a plain lower-case identifier (no quoting games).
  if (!IDENTIFIER.test(table)) throw new InvalidLockArgument(`bad table name ${table}`);
  return table;
}

/** Creates the example's table: one row per resource, with the newest token written. */
export async function createFencedTable(db: Queryable, table = 'fenced_resource'): Promise<void> {
  const t = tableName(table);
  await db.query(
    `CREATE TABLE IF NOT EXISTS ${t} (id text PRIMARY KEY, value text NOT NULL, token bigint NOT NULL)`,
  );
}

/**
 * Writes `value` to resource `id` unless a write with a newer token got there first (then
 * StaleTokenError, with the newest token). One statement: the database checks and writes
 * atomically, whatever else writes concurrently.
 */
export async function fencedUpsert(
  db: Queryable,
  write: { readonly id: string; readonly value: string; readonly token: bigint },
  table = 'fenced_resource',
): Promise<void> {
  const t = tableName(table);
  const token = checkToken(write.token);
  const applied = await db.query(
    `INSERT INTO ${t} AS r (id, value, token) VALUES ($1, $2, $3)
     ON CONFLICT (id) DO UPDATE SET value = EXCLUDED.value, token = EXCLUDED.token
     WHERE r.token <= EXCLUDED.token`,
    [write.id, write.value, token.toString()],
  );
  if (applied.rowCount === 1) return;
  const current = await db.query(`SELECT token FROM ${t} WHERE id = $1`, [write.id]);
  throw new StaleTokenError(token, BigInt(String(current.rows[0]?.token ?? token)));
}
