// The servers `cohort bench locks` starts for itself (shipped code: it cannot use the tests'
// helpers): N independent redis-server instances, one PostgreSQL 15 and one standalone
// ZooKeeper, each on 127.0.0.1 with kernel-chosen free ports and its data in a temporary
// directory on the same disk. etcd and `cohort serve` come from server-cluster.ts.
//
// Durability is the same principle everywhere, so that no backend is measured with a cheaper
// promise than the others: an acknowledged write is on disk. Redis: appendonly with
// appendfsync always (what docs/locks.md asks of a lock's Redis); PostgreSQL: its defaults
// (fsync, synchronous_commit on); ZooKeeper: forceSync (its default); etcd and Cohort fsync
// on commit (their defaults).
//
// Fault model: a server may fail to start: a port taken meanwhile (between freePort and its
// bind) is tried again on fresh ports in a fresh directory (startOnFreshPorts); anything else
// (a missing binary) throws with the tail of its log. Either way what it started is stopped.
// Only the pids started here are ever signalled (SIGTERM, then SIGKILL past a deadline); data
// directories are removed.

import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import {
  messageMentions,
  type PortChooser,
  startOnFreshPorts,
} from '../src/runtime/launcher/free-port.js';
import { until } from '../src/runtime/testing/wait.js';

export const REDIS_BIN = '/usr/bin/redis-server';
export const PG_BIN_DIR = '/usr/lib/postgresql/15/bin';
export const ZOOKEEPER_JAR = '/usr/share/java/zookeeper.jar';
const SLF4J_SIMPLE_JAR = '/usr/share/java/slf4j-simple.jar';
const JAVA = '/usr/bin/java';
const PG_USER = 'postgres';
const LOG_TAIL_BYTES = 8 * 1024;
const STOP_DEADLINE_MS = 10_000;
const START_DEADLINE_MS = 120_000;
const PROBE_TIMEOUT_MS = 2_000;
/**
 * How redis-server, the postmaster and ZooKeeper (java.net.BindException) all say that a port
 * was taken before they bound it; each then exits.
 */
const ADDRESS_IN_USE = 'Address already in use';

/** A started server process with the tail of its output. */
class Child {
  log = '';
  readonly process: ChildProcess;

  constructor(
    readonly name: string,
    file: string,
    args: readonly string[],
    cwd: string,
  ) {
    this.process = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd });
    const keep = (chunk: Buffer) => {
      this.log = (this.log + chunk.toString('utf8')).slice(-LOG_TAIL_BYTES);
    };
    this.process.stdout?.on('data', keep);
    this.process.stderr?.on('data', keep);
    // A spawn failure (ENOENT) is an exit for the readiness check, not an uncaught error.
    this.process.on('error', (e) => keep(Buffer.from(`\n${e.message}`)));
  }

  /** Throws with the log's tail when the process is gone (for readiness waits). */
  checkAlive(): void {
    const p = this.process;
    if (p.exitCode !== null || p.signalCode !== null || p.pid === undefined)
      throw new Error(
        `${this.name} exited (${p.exitCode ?? p.signalCode}); its log ends:\n${this.log}`,
      );
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const p = this.process;
    if (p.pid === undefined || p.exitCode !== null || p.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => p.once('exit', () => resolve()));
    process.kill(p.pid, signal);
    const deadline = setTimeout(() => {
      if (p.pid !== undefined && p.exitCode === null && p.signalCode === null)
        process.kill(p.pid, 'SIGKILL');
    }, STOP_DEADLINE_MS);
    await exited;
    clearTimeout(deadline);
  }
}

/** Processes started in one temporary directory, stopped and removed together. */
export class LocalServers {
  private constructor(
    readonly dir: string,
    private readonly children: Child[],
    /** Where clients connect: redis: one port per instance; others: one. */
    readonly ports: number[],
  ) {}

  private static scratch(kind: string): string {
    return fs.mkdtempSync(path.join(os.tmpdir(), `cohort-bench-${kind}-`));
  }

  /**
   * Starts on a fresh directory, choosing ports with `choose`; on failure stops what started
   * and removes it. A port clash is tried again from scratch on fresh ports.
   */
  private static starting(
    kind: string,
    start: (dir: string, children: Child[], ports: number[], choose: PortChooser) => Promise<void>,
  ): Promise<LocalServers> {
    return startOnFreshPorts(async (choose) => {
      const servers = new LocalServers(LocalServers.scratch(kind), [], []);
      try {
        await start(servers.dir, servers.children, servers.ports, choose);
        return servers;
      } catch (error) {
        await servers.stop();
        throw error;
      }
    }, messageMentions(ADDRESS_IN_USE));
  }

  /** `instances` independent redis-servers (AOF, appendfsync always); ready on PONG. */
  static redis(instances: number): Promise<LocalServers> {
    if (!fs.existsSync(REDIS_BIN))
      throw new Error(`${REDIS_BIN} is missing (apt-get install redis-server)`);
    return LocalServers.starting('redis', async (dir, children, ports, choose) => {
      for (let i = 1; i <= instances; i++) {
        const data = path.join(dir, `r${i}`);
        fs.mkdirSync(data);
        const port = await choose();
        ports.push(port);
        const args = [
          ...['--port', String(port), '--bind', '127.0.0.1', '--dir', data, '--save', ''],
          ...['--daemonize', 'no', '--logfile', '', '--loglevel', 'warning'],
          ...['--appendonly', 'yes', '--appendfsync', 'always'],
        ];
        children.push(new Child(`redis r${i}`, REDIS_BIN, args, data));
      }
      await until(
        async () => {
          for (const c of children) c.checkAlive();
          const pongs = await Promise.all(ports.map(pingsBack));
          return pongs.every(Boolean);
        },
        'redis to answer PING',
        START_DEADLINE_MS,
      );
    });
  }

  /**
   * PostgreSQL 15: initdb (trust auth on loopback TCP), then the postmaster; ready on SELECT 1.
   * `settings` are extra `-c name=value` after the defaults (bench txn: max_prepared_transactions).
   */
  static postgres(settings: Readonly<Record<string, string>> = {}): Promise<LocalServers> {
    if (!fs.existsSync(path.join(PG_BIN_DIR, 'postgres')))
      throw new Error(`${PG_BIN_DIR} is missing (apt-get install postgresql)`);
    return LocalServers.starting('postgres', async (dir, children, ports, choose) => {
      const user = unprivilegedUser();
      if (user !== undefined) fs.chownSync(dir, user.uid, user.gid);
      const data = path.join(dir, 'data');
      const initdb = ['-D', data, '-U', PG_USER, '--auth=trust', '--encoding=UTF8', '--locale=C'];
      const [file, args] = asUser(user, 'initdb', initdb);
      execFileSync(file, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: dir });
      const port = await choose();
      ports.push(port);
      const server = asUser(user, 'postgres', [
        ...['-D', data, '-p', String(port), '-c', 'listen_addresses=127.0.0.1'],
        ...['-c', 'unix_socket_directories=', '-c', 'max_connections=300'],
        ...['-c', 'log_min_messages=warning'],
        ...Object.entries(settings).flatMap(([name, value]) => ['-c', `${name}=${value}`]),
      ]);
      const child = new Child('postgres', server[0], server[1], dir);
      children.push(child);
      await until(
        async () => {
          child.checkAlive();
          return selectsOne(port);
        },
        'postgres to answer SELECT 1',
        START_DEADLINE_MS,
      );
    });
  }

  /** One standalone ZooKeeper (QuorumPeerMain, its defaults: forceSync); ready on a session. */
  static zookeeper(): Promise<LocalServers> {
    if (!fs.existsSync(ZOOKEEPER_JAR))
      throw new Error(`${ZOOKEEPER_JAR} is missing (apt-get install zookeeper)`);
    return LocalServers.starting('zookeeper', async (dir, children, ports, choose) => {
      const data = path.join(dir, 'data');
      fs.mkdirSync(data);
      const port = await choose();
      ports.push(port);
      const config = path.join(dir, 'zoo.cfg');
      const lines = [
        ...['tickTime=200', `dataDir=${data}`, `clientPort=${port}`],
        ...['clientPortAddress=127.0.0.1', 'maxSessionTimeout=60000'],
        ...['admin.enableServer=false', '4lw.commands.whitelist=ruok'],
      ];
      fs.writeFileSync(config, `${lines.join('\n')}\n`);
      const args = [
        ...['-Xmx256m', '-XX:+UseSerialGC', '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn'],
        ...[`-Dzookeeper.log.dir=${dir}`, '-cp', `${ZOOKEEPER_JAR}:${SLF4J_SIMPLE_JAR}`],
        ...['org.apache.zookeeper.server.quorum.QuorumPeerMain', config],
      ];
      const child = new Child('zookeeper', JAVA, args, dir);
      children.push(child);
      await until(
        async () => {
          child.checkAlive();
          return (await fourLetterWord(port, 'ruok')) === 'imok';
        },
        'zookeeper to answer ruok',
        START_DEADLINE_MS,
      );
    });
  }

  get pids(): number[] {
    return this.children.flatMap((c) => (c.process.pid === undefined ? [] : [c.process.pid]));
  }

  async stop(): Promise<void> {
    await Promise.all(this.children.map((c) => c.stop()));
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A reply to one line sent to 127.0.0.1:port, up to the first CRLF or the close. */
function ask(port: number, line: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let reply = '';
    const done = (r: string | undefined) => {
      socket.destroy();
      resolve(r);
    };
    socket.setTimeout(PROBE_TIMEOUT_MS, () => done(undefined));
    socket.on('connect', () => socket.write(line));
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString('utf8');
      if (reply.includes('\r\n')) done(reply);
    });
    socket.on('end', () => done(reply));
    socket.on('error', () => done(undefined));
  });
}

async function pingsBack(port: number): Promise<boolean> {
  return (await ask(port, 'PING\r\n'))?.startsWith('+PONG') === true;
}

/** ZooKeeper's four-letter words answer and close (ruok → imok once it serves). */
async function fourLetterWord(port: number, word: string): Promise<string | undefined> {
  return (await ask(port, word))?.trim();
}

async function selectsOne(port: number): Promise<boolean> {
  const client = new pg.Client({ ...postgresConnection(port), connectionTimeoutMillis: 2_000 });
  client.on('error', () => {});
  try {
    await client.connect();
    return (await client.query('SELECT 1 AS one')).rows[0]?.one === 1;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

export function postgresConnection(port: number): pg.ClientConfig {
  return { host: '127.0.0.1', port, user: PG_USER, database: 'postgres' };
}

interface RunAs {
  readonly uid: number;
  readonly gid: number;
}

/** PostgreSQL refuses to run as root: then it runs as `postgres` (or `nobody`). */
function unprivilegedUser(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const name of ['postgres', 'nobody']) {
    try {
      const id = (flag: string) =>
        Number(execFileSync('id', [flag, name], { encoding: 'utf8' }).trim());
      return { uid: id('-u'), gid: id('-g') };
    } catch {
      // Not there: try the next one.
    }
  }
  throw new Error('running as root and neither a postgres nor a nobody user exists');
}

/** setpriv drops the ids and execs, so the pid we spawn is the program itself. */
function asUser(user: RunAs | undefined, bin: string, args: string[]): [string, string[]] {
  const file = path.join(PG_BIN_DIR, bin);
  if (user === undefined) return [file, args];
  const ids = [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups'];
  return ['setpriv', [...ids, '--', file, ...args]];
}
