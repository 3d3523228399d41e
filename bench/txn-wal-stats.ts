// Counting PostgreSQL's fsyncs for `cohort bench txn`: `pg_stat_wal.wal_sync` is how many
// times the server synced WAL to disk (issue_xlog_fsync: every commit that flushes, every
// PREPARE TRANSACTION and COMMIT PREPARED, and the background writers' flushes). PostgreSQL 15
// keeps each backend's counts in its own memory and publishes them at most once a second
// when the backend goes idle, so a delta read right after a run would miss most of it:
// before each read, every connection of the pools that worked asks for its pending
// statistics to be published (`pg_stat_force_next_flush()`, done before the backend answers
// ReadyForQuery), so the delta covers exactly the transactions between two reads, plus
// whatever the server's background processes synced meanwhile (counted too: it is real).
//
// Fault model: a connection that fails here rejects the read (the benchmark reports it); the
// pools are idle when this runs (between runs), so taking every client does not wait.

import pg from 'pg';

/** Publishes the pending statistics of every connection `pool` holds. */
async function flushPool(pool: pg.Pool): Promise<void> {
  // An idle pool hands out its idle clients first: asking for all of them reaches each once.
  const clients = await Promise.all(Array.from({ length: pool.totalCount }, () => pool.connect()));
  try {
    await Promise.all(clients.map((c) => c.query('SELECT pg_stat_force_next_flush()')));
  } finally {
    for (const c of clients) c.release();
  }
}

/** A connection that reads one server's WAL fsync count. */
export class WalSyncCounter {
  private constructor(private readonly client: pg.Client) {}

  static async open(connection: pg.ClientConfig): Promise<WalSyncCounter> {
    const client = new pg.Client(connection);
    client.on('error', () => {}); // A dead server fails the next read instead.
    await client.connect();
    return new WalSyncCounter(client);
  }

  /** wal_sync so far, once `pools` (this server's) have published their statistics. */
  async read(pools: readonly pg.Pool[]): Promise<number> {
    await Promise.all(pools.map(flushPool));
    const result = await this.client.query<{ wal_sync: string }>(
      'SELECT wal_sync FROM pg_stat_wal',
    );
    return Number(result.rows[0]?.wal_sync ?? Number.NaN);
  }

  close(): Promise<void> {
    return this.client.end();
  }
}
