// Real redis-server instances (Debian's redis-server, /usr/bin/redis-server) for integration
// tests: N independent instances on 127.0.0.1 with kernel-chosen free ports, each with its
// own temporary directory, ready once PING answers PONG. Instances can be stopped (SIGTERM or
// SIGKILL, by the pid we started — nothing else is ever signalled), paused (SIGSTOP) and
// started again on the same port and directory, which is how the lock conformance suite
// restarts the backend under a connected client.
//
// Persistence, stated because a lock's fencing counter lives in Redis: no config file is
// read; RDB snapshots are off (`--save ""`). With `persistence: 'aof'` (the default) the
// append-only file is on with `appendfsync always`, so every acknowledged write (a grant and
// its INCR'd token) is on disk before its reply and survives SIGKILL: a restarted instance
// keeps its counters. With `persistence: 'none'` a restart loses every key — the case the
// Redlock spec warns about (an instance restarted without its data can grant a lock again).
//
// Fault model: redis-server may fail to start: a port taken meanwhile (between freePort and
// its bind) is tried again on fresh ports (startOnFreshPorts); anything else (a missing
// binary) throws with the tail of its log, and what started is stopped. An instance that
// exits unexpectedly is reported by the next readiness wait, not silently restarted.

import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { messageMentions, startOnFreshPorts } from '../../src/runtime/launcher/free-port.js';
import { until } from '../../src/runtime/testing/wait.js';

export const REDIS_BIN = '/usr/bin/redis-server';
const LOG_TAIL_BYTES = 16 * 1024;
/** redis-server's words for a port taken between freePort and its bind (it then exits). */
const ADDRESS_IN_USE = 'Address already in use';
/** How long one PING may take before the readiness check tries again. */
const PING_TIMEOUT_MS = 2_000;

export interface RedisOptions {
  /** Independent instances (default 1); Redlock uses 5. */
  readonly instances?: number;
  /** 'aof' (default): appendonly with appendfsync always; 'none': a restart loses all keys. */
  readonly persistence?: 'aof' | 'none';
}

interface Instance {
  readonly name: string;
  readonly port: number;
  readonly dir: string;
  child: ChildProcess | undefined;
  log: string;
}

/** Whether the server on `port` answers PING with +PONG (a loading server answers -LOADING). */
export function pingsBack(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    let reply = '';
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(PING_TIMEOUT_MS, () => done(false));
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString('utf8');
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG'));
    });
    socket.on('error', () => done(false));
  });
}

export class RedisServers {
  private constructor(
    readonly dir: string,
    private readonly instances: Instance[],
    private readonly persistence: 'aof' | 'none',
  ) {}

  /**
   * Starts `instances` fresh instances (default 1) and waits until each answers PING. A start
   * that finds a chosen port taken meanwhile is stopped and tried again on fresh ports;
   * restarts keep their port (a clash there fails with the log).
   */
  static async start(options: RedisOptions = {}): Promise<RedisServers> {
    if (!fs.existsSync(REDIS_BIN))
      throw new Error(`${REDIS_BIN} is missing: apt-get install redis-server (npm test does)`);
    return startOnFreshPorts(async (choose) => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-redis-'));
      const instances: Instance[] = [];
      for (let i = 1; i <= (options.instances ?? 1); i++) {
        const instanceDir = path.join(dir, `r${i}`);
        fs.mkdirSync(instanceDir);
        const port = await choose();
        instances.push({ name: `r${i}`, port, dir: instanceDir, child: undefined, log: '' });
      }
      const servers = new RedisServers(dir, instances, options.persistence ?? 'aof');
      try {
        for (let i = 0; i < instances.length; i++) servers.spawn(i);
        await servers.ready();
      } catch (error) {
        await servers.stop();
        throw error;
      }
      return servers;
    }, messageMentions(ADDRESS_IN_USE));
  }

  /** Ports in instance order. */
  get ports(): number[] {
    return this.instances.map((m) => m.port);
  }

  /** `{ host, port }` per instance, as ioredis takes them. */
  get endpoints(): { host: string; port: number }[] {
    return this.instances.map((m) => ({ host: '127.0.0.1', port: m.port }));
  }

  get size(): number {
    return this.instances.length;
  }

  private instance(index: number): Instance {
    const instance = this.instances[index];
    if (instance === undefined) throw new RangeError(`no redis instance ${index}`);
    return instance;
  }

  private spawn(index: number): void {
    const m = this.instance(index);
    const args = [
      ...['--port', String(m.port), '--bind', '127.0.0.1', '--dir', m.dir],
      ...['--save', '', '--daemonize', 'no', '--logfile', '', '--loglevel', 'warning'],
      ...(this.persistence === 'aof'
        ? ['--appendonly', 'yes', '--appendfsync', 'always']
        : ['--appendonly', 'no']),
    ];
    const child = spawn(REDIS_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer): void => {
      m.log = (m.log + chunk.toString('utf8')).slice(-LOG_TAIL_BYTES);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    m.child = child;
  }

  private async ready(): Promise<void> {
    await until(async () => {
      for (const m of this.instances) {
        if (m.child === undefined) continue;
        if (m.child.exitCode !== null || m.child.signalCode !== null)
          throw new Error(`redis ${m.name} exited (${m.child.exitCode}); its log ends:\n${m.log}`);
        if (!(await pingsBack(m.port))) return false;
      }
      return true;
    }, 'redis to answer PING');
  }

  /** Stops instance `index` (SIGTERM: a clean stop; SIGKILL: a crash) and waits for its exit. */
  async stopInstance(index: number, signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    const m = this.instance(index);
    const child = m.child;
    m.child = undefined;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    if (child.pid !== undefined) {
      process.kill(child.pid, 'SIGCONT'); // A paused instance could not act on SIGTERM.
      process.kill(child.pid, signal);
    }
    await exited;
  }

  /** Starts a stopped instance again on its port and directory; waits for PONG. */
  async startInstance(index: number): Promise<void> {
    if (this.instance(index).child !== undefined) return;
    this.spawn(index);
    await this.ready();
  }

  async restartInstance(index: number, signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    await this.stopInstance(index, signal);
    await this.startInstance(index);
  }

  /** Restarts every instance (the conformance suite's "backend restarted mid-test"). */
  async restartAll(signal: 'SIGTERM' | 'SIGKILL' = 'SIGKILL'): Promise<void> {
    for (let i = 0; i < this.instances.length; i++) await this.stopInstance(i, signal);
    for (let i = 0; i < this.instances.length; i++) this.spawn(i);
    await this.ready();
  }

  /** Freezes instance `index` (SIGSTOP): connections stay open, nothing is answered. */
  pauseInstance(index: number): void {
    const pid = this.instance(index).child?.pid;
    if (pid !== undefined) process.kill(pid, 'SIGSTOP');
  }

  resumeInstance(index: number): void {
    const pid = this.instance(index).child?.pid;
    if (pid !== undefined) process.kill(pid, 'SIGCONT');
  }

  /** Stops every instance and removes the data. */
  async stop(): Promise<void> {
    for (let i = 0; i < this.instances.length; i++) await this.stopInstance(i, 'SIGKILL');
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
