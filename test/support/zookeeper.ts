// A real ZooKeeper 3.8 (Debian's zookeeper package: /usr/share/java/zookeeper.jar, whose
// manifest Class-Path names its dependency jars) for integration tests: one standalone
// server (QuorumPeerMain with a config of ours, no quorum) on 127.0.0.1 with a kernel-chosen
// free client port, data in a temporary directory, the AdminServer (Jetty on :8080 by
// default) off, ready once a client connects. It can be stopped (SIGTERM or SIGKILL, by the
// pid we started — nothing else is ever signalled) and started again on the same data
// directory and port: sessions are persisted, so a client that reconnects within its session
// timeout keeps its session and its ephemeral nodes across a restart.
//
// tickTime is 200 ms, so the server grants session timeouts of 400 ms .. 60 s
// (minSessionTimeout = 2 ticks; maxSessionTimeout set explicitly): the lock tests use short
// sessions so that a killed holder's ephemeral nodes go away within seconds.
//
// Fault model: the JVM may fail to start: a port taken meanwhile (between freePort and its
// bind: java.net.BindException, and the JVM exits) is tried again on a fresh port
// (startOnFreshPorts); anything else (a missing package) throws with the tail of its log, and
// what started is removed. A server that exits unexpectedly is reported by the next
// readiness wait, not silently restarted.

import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zookeeper from 'node-zookeeper-client';
import {
  messageMentions,
  type PortChooser,
  startOnFreshPorts,
} from '../../src/runtime/launcher/free-port.js';
import { until } from '../../src/runtime/testing/wait.js';

export const ZOOKEEPER_JAR = '/usr/share/java/zookeeper.jar';
/** slf4j's simple binding logs to stderr (without a binding ZooKeeper logs nothing). */
const SLF4J_SIMPLE_JAR = '/usr/share/java/slf4j-simple.jar';
const JAVA = '/usr/bin/java';
const LOG_TAIL_BYTES = 16 * 1024;
/**
 * ZooKeeper's words for a port taken between freePort and its bind ("java.net.BindException:
 * Address already in use"); not BindException alone, which other bind errors share.
 */
const ADDRESS_IN_USE = 'Address already in use';
export const ZK_TICK_MS = 200;
/** How long one readiness connect may take before the check tries again. */
const CONNECT_TIMEOUT_MS = 3_000;

/** Whether a client connects to 127.0.0.1:port and gets a session (closed again). */
export function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const client = zookeeper.createClient(`127.0.0.1:${port}`, {
      sessionTimeout: 2_000,
      retries: 0,
    });
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      client.close();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), CONNECT_TIMEOUT_MS);
    client.once('connected', () => done(true));
    client.connect();
  });
}

export class ZooKeeperServer {
  private child: ChildProcess | undefined;
  private log = '';

  private constructor(
    readonly dir: string,
    readonly port: number,
    private readonly config: string,
  ) {}

  /**
   * Starts one standalone server on a fresh data directory; waits until a client connects. A
   * start that finds its port taken meanwhile is tried again on a fresh one; restarts keep
   * their port (a clash there fails with the log).
   */
  static async start(): Promise<ZooKeeperServer> {
    if (!fs.existsSync(ZOOKEEPER_JAR))
      throw new Error(`${ZOOKEEPER_JAR} is missing: apt-get install zookeeper (npm test does)`);
    return startOnFreshPorts(ZooKeeperServer.startOnce, messageMentions(ADDRESS_IN_USE));
  }

  private static async startOnce(choose: PortChooser): Promise<ZooKeeperServer> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-zk-'));
    const dataDir = path.join(dir, 'data');
    fs.mkdirSync(dataDir);
    const port = await choose();
    const config = path.join(dir, 'zoo.cfg');
    const lines = [
      `tickTime=${ZK_TICK_MS}`,
      `dataDir=${dataDir}`,
      `clientPort=${port}`,
      'clientPortAddress=127.0.0.1',
      'maxSessionTimeout=60000',
      'admin.enableServer=false',
      // No snapshot purging, no four-letter words: nothing a test needs.
      '4lw.commands.whitelist=',
      // Test data: the transaction log is not forced to disk on every write.
      'forceSync=no',
    ];
    fs.writeFileSync(config, `${lines.join('\n')}\n`);
    const server = new ZooKeeperServer(dir, port, config);
    try {
      await server.startServer();
    } catch (error) {
      await server.close();
      throw error;
    }
    return server;
  }

  /** The connection string for node-zookeeper-client. */
  get connectString(): string {
    return `127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  private spawnServer(): void {
    const classpath = [ZOOKEEPER_JAR, SLF4J_SIMPLE_JAR].join(':');
    const args = [
      '-Xmx256m',
      '-XX:+UseSerialGC',
      '-Dorg.slf4j.simpleLogger.defaultLogLevel=warn',
      `-Dzookeeper.log.dir=${this.dir}`,
      ...['-cp', classpath, 'org.apache.zookeeper.server.quorum.QuorumPeerMain', this.config],
    ];
    const child = spawn(JAVA, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd: this.dir });
    const keep = (chunk: Buffer): void => {
      this.log = (this.log + chunk.toString('utf8')).slice(-LOG_TAIL_BYTES);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.child = child;
  }

  private async startServer(): Promise<void> {
    this.spawnServer();
    await until(
      async () => {
        const child = this.child;
        if (child === undefined) throw new Error('zookeeper was stopped while starting');
        if (child.exitCode !== null || child.signalCode !== null)
          throw new Error(`zookeeper exited (${child.exitCode}); its log ends:\n${this.log}`);
        return connects(this.port);
      },
      'zookeeper to accept a session',
      120_000,
    );
  }

  /** Stops the server (SIGTERM: a clean stop; SIGKILL: a crash) and waits for its exit. */
  async stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    const child = this.child;
    this.child = undefined;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    if (child.pid !== undefined) process.kill(child.pid, signal);
    await exited;
  }

  /** Starts a stopped server again on its data directory and port; waits for a session. */
  async startAgain(): Promise<void> {
    if (this.child !== undefined) return;
    await this.startServer();
  }

  async restart(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    await this.stop(signal);
    await this.startAgain();
  }

  /** Stops the server and removes the data. */
  async close(): Promise<void> {
    await this.stop('SIGKILL');
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
