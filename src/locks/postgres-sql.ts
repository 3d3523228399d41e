// The SQL of the PostgreSQL lock (postgres.ts): the schema, created idempotently, and one
// round trip per operation — a statement, or a PL/pgSQL function where an operation needs
// several steps in one transaction (acquire, release and leave).
//
// Schema. `<table>` has one row per held slot of a lock — (name, slot) is the key, slot 0
// for an exclusive lock, 0..limit-1 for a semaphore — with the owner, the grant's fencing
// token, the re-entry hold count, the expiry and, for a hand-off, the queue entry it went
// to. `<table>_tokens` keeps one counter per lock name that is never deleted: every grant
// takes counter + 1, so the token grows with every grant of a name even though lock rows are
// deleted on release. The counter row is locked by the granting transaction until it
// commits, so grants of one name are numbered in commit order (a global sequence would not
// be: nextval is taken before the conflict is resolved, and a lower value can commit after a
// higher one). `<table>_queue` holds the waiters in arrival order (FIFO hand-off, as
// ZooKeeper's and etcd's queues do it): a release hands the freed slot to the first live
// entry in its own transaction and NOTIFYs only that waiter; an entry lives `queue ms` past
// the waiter's last attempt, so a waiter that died is skipped once that passes.
//
// Time. Expiry is judged by the database's clock only (now(): the statement's transaction
// start, never later than the moment the row is written), so clients' clocks never matter
// and a lease ends no earlier than ttl after the client sent its request.
//
// Fault model: every call may fail (connection lost, server restarting); each is one
// transaction, so a failed one changed nothing or everything. A grant whose reply was lost
// — or a hand-off to a waiter that died — holds the lock until its TTL runs out (nobody saw
// the grant; nobody extends it).

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
  /**
   * $1 name, $2 owner, $3 ttl ms, $4 limit, $5 our queue seq (null: not queued yet), $6 ms
   * our queue entry lives (0: do not queue) → one row: a grant { token, holds, slot,
   * handed_off } or, when held, { seq, retry_ms } (our place, and ms until a holder's lease
   * ends: −1 unknown).
   */
  readonly acquire: string;
  /** $1 name, $2 slot, $3 owner, $4 token, $5 ms → [{ ok }] when still ours. */
  readonly extend: string;
  /** $1 name, $2 slot, $3 owner, $4 token → [{ deleted, decremented, expired }]. */
  readonly release: string;
  /** $1 name, $2 our queue seq, $3 owner: leave the queue (a grant handed to us passes on). */
  readonly leave: string;
  /** $1 name → [{ token }]: the next token of a name (the advisory mode's fencing). */
  readonly nextToken: string;
  /** The LISTEN/NOTIFY channel: a hand-off notifies it with `seq|token|slot|name`. */
  readonly channel: string;
}

/** A hand-off's notification: the queue seq it went to, its token and slot, and the name. */
export interface HandOff {
  readonly seq: string;
  readonly token: bigint;
  readonly slot: number;
  readonly name: string;
}

export function parseHandOff(payload: string): HandOff | undefined {
  const m = /^(\d+)\|(\d+)\|(\d+)\|([\s\S]*)$/.exec(payload);
  if (m === null) return undefined;
  return {
    seq: m[1] as string,
    token: BigInt(m[2] as string),
    slot: Number(m[3]),
    name: m[4] as string,
  };
}

export function lockSql(table: string): LockSql {
  const t = checkTableName(table);
  const live = `l.owner = EXCLUDED.owner AND l.expires_at > now()`;
  const ms = `* interval '1 millisecond'`;
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
      // The queue seq a released slot was handed to (null: taken by an attempt).
      `ALTER TABLE ${t} ADD COLUMN IF NOT EXISTS granted_to bigint`,
      `CREATE TABLE IF NOT EXISTS ${t}_tokens (name text PRIMARY KEY, token bigint NOT NULL)`,
      `CREATE TABLE IF NOT EXISTS ${t}_queue (
        name text NOT NULL,
        seq bigint GENERATED ALWAYS AS IDENTITY,
        owner text NOT NULL,
        ttl_ms bigint NOT NULL,
        live_until timestamptz NOT NULL,
        PRIMARY KEY (name, seq))`,
      acquireFunction(t, live, ms),
      releaseFunction(t, ms),
      `CREATE OR REPLACE FUNCTION ${t}_leave(p_name text, p_seq bigint, p_owner text)
      RETURNS void LANGUAGE plpgsql AS $$
      DECLARE r record;
      BEGIN
        DELETE FROM ${t}_queue q WHERE q.name = p_name AND q.seq = p_seq;
        SELECT l.slot, l.token INTO r FROM ${t} l
          WHERE l.name = p_name AND l.granted_to = p_seq AND l.owner = p_owner;
        IF FOUND THEN PERFORM ${t}_release(p_name, r.slot, p_owner, r.token); END IF;
      END $$`,
    ],
    acquire: `SELECT token::text AS token, holds, slot, handed_off, seq::text AS seq,
      retry_ms::text AS retry_ms FROM ${t}_acquire($1, $2, $3, $4, $5, $6)`,
    extend: `
      UPDATE ${t} SET expires_at = now() + $5::bigint ${ms}
      WHERE name = $1 AND slot = $2 AND owner = $3 AND token = $4 AND expires_at > now()
      RETURNING true AS ok`,
    release: `SELECT deleted, decremented, expired FROM ${t}_release($1, $2, $3, $4)`,
    leave: `SELECT ${t}_leave($1, $2, $3)`,
    nextToken: `
      INSERT INTO ${t}_tokens AS k (name, token) VALUES ($1, 1)
      ON CONFLICT (name) DO UPDATE SET token = k.token + 1
      RETURNING token::text AS token`,
  };
}

/**
 * Acquire, in one call (a function, so that it is one round trip and one transaction):
 * 1. a slot already handed to our queue entry by a release is ours (handed_off);
 * 2. unless live waiters queued before us would be overtaken, the one-statement grant: the
 *    candidate slot is the one this owner holds live (re-entry), else the lowest free or
 *    expired one; the token counter is bumped only when there is a candidate, and a
 *    candidate taken by a concurrent grant meanwhile fails the ON CONFLICT's WHERE (it
 *    re-reads the newest row);
 * 3. otherwise we queue (or refresh our entry's life) and learn when a holder's lease ends.
 * The fairness check reads the queue without locking it, so a newcomer may rarely slip in
 * ahead of a waiter; mutual exclusion rests on the primary key and the ON CONFLICT alone.
 */
function acquireFunction(t: string, live: string, ms: string): string {
  return `CREATE OR REPLACE FUNCTION ${t}_acquire(p_name text, p_owner text, p_ttl bigint,
    p_limit int, p_seq bigint, p_queue_ms bigint)
  RETURNS TABLE (token bigint, holds int, slot int, handed_off boolean, seq bigint,
    retry_ms bigint) LANGUAGE plpgsql AS $$
  #variable_conflict use_column
  DECLARE
    r record;
    ahead int;
    held int;
  BEGIN
    IF p_seq IS NOT NULL THEN
      SELECT l.token, l.holds, l.slot INTO r FROM ${t} l
        WHERE l.name = p_name AND l.granted_to = p_seq AND l.owner = p_owner
          AND l.expires_at > now();
      IF FOUND THEN
        RETURN QUERY SELECT r.token, r.holds, r.slot, true, NULL::bigint, NULL::bigint;
        RETURN;
      END IF;
    END IF;
    SELECT count(*) INTO ahead FROM ${t}_queue q
      WHERE q.name = p_name AND q.live_until > now() AND (p_seq IS NULL OR q.seq < p_seq);
    SELECT count(*) INTO held FROM ${t} l
      WHERE l.name = p_name AND l.slot < p_limit AND l.expires_at > now();
    IF ahead < p_limit - held OR EXISTS (SELECT 1 FROM ${t} l
        WHERE l.name = p_name AND l.owner = p_owner AND l.expires_at > now()) THEN
      WITH candidate AS (
        SELECT s.slot FROM generate_series(0, p_limit - 1) AS s(slot)
        LEFT JOIN ${t} l ON l.name = p_name AND l.slot = s.slot
        WHERE l.name IS NULL OR l.expires_at <= now() OR l.owner = p_owner
        ORDER BY COALESCE(l.owner = p_owner AND l.expires_at > now(), false) DESC, s.slot
        LIMIT 1
      ), next AS (
        INSERT INTO ${t}_tokens AS k (name, token) SELECT p_name, 1 FROM candidate
        ON CONFLICT (name) DO UPDATE SET token = k.token + 1
        RETURNING k.token
      )
      INSERT INTO ${t} AS l (name, slot, owner, token, holds, expires_at, granted_to)
      SELECT p_name, candidate.slot, p_owner, next.token, 1, now() + p_ttl ${ms}, NULL
      FROM candidate, next
      ON CONFLICT (name, slot) DO UPDATE SET
        token = CASE WHEN ${live} THEN l.token ELSE EXCLUDED.token END,
        holds = CASE WHEN ${live} THEN l.holds + 1 ELSE 1 END,
        expires_at = CASE WHEN ${live} THEN GREATEST(l.expires_at, EXCLUDED.expires_at)
                          ELSE EXCLUDED.expires_at END,
        granted_to = CASE WHEN ${live} THEN l.granted_to ELSE NULL END,
        owner = EXCLUDED.owner
      WHERE l.expires_at <= now() OR l.owner = EXCLUDED.owner
      RETURNING l.token, l.holds, l.slot INTO r;
      IF FOUND THEN
        IF p_seq IS NOT NULL THEN
          DELETE FROM ${t}_queue q WHERE q.name = p_name AND q.seq = p_seq;
        END IF;
        RETURN QUERY SELECT r.token, r.holds, r.slot, false, NULL::bigint, NULL::bigint;
        RETURN;
      END IF;
    END IF;
    IF p_queue_ms > 0 THEN
      UPDATE ${t}_queue q SET live_until = now() + p_queue_ms ${ms}
        WHERE q.name = p_name AND q.seq = p_seq;
      IF NOT FOUND THEN
        INSERT INTO ${t}_queue AS q (name, owner, ttl_ms, live_until)
          VALUES (p_name, p_owner, p_ttl, now() + p_queue_ms ${ms})
          RETURNING q.seq INTO p_seq;
      END IF;
    END IF;
    RETURN QUERY SELECT NULL::bigint, NULL::int, NULL::int, false, p_seq,
      (SELECT COALESCE(ceil(extract(epoch FROM min(l.expires_at) - now()) * 1000), -1)::bigint
       FROM ${t} l WHERE l.name = p_name AND l.slot < p_limit AND l.expires_at > now());
  END $$`;
}

/**
 * Release of one hold, in one call. The last hold's slot goes to the first live queue entry
 * in the same transaction — its owner, a new token, holds 1, its TTL, and `granted_to` its
 * seq — and the channel is told `seq|token|slot|name`, so only that waiter wakes and it
 * already holds the lock (FIFO hand-off: nobody races for a released lock). Its lease runs
 * from clock_timestamp(), not the transaction's start: the waiter counts it from an attempt
 * of its own that this transaction may have waited behind. With nobody
 * queued the row is deleted. Expired queue entries (waiters that stopped refreshing) are
 * dropped first. An expired row of ours is released too but reported as expired: the lease
 * had lapsed, so the caller's critical section was not protected. The token counter row is
 * locked first, as acquire locks it before the lock row: the same order, so no deadlock.
 */
function releaseFunction(t: string, ms: string): string {
  return `CREATE OR REPLACE FUNCTION ${t}_release(p_name text, p_slot int, p_owner text,
    p_token bigint)
  RETURNS TABLE (deleted int, decremented int, expired boolean) LANGUAGE plpgsql AS $$
  #variable_conflict use_column
  DECLARE
    mine record;
    head record;
    next_token bigint;
  BEGIN
    PERFORM 1 FROM ${t}_tokens k WHERE k.name = p_name FOR UPDATE;
    SELECT l.holds, l.expires_at <= now() AS lapsed INTO mine FROM ${t} l
      WHERE l.name = p_name AND l.slot = p_slot AND l.owner = p_owner AND l.token = p_token
      FOR UPDATE;
    IF NOT FOUND THEN
      RETURN QUERY SELECT 0, 0, false;
      RETURN;
    END IF;
    IF mine.holds > 1 THEN
      UPDATE ${t} l SET holds = l.holds - 1 WHERE l.name = p_name AND l.slot = p_slot;
      RETURN QUERY SELECT 0, 1, mine.lapsed;
      RETURN;
    END IF;
    DELETE FROM ${t}_queue q WHERE q.name = p_name AND q.live_until <= now();
    SELECT q.seq, q.owner, q.ttl_ms INTO head FROM ${t}_queue q
      WHERE q.name = p_name ORDER BY q.seq LIMIT 1 FOR UPDATE SKIP LOCKED;
    IF FOUND THEN
      UPDATE ${t}_tokens k SET token = k.token + 1 WHERE k.name = p_name
        RETURNING k.token INTO next_token;
      UPDATE ${t} l SET owner = head.owner, token = next_token, holds = 1,
        expires_at = clock_timestamp() + head.ttl_ms ${ms}, granted_to = head.seq
        WHERE l.name = p_name AND l.slot = p_slot;
      DELETE FROM ${t}_queue q WHERE q.name = p_name AND q.seq = head.seq;
      PERFORM pg_notify('${t}', head.seq || '|' || next_token || '|' || p_slot || '|' || p_name);
    ELSE
      DELETE FROM ${t} l WHERE l.name = p_name AND l.slot = p_slot;
    END IF;
    RETURN QUERY SELECT 1, 0, mine.lapsed;
  END $$`;
}

/** A fixed key for the transaction-scoped advisory lock that serializes schema creation
 *  (CREATE TABLE IF NOT EXISTS alone races: two creators can both fail on pg_type). */
export const SCHEMA_LOCK_KEY = 0x636f686f; // 'coho'
