// A real NATS server with JetStream (Debian's nats-server 2.9, /usr/sbin/nats-server) for
// integration tests and `cohort bench comm` (test/support/nats.ts re-exports it): one
// `nats-server -js` on 127.0.0.1 with a kernel-chosen free port and its store in a temporary
// directory; ready once a client connects and JetStream answers. Stopped by the pid we
// started; the directory is removed.
//
// nats-server is a single Go process (no children), so its pid is the whole server. 2.9's
// file store writes every message before it acknowledges it but fsyncs only every two
// minutes (`sync_interval: always` arrived in 2.10): callers that compare durability must
// say so (docs/broker.md does).
//
// Fault model: the server may fail to start: a port taken meanwhile (between freePort and its
// bind; nats-server exits) is tried again on a fresh port (startOnFreshPorts); anything else
// (a missing package) throws with the tail of its log. Either way what it created is removed.

import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connect } from 'nats';
import { until } from '../testing/wait.js';
import { messageMentions, type PortChooser, startOnFreshPorts } from './free-port.js';

export const NATS_BIN = '/usr/sbin/nats-server';
const LOG_TAIL_BYTES = 16 * 1024;
const START_DEADLINE_MS = 60_000;
const STOP_DEADLINE_MS = 10_000;
/** nats-server's (Go's) words for a port taken between freePort and its bind. */
const ADDRESS_IN_USE = 'address already in use';

export class NatsServer {
  private child: ChildProcess | undefined;
  private log = '';

  private constructor(
    readonly dir: string,
    readonly port: number,
  ) {}

  /**
   * Starts a fresh server (JetStream on, file store in a new temporary directory). A start
   * that finds its port taken meanwhile is tried again on a fresh one; restart() keeps the
   * port (a clash there fails with the log).
   */
  static async start(): Promise<NatsServer> {
    if (!fs.existsSync(NATS_BIN))
      throw new Error(`${NATS_BIN} is missing: apt-get install nats-server (npm test does)`);
    return startOnFreshPorts(NatsServer.startOnce, messageMentions(ADDRESS_IN_USE));
  }

  private static async startOnce(choose: PortChooser): Promise<NatsServer> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-nats-'));
    const server = new NatsServer(dir, await choose());
    try {
      await server.startServer();
    } catch (error) {
      await server.close();
      throw error;
    }
    return server;
  }

  /** Where clients connect. */
  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  /** nats-server's pid while it runs. */
  get pid(): number | undefined {
    return this.child?.pid;
  }

  private async startServer(): Promise<void> {
    const args = ['-js', '-a', '127.0.0.1', '-p', String(this.port), '-sd', this.storeDir()];
    const child = spawn(NATS_BIN, args, { cwd: this.dir, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    const keep = (chunk: Buffer) => {
      this.log = (this.log + chunk.toString('utf8')).slice(-LOG_TAIL_BYTES);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    child.on('error', (e) => keep(Buffer.from(`\n${e.message}`)));
    await until(
      async () => {
        if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined)
          throw new Error(`nats-server exited (${child.exitCode}); its log ends:\n${this.log}`);
        return this.answers();
      },
      'nats-server to accept a JetStream client',
      START_DEADLINE_MS,
    );
  }

  private storeDir(): string {
    return path.join(this.dir, 'jetstream');
  }

  /** The server's version, as its clients see it (INFO). */
  async version(): Promise<string> {
    const nc = await connect({ servers: this.url, reconnect: false });
    try {
      return nc.info?.version ?? '?';
    } finally {
      await nc.close();
    }
  }

  /** Whether a client connects and JetStream answers now (closed again at once). */
  async answers(): Promise<boolean> {
    try {
      const nc = await connect({ servers: this.url, timeout: 2_000, reconnect: false });
      try {
        await (await nc.jetstreamManager()).getAccountInfo();
        return true;
      } finally {
        await nc.close();
      }
    } catch {
      return false;
    }
  }

  /**
   * Stops the server and waits for it to exit: 'clean' sends SIGTERM (SIGKILL past a
   * deadline), 'kill' SIGKILL. By pid; nothing else is ever signalled.
   */
  async stop(how: 'clean' | 'kill' = 'clean'): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child?.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    const pid = child.pid;
    process.kill(pid, how === 'clean' ? 'SIGTERM' : 'SIGKILL');
    const deadline = setTimeout(() => {
      if (child.exitCode === null && child.signalCode === null) process.kill(pid, 'SIGKILL');
    }, STOP_DEADLINE_MS);
    await exited;
    clearTimeout(deadline);
  }

  /** Starts it again on the same port and store (after stop()). */
  async restart(): Promise<void> {
    await this.startServer();
  }

  /** Stops the server (SIGKILL: the data is thrown away) and removes its directory. */
  async close(): Promise<void> {
    await this.stop('kill');
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
