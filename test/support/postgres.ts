// A real PostgreSQL 15 (Debian's postgresql-15, /usr/lib/postgresql/15/bin) for integration
// tests: initdb into a temporary directory, one postmaster on 127.0.0.1 with a kernel-chosen
// free port, trust authentication for loopback TCP only (no Unix socket), ready once
// `SELECT 1` answers. It can be stopped (fast: SIGINT; immediate, a crash: SIGQUIT — by the
// pid we started, nothing else is ever signalled) and started again on the same data
// directory and port, which is how the lock conformance suite restarts the backend under a
// connected client.
//
// The user: PostgreSQL refuses to run as root. When we are root, initdb and postgres run as
// Debian's `postgres` system user (created by postgresql-common; it owns nothing of ours —
// the data directory is a fresh temporary one chowned to it), or as `nobody` where that user
// is missing; setpriv (util-linux) drops the ids and execs, so the pid we spawn IS the
// postmaster (runuser would fork and leave a parent in between). Not root: we run as
// ourselves.
//
// Fault model: the server may fail to start: a port taken meanwhile (between freePort and
// its bind) is tried again, initdb and all, on a fresh port (startOnFreshPorts); anything
// else (missing binaries) throws with the tail of its log, and what started is removed. A
// postmaster that exits unexpectedly is reported by the next readiness wait, not silently
// restarted.

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import {
  messageMentions,
  type PortChooser,
  startOnFreshPorts,
} from '../../src/runtime/launcher/free-port.js';
import { until } from '../../src/runtime/testing/wait.js';

export const PG_BIN_DIR = '/usr/lib/postgresql/15/bin';
const LOG_TAIL_BYTES = 16 * 1024;
/**
 * The postmaster's words for a port taken between freePort and its bind ("could not bind IPv4
 * address "127.0.0.1": Address already in use", then FATAL). Not the prefix alone: it also
 * precedes other bind errors (Cannot assign requested address), which are no clash.
 */
const ADDRESS_IN_USE = 'Address already in use';
/** The superuser initdb creates; trust auth means no password. */
export const PG_USER = 'postgres';

interface RunAs {
  readonly uid: number;
  readonly gid: number;
  readonly name: string;
}

/** The unprivileged user to run the server as when we are root (see the header). */
function runAs(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of ['postgres', 'nobody']) {
    try {
      const uid = Number(execFileSync('id', ['-u', name], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', name], { encoding: 'utf8' }).trim());
      return { uid, gid, name };
    } catch {
      // Not there: try the next one.
    }
  }
  throw new Error('running as root and neither a postgres nor a nobody user exists');
}

function command(user: RunAs | undefined, bin: string, args: string[]): [string, string[]] {
  const file = path.join(PG_BIN_DIR, bin);
  if (user === undefined) return [file, args];
  const ids = [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups'];
  return ['setpriv', [...ids, '--', file, ...args]];
}

export interface PostgresStartOptions {
  /**
   * Extra server settings, passed as `-c name=value` after the defaults (so they override
   * them): e.g. `{ max_prepared_transactions: '64' }` for PREPARE TRANSACTION (XA).
   */
  readonly settings?: Readonly<Record<string, string>>;
}

export class PostgresServer {
  private child: ChildProcess | undefined;
  private log = '';

  private constructor(
    readonly dir: string,
    readonly dataDir: string,
    readonly port: number,
    private readonly user: RunAs | undefined,
    private readonly settings: Readonly<Record<string, string>> = {},
  ) {}

  /**
   * initdb into a fresh temporary directory and start the server; waits for SELECT 1. A start
   * that finds its port taken meanwhile is tried again on a fresh one; restarts keep their
   * port (a clash there fails with the log).
   */
  static async start(options: PostgresStartOptions = {}): Promise<PostgresServer> {
    if (!fs.existsSync(path.join(PG_BIN_DIR, 'postgres')))
      throw new Error(`${PG_BIN_DIR} is missing: apt-get install postgresql (npm test does)`);
    const user = runAs();
    return startOnFreshPorts(
      (choose) => PostgresServer.startOnce(user, choose, options),
      messageMentions(ADDRESS_IN_USE),
    );
  }

  private static async startOnce(
    user: RunAs | undefined,
    choose: PortChooser,
    options: PostgresStartOptions,
  ): Promise<PostgresServer> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-pg-'));
    const dataDir = path.join(dir, 'data');
    if (user !== undefined) fs.chownSync(dir, user.uid, user.gid);
    const [file, args] = command(user, 'initdb', [
      ...['-D', dataDir, '-U', PG_USER, '--auth=trust', '--no-sync'],
      ...['--encoding=UTF8', '--locale=C'],
    ]);
    try {
      execFileSync(file, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir });
    } catch (err) {
      const stderr = (err as { stderr?: Buffer }).stderr?.toString('utf8') ?? '';
      fs.rmSync(dir, { recursive: true, force: true });
      throw new Error(`initdb failed: ${stderr.slice(-LOG_TAIL_BYTES)}`);
    }
    const server = new PostgresServer(dir, dataDir, await choose(), user, options.settings);
    try {
      await server.startServer();
    } catch (error) {
      await server.close();
      throw error;
    }
    return server;
  }

  /** A connection string for `pg` (trust auth: no password). */
  get url(): string {
    return `postgres://${PG_USER}@127.0.0.1:${this.port}/postgres`;
  }

  get connection(): pg.ClientConfig {
    return { host: '127.0.0.1', port: this.port, user: PG_USER, database: 'postgres' };
  }

  /** The postmaster's pid while it runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  private spawnServer(): void {
    const [file, args] = command(this.user, 'postgres', [
      ...['-D', this.dataDir, '-p', String(this.port)],
      // Loopback TCP only; no Unix socket (its default directory is not ours to write).
      ...['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      // fsync off: the data outlives a crash of the server process (the kernel has it), not
      // of the machine, which tests never simulate. synchronous_commit stays on: with it off
      // an immediate stop loses acknowledged commits — a grant, a fencing counter.
      ...['-c', 'fsync=off', '-c', 'full_page_writes=off'],
      ...['-c', 'max_connections=300', '-c', 'log_min_messages=warning'],
      ...Object.entries(this.settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
    ]);
    const child = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: this.dir });
    const keep = (chunk: Buffer): void => {
      this.log = (this.log + chunk.toString('utf8')).slice(-LOG_TAIL_BYTES);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.child = child;
  }

  private async startServer(): Promise<void> {
    this.spawnServer();
    await until(async () => {
      const child = this.child;
      if (child === undefined) throw new Error('postgres was stopped while starting');
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`postgres exited (${child.exitCode}); its log ends:\n${this.log}`);
      return this.answers();
    }, 'postgres to answer SELECT 1');
  }

  /** Whether SELECT 1 answers now (one connection, closed again). */
  async answers(): Promise<boolean> {
    const client = new pg.Client({ ...this.connection, connectionTimeoutMillis: 2_000 });
    client.on('error', () => {});
    try {
      await client.connect();
      const result = await client.query('SELECT 1 AS one');
      return result.rows[0]?.one === 1;
    } catch {
      return false;
    } finally {
      await client.end().catch(() => {});
    }
  }

  /**
   * Stops the postmaster and waits for its exit. 'fast' (SIGINT) rolls back open
   * transactions, closes every connection and checkpoints; 'immediate' (SIGQUIT) is a crash:
   * the postmaster kills its backends at once and the next start runs crash recovery.
   */
  async stop(how: 'fast' | 'immediate' = 'fast'): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    if (child.pid !== undefined) process.kill(child.pid, how === 'fast' ? 'SIGINT' : 'SIGQUIT');
    await exited;
  }

  /** Starts a stopped server again on its data directory and port; waits for SELECT 1. */
  async startAgain(): Promise<void> {
    if (this.child !== undefined) return;
    await this.startServer();
  }

  async restart(how: 'fast' | 'immediate' = 'fast'): Promise<void> {
    await this.stop(how);
    await this.startAgain();
  }

  /** Stops the server and removes the data. */
  async close(): Promise<void> {
    await this.stop('immediate');
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
