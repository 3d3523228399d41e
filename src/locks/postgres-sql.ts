// The SQL of the PostgreSQL lock (postgres.ts): the schema, created idempotently, and one
// statement per operation, each a single round trip and atomic on its own.
//
// Schema. `<table>` has one row per held slot of a lock — (name, slot) is the key, slot 0
// for an exclusive lock, 0..limit-1 for a semaphore — with the owner, the grant's fencing
// token, the re-entry hold count and the expiry. `<table>_tokens` keeps one counter per lock
// name that is never deleted: every grant takes counter + 1, so the token grows with every
// grant of a name even though lock rows are deleted on release. The counter row is locked
// by the granting statement until it commits, so grants of one name are numbered in commit
// order (a global sequence would not be: nextval is taken before the conflict is resolved,
// and a lower value can commit after a higher one).
//
// Time. Expiry is judged by the database's clock only (now(): the statement's transaction
// start, never later than the moment the row is written), so clients' clocks never matter
// and a lease ends no earlier than ttl after the client sent its request.
//
// Fault model: every statement may fail (connection lost, server restarting); each is
// atomic, so a failed one changed nothing or everything. A grant whose reply was lost holds
// the lock until its TTL runs out (nobody saw the grant; nobody extends it).

/** A table name we are willing to splice into SQL: a plain lower-case identifier. */
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,40}$/;

export function checkTableName(table: string): string {
  if (!IDENTIFIER.test(table)) {
    throw new TypeError(`table must match ${IDENTIFIER} (it is spliced into SQL), got ${table}`);
  }
  return table;
}

/** The statements for one table name (validated by checkTableName). */
export interface LockSql {
  readonly schema: readonly string[];
  /** $1 name, $2 owner, $3 ttl ms, $4 limit → [{ token, holds, slot }] or no row. */
  readonly acquire: string;
  /** $1 name, $2 limit → [{ live, retry_ms }]: live holders and ms until the first expiry. */
  readonly holders: string;
  /** $1 name, $2 slot, $3 owner, $4 token, $5 ttl ms → [{ ok }] when still ours. */
  readonly extend: string;
  /** $1 name, $2 slot, $3 owner, $4 token → [{ deleted, decremented, expired }]. */
  readonly release: string;
  /** $1 name → [{ token }]: the next token of a name (the advisory mode's fencing). */
  readonly nextToken: string;
  /** The LISTEN/NOTIFY channel; releases notify it with the lock name as the payload. */
  readonly channel: string;
}

export function lockSql(table: string): LockSql {
  const t = checkTableName(table);
  const live = `l.owner = EXCLUDED.owner AND l.expires_at > now()`;
  return {
    channel: t,
    schema: [
      `CREATE TABLE IF NOT EXISTS ${t} (
        name text NOT NULL,
        slot integer NOT NULL CHECK (slot >= 0),
        owner text NOT NULL,
        token bigint NOT NULL,
        holds integer NOT NULL CHECK (holds > 0),
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (name, slot))`,
      `CREATE TABLE IF NOT EXISTS ${t}_tokens (name text PRIMARY KEY, token bigint NOT NULL)`,
    ],
    // The candidate slot: the one this owner holds live (re-entry), else the lowest free or
    // expired one. The counter is bumped only when there is a candidate. A candidate taken
    // by a concurrent grant meanwhile fails the ON CONFLICT's WHERE (it re-reads the newest
    // row): no row comes back and the caller looks again.
    acquire: `
      WITH candidate AS (
        SELECT s.slot FROM generate_series(0, $4::int - 1) AS s(slot)
        LEFT JOIN ${t} l ON l.name = $1 AND l.slot = s.slot
        WHERE l.name IS NULL OR l.expires_at <= now() OR l.owner = $2
        ORDER BY COALESCE(l.owner = $2 AND l.expires_at > now(), false) DESC, s.slot
        LIMIT 1
      ), next AS (
        INSERT INTO ${t}_tokens AS k (name, token) SELECT $1, 1 FROM candidate
        ON CONFLICT (name) DO UPDATE SET token = k.token + 1
        RETURNING token
      )
      INSERT INTO ${t} AS l (name, slot, owner, token, holds, expires_at)
      SELECT $1, candidate.slot, $2, next.token, 1, now() + $3::bigint * interval '1 millisecond'
      FROM candidate, next
      ON CONFLICT (name, slot) DO UPDATE SET
        token = CASE WHEN ${live} THEN l.token ELSE EXCLUDED.token END,
        holds = CASE WHEN ${live} THEN l.holds + 1 ELSE 1 END,
        expires_at = CASE WHEN ${live} THEN GREATEST(l.expires_at, EXCLUDED.expires_at)
                          ELSE EXCLUDED.expires_at END,
        owner = EXCLUDED.owner
      WHERE l.expires_at <= now() OR l.owner = EXCLUDED.owner
      RETURNING l.token::text AS token, l.holds, l.slot`,
    holders: `
      SELECT count(*)::int AS live,
        COALESCE(ceil(extract(epoch FROM min(expires_at) - now()) * 1000), -1)::bigint::text
          AS retry_ms
      FROM ${t} WHERE name = $1 AND slot < $2 AND expires_at > now()`,
    extend: `
      UPDATE ${t} SET expires_at = now() + $5::bigint * interval '1 millisecond'
      WHERE name = $1 AND slot = $2 AND owner = $3 AND token = $4 AND expires_at > now()
      RETURNING true AS ok`,
    // One of `gone` (the last hold) and `less` (a re-entered hold) matches, both from the
    // same snapshot. An expired row of ours is deleted too (it is garbage) but reported as
    // expired: the lease had lapsed, so the caller's critical section was not protected.
    release: `
      WITH gone AS (
        DELETE FROM ${t}
        WHERE name = $1 AND slot = $2 AND owner = $3 AND token = $4 AND holds = 1
        RETURNING expires_at <= now() AS expired, pg_notify('${t}', $1)
      ), less AS (
        UPDATE ${t} SET holds = holds - 1
        WHERE name = $1 AND slot = $2 AND owner = $3 AND token = $4 AND holds > 1
        RETURNING expires_at <= now() AS expired
      )
      SELECT (SELECT count(*) FROM gone)::int AS deleted,
        (SELECT count(*) FROM less)::int AS decremented,
        COALESCE((SELECT expired FROM gone), (SELECT expired FROM less), false) AS expired`,
    nextToken: `
      INSERT INTO ${t}_tokens AS k (name, token) VALUES ($1, 1)
      ON CONFLICT (name) DO UPDATE SET token = k.token + 1
      RETURNING token::text AS token`,
  };
}

/** A fixed key for the transaction-scoped advisory lock that serializes schema creation
 *  (CREATE TABLE IF NOT EXISTS alone races: two creators can both fail on pg_type). */
export const SCHEMA_LOCK_KEY = 0x636f686f; // 'coho'
