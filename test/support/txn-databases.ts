// PostgreSQL databases for the transaction tests: one server (test/support/postgres.ts) with
// prepared transactions enabled, a fresh pair (or more) of databases per test, and the
// queries the tests check outcomes with (balances, prepared transactions left behind), and
// the crash worker (txn-worker.ts) run as a child process.
//
// Fault model: none of its own; the server is real, failures reject.

import { spawn } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { PostgresServer } from './postgres.js';
import type { Job } from './txn-worker.js';

const WORKER = path.resolve(import.meta.dirname, 'txn-worker.ts');

export const PREPARED_SETTINGS = { max_prepared_transactions: '64' } as const;

export async function startTxnPostgres(): Promise<PostgresServer> {
  return PostgresServer.start({ settings: PREPARED_SETTINGS });
}

let databaseCount = 0;

/** Creates `count` fresh databases; returns their connection configs. */
export async function createDatabases(
  server: PostgresServer,
  prefix: string,
  count: number,
): Promise<pg.ClientConfig[]> {
  const admin = new pg.Client(server.connection);
  await admin.connect();
  try {
    const out: pg.ClientConfig[] = [];
    for (let i = 0; i < count; i++) {
      const name = `${prefix}_${++databaseCount}`;
      await admin.query(`CREATE DATABASE ${name}`);
      out.push({ ...server.connection, database: name });
    }
    return out;
  } finally {
    await admin.end();
  }
}

/** Runs `f` with a client on `connection`, closed afterwards. */
export async function withClient<T>(
  connection: pg.ClientConfig,
  f: (client: pg.Client) => Promise<T>,
): Promise<T> {
  const client = new pg.Client(connection);
  await client.connect();
  try {
    return await f(client);
  } finally {
    await client.end();
  }
}

export async function balances(connection: pg.ClientConfig): Promise<Map<string, number>> {
  return withClient(connection, async (c) => {
    const r = await c.query<{ id: string; balance: string }>(
      'SELECT id, balance FROM accounts ORDER BY id',
    );
    return new Map(r.rows.map((row) => [row.id, Number(row.balance)]));
  });
}

/** Gids prepared in `connection`'s database. */
export async function preparedGids(connection: pg.ClientConfig): Promise<string[]> {
  return withClient(connection, async (c) => {
    const r = await c.query<{ gid: string }>(
      'SELECT gid FROM pg_prepared_xacts WHERE database = current_database() ORDER BY gid',
    );
    return r.rows.map((row) => row.gid);
  });
}

export const sum = (m: Map<string, number>) => [...m.values()].reduce((a, b) => a + b, 0);

/** Runs the crash worker to its end: a SIGKILL it gave itself, or success (else throws). */
export async function runTxnWorker(
  job: Job,
): Promise<{ code: number | null; signal: string | null }> {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, JSON.stringify(job)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString('utf8');
  });
  const [code, signal] = await new Promise<[number | null, string | null]>((resolve) =>
    child.once('exit', (c, s) => resolve([c, s])),
  );
  if (code !== null && code !== 0) throw new Error(`worker failed: ${stderr}`);
  return { code, signal };
}
