// A real etcd 3.4 (Debian's etcd-server, /usr/bin/etcd) for integration tests: one or more
// members on 127.0.0.1 with kernel-chosen free ports, data in a temporary directory, ready
// once every running member's /health says true. Members can be stopped (SIGTERM or SIGKILL,
// by the pid we started — nothing else is ever signalled) and started again on the same data
// directory and ports, which is how tests restart a server under a connected client.
//
// Fault model: etcd may fail to start: a port taken meanwhile (between freePort and its bind)
// is tried again on fresh ports (startOnFreshPorts); anything else (a missing binary) throws
// with the tail of its log. Restarts keep their ports: a clash there throws with the log. A
// member that exits unexpectedly is reported by the next readiness wait, not silently
// restarted.

import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { checkServerIdentity } from 'node:tls';
import { startOnFreshPorts } from '../../src/runtime/launcher/free-port.js';
import { until } from '../../src/runtime/testing/wait.js';

export const ETCD_BIN = '/usr/bin/etcd';
const LOG_TAIL_BYTES = 16 * 1024;

/** Serve clients over TLS (etcd's --cert-file, --key-file, --trusted-ca-file). */
export interface EtcdTls {
  readonly certFile: string;
  readonly keyFile: string;
  readonly caFile: string;
  /** The name the server certificate carries (the health check verifies it). */
  readonly serverName: string;
  /** etcd's --client-cert-auth: clients must present a certificate signed by the CA. */
  readonly clientCertAuth?: { readonly certFile: string; readonly keyFile: string };
}

export interface EtcdOptions {
  readonly members?: number;
  readonly tls?: EtcdTls;
  /** More flags for every member, with etcd's names (both servers take them). */
  readonly args?: readonly string[];
  /** Fills each member's data directory before its first start (e.g. a snapshot restore). */
  readonly prepare?: (member: PreparedMember) => Promise<void>;
}

/** What `prepare` knows of a member: where its data goes and how the cluster names it. */
export interface PreparedMember {
  readonly name: string;
  readonly dataDir: string;
  readonly peerUrl: string;
  readonly initialCluster: string;
  readonly token: string;
}

interface Member {
  readonly name: string;
  /** Chosen again if a start finds one taken. */
  clientPort: number;
  peerPort: number;
  readonly dataDir: string;
  child: ChildProcess | undefined;
  log: string;
}

function healthyOverTls(port: number, tls: EtcdTls): Promise<boolean> {
  const client = tls.clientCertAuth;
  const options: https.RequestOptions = {
    host: '127.0.0.1',
    port,
    path: HEALTH_PATH,
    ca: fs.readFileSync(tls.caFile),
    servername: tls.serverName,
    checkServerIdentity: (_host, cert) => checkServerIdentity(tls.serverName, cert),
    ...(client === undefined
      ? {}
      : { cert: fs.readFileSync(client.certFile), key: fs.readFileSync(client.keyFile) }),
  };
  return new Promise((resolve) => {
    const request = https.get(options, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => {
        body += chunk.toString('utf8');
      });
      response.on('end', () => resolve(body.includes('"health":"true"')));
    });
    request.on('error', () => resolve(false));
  });
}

/** A member whose store is full (NOSPACE raised) still serves: readiness ignores that alarm. */
const HEALTH_PATH = '/health?exclude=NOSPACE';

/** Whether the server on `port` says {"health":"true"} on /health (etcd's and Cohort's). */
export async function healthy(port: number, tls: EtcdTls | undefined): Promise<boolean> {
  if (tls !== undefined) return healthyOverTls(port, tls);
  try {
    const response = await fetch(`http://127.0.0.1:${port}${HEALTH_PATH}`);
    const body = (await response.json()) as { health?: string };
    return body.health === 'true';
  } catch {
    return false;
  }
}

export class EtcdCluster {
  private constructor(
    readonly dir: string,
    private readonly members: Member[],
    private readonly tls: EtcdTls | undefined,
    private readonly args: readonly string[] = [],
  ) {}

  /**
   * Starts `members` fresh members (default 1) and waits until the cluster is healthy. A port
   * freePort chose can be taken by another process before etcd binds it: a start that fails
   * with "address already in use" is tried again on fresh ports, as CohortServer's is.
   */
  static async start(options: EtcdOptions = {}): Promise<EtcdCluster> {
    if (!fs.existsSync(ETCD_BIN))
      throw new Error(`${ETCD_BIN} is missing: apt-get install etcd-server (npm test does)`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-etcd-'));
    const members: Member[] = [];
    for (let i = 1; i <= (options.members ?? 1); i++) {
      const name = `m${i}`;
      const dataDir = path.join(dir, name);
      members.push({ name, clientPort: 0, peerPort: 0, dataDir, child: undefined, log: '' });
    }
    const cluster = new EtcdCluster(dir, members, options.tls, options.args);
    try {
      await startOnFreshPorts(
        async (choose) => {
          for (const m of members) {
            m.clientPort = await choose();
            m.peerPort = await choose();
            m.log = '';
          }
          await cluster.startFresh(options.prepare);
        },
        () => members.some((m) => m.log.includes('address already in use')),
      );
    } catch (error) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw error;
    }
    return cluster;
  }

  /** One start of every member on its chosen ports; a failed one is killed and its data gone. */
  private async startFresh(prepare: EtcdOptions['prepare']): Promise<void> {
    const members = this.members;
    const initialCluster = members.map((x) => `${x.name}=http://127.0.0.1:${x.peerPort}`).join(',');
    for (const m of members) {
      const peerUrl = `http://127.0.0.1:${m.peerPort}`;
      const token = path.basename(this.dir);
      await prepare?.({ name: m.name, dataDir: m.dataDir, peerUrl, initialCluster, token });
    }
    try {
      for (let i = 0; i < members.length; i++) this.spawn(i, 'new');
      await this.ready();
    } catch (error) {
      for (let i = 0; i < members.length; i++) await this.stopMember(i, 'SIGKILL');
      for (const m of members) fs.rmSync(m.dataDir, { recursive: true, force: true });
      throw error;
    }
  }

  /** Client endpoints, `127.0.0.1:port`, in member order. */
  get endpoints(): string[] {
    return this.members.map((m) => `127.0.0.1:${m.clientPort}`);
  }

  get size(): number {
    return this.members.length;
  }

  private member(index: number): Member {
    const member = this.members[index];
    if (member === undefined) throw new RangeError(`no etcd member ${index}`);
    return member;
  }

  private spawn(index: number, state: 'new' | 'existing'): void {
    const m = this.member(index);
    const initialCluster = this.members
      .map((x) => `${x.name}=http://127.0.0.1:${x.peerPort}`)
      .join(',');
    const client = `${this.tls === undefined ? 'http' : 'https'}://127.0.0.1:${m.clientPort}`;
    const peer = `http://127.0.0.1:${m.peerPort}`;
    const args = [
      ...['--name', m.name, '--data-dir', m.dataDir],
      ...['--listen-client-urls', client, '--advertise-client-urls', client],
      ...['--listen-peer-urls', peer, '--initial-advertise-peer-urls', peer],
      ...['--initial-cluster', initialCluster, '--initial-cluster-state', state],
      ...['--initial-cluster-token', path.basename(this.dir)],
      ...['--logger', 'zap', '--log-outputs', 'stderr', '--log-level', 'warn'],
      ...this.tlsArgs(),
      ...this.args,
    ];
    const child = spawn(ETCD_BIN, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr?.on('data', (chunk: Buffer) => {
      m.log = (m.log + chunk.toString('utf8')).slice(-LOG_TAIL_BYTES);
    });
    m.child = child;
  }

  private tlsArgs(): string[] {
    const tls = this.tls;
    if (tls === undefined) return [];
    const args = ['--cert-file', tls.certFile, '--key-file', tls.keyFile];
    args.push('--trusted-ca-file', tls.caFile);
    if (tls.clientCertAuth !== undefined) args.push('--client-cert-auth');
    return args;
  }

  private async ready(): Promise<void> {
    await until(async () => {
      for (const m of this.members) {
        if (m.child === undefined) continue;
        if (m.child.exitCode !== null || m.child.signalCode !== null)
          throw new Error(`etcd ${m.name} exited (${m.child.exitCode}); its log ends:\n${m.log}`);
        if (!(await healthy(m.clientPort, this.tls))) return false;
      }
      return true;
    }, 'etcd to be healthy');
  }

  /** Stops member `index` (SIGTERM: a clean stop; SIGKILL: a crash) and waits for its exit. */
  async stopMember(index: number, signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    const m = this.member(index);
    const child = m.child;
    m.child = undefined;
    if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    if (child.pid !== undefined) process.kill(child.pid, signal);
    await exited;
  }

  /** Starts a stopped member again on its data directory and ports; waits for health. */
  async startMember(index: number): Promise<void> {
    if (this.member(index).child !== undefined) return;
    this.spawn(index, 'existing');
    await this.ready();
  }

  /** Freezes member `index` (SIGSTOP): connections stay open, nothing is answered. */
  pauseMember(index: number): void {
    const pid = this.member(index).child?.pid;
    if (pid !== undefined) process.kill(pid, 'SIGSTOP');
  }

  resumeMember(index: number): void {
    const pid = this.member(index).child?.pid;
    if (pid !== undefined) process.kill(pid, 'SIGCONT');
  }

  async restartMember(index: number, signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    await this.stopMember(index, signal);
    await this.startMember(index);
  }

  /** Stops every member and removes the data. */
  async stop(): Promise<void> {
    for (let i = 0; i < this.members.length; i++) {
      this.resumeMember(i);
      await this.stopMember(i, 'SIGKILL');
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
