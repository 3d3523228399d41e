// Cohort's own server (`cohort serve`, run from source as test/support/cohort-argv.ts does) for
// the client tests, with the same handle as a real etcd (api-servers.ts: ApiServer): one or
// more members on 127.0.0.1 with kernel-chosen free ports, each with its own data directory
// in a temporary directory, ready once its JSON ready line is on stdout and every running
// member's /health says true (a leader is known and a linearizable read went through).
// Several members authenticate to each other with a generated cluster secret (mode 0600).
// Members can be stopped (SIGTERM or SIGKILL, by the pid we started — nothing else is ever
// signalled), frozen (SIGSTOP) and started again on the same data directory and ports.
//
// Fault model: a member may fail to start (a free port taken meanwhile: the whole start is
// retried with fresh ports, startOnFreshPorts; anything else throws with the tail of its log;
// restarts keep their ports, and a clash there throws with the log). A member that exits
// unexpectedly is reported by the next readiness wait, not silently restarted.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, startOnFreshPorts } from '../../src/runtime/launcher/free-port.js';
import { NodeProcess } from '../../src/runtime/launcher/node-process.js';
import { until } from '../../src/runtime/testing/wait.js';
import { ensureSecretFile } from '../../src/runtime/transport/secret-file.js';
import type { ApiServer } from './api-servers.js';
import { COHORT_ARGV } from './cohort-argv.js';
import { type EtcdOptions, healthy } from './etcd.js';

const LOG_TAIL_BYTES = 16 * 1024;
/** A start that has not become healthy by then fails with every member's log tail. */
const START_LIMIT_MS = 90_000;

/** `cohort serve`'s ready line (cli/serve-command.ts). */
interface ServeReady {
  readonly event: 'ready';
  readonly clientUrl: string;
  readonly pid: number;
}

interface Member {
  readonly name: string;
  readonly dataDir: string;
  readonly logFile: string;
  clientPort: number;
  peerPort: number;
  /** Where the other members dial this one: its peer port, or a proxy in front of it. */
  frontPort: number;
  proc: NodeProcess | undefined;
}

export interface CohortOptions extends EtcdOptions {
  /**
   * Puts something (test/support/peer-proxy.ts) in front of member `index`'s peer port:
   * returns the port the other members dial instead (--initial-cluster names it).
   */
  readonly peerFront?: (index: number, peerPort: number) => Promise<number>;
}

function logTail(file: string): string {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text.slice(-LOG_TAIL_BYTES);
  } catch {
    return '(no log)';
  }
}

export class CohortServer implements ApiServer {
  private constructor(
    readonly dir: string,
    private readonly members: Member[],
    private readonly options: CohortOptions,
  ) {}

  /** Starts `members` fresh members (default 1) and waits until every one is healthy. */
  static async start(options: CohortOptions = {}): Promise<CohortServer> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-serve-'));
    const members: Member[] = [];
    for (let i = 1; i <= (options.members ?? 1); i++) {
      const name = `m${i}`;
      const dataDir = path.join(dir, name);
      const logFile = path.join(dir, `${name}.log`);
      members.push({
        name,
        dataDir,
        logFile,
        clientPort: 0,
        peerPort: 0,
        frontPort: 0,
        proc: undefined,
      });
    }
    const server = new CohortServer(dir, members, options);
    if (members.length > 1) ensureSecretFile(server.secretFile);
    try {
      await startOnFreshPorts(
        async (choose) => {
          for (const [i, m] of members.entries()) {
            m.clientPort = await choose();
            m.peerPort = await choose();
            m.frontPort = (await options.peerFront?.(i, m.peerPort)) ?? m.peerPort;
            // A log of this attempt only: an earlier attempt's clash must not excuse this one.
            fs.rmSync(m.logFile, { force: true });
          }
          await server.startFresh();
        },
        // cli/serve-command.ts: `address in use: listen EADDRINUSE …`.
        () => members.some((m) => logTail(m.logFile).includes('address in use')),
      );
    } catch (error) {
      fs.rmSync(dir, { recursive: true, force: true });
      throw error;
    }
    return server;
  }

  /** One start of every member on its chosen ports; a failed one is killed and its data gone. */
  private async startFresh(): Promise<void> {
    const members = this.members;
    const initialCluster = members
      .map((x) => `${x.name}=http://127.0.0.1:${x.frontPort}`)
      .join(',');
    const token = path.basename(this.dir);
    for (const m of members) {
      const peerUrl = `http://127.0.0.1:${m.frontPort}`;
      await this.options.prepare?.({
        name: m.name,
        dataDir: m.dataDir,
        peerUrl,
        initialCluster,
        token,
      });
    }
    try {
      await this.within(START_LIMIT_MS, async () => {
        await Promise.all(members.map((_, i) => this.spawn(i)));
        await this.ready();
      });
    } catch (error) {
      await this.killAll();
      for (const m of members) fs.rmSync(m.dataDir, { recursive: true, force: true });
      throw error;
    }
  }

  /** Runs `work`; past `limitMs` it fails naming what every member logged. */
  private async within(limitMs: number, work: () => Promise<void>): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const tails = this.members.map((m) => `--- ${m.name}:\n${logTail(m.logFile)}`);
        reject(new Error(`cohort serve not healthy after ${limitMs} ms\n${tails.join('\n')}`));
      }, limitMs);
    });
    try {
      await Promise.race([work(), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Client endpoints, `127.0.0.1:port`, in member order. */
  get endpoints(): string[] {
    return this.members.map((m) => `127.0.0.1:${m.clientPort}`);
  }

  /** Member `index`'s peer port (where it listens; other members may dial a proxy). */
  peerPort(index: number): number {
    return this.member(index).peerPort;
  }

  /** The pid of member `index` while it runs. */
  pid(index: number): number | undefined {
    return this.member(index).proc?.pid;
  }

  /** The transport's cluster id of these members (serve.ts: `cohort-serve/<token>`). */
  get peerClusterId(): string {
    return `cohort-serve/${path.basename(this.dir)}`;
  }

  /** The WAL directory of member `index` (serve.ts: <data-dir>/wal). */
  walDir(index: number): string {
    return path.join(this.member(index).dataDir, 'wal');
  }

  private get secretFile(): string {
    return path.join(this.dir, 'cluster.secret');
  }

  private member(index: number): Member {
    const member = this.members[index];
    if (member === undefined) throw new RangeError(`no cohort member ${index}`);
    return member;
  }

  /**
   * Ports and a data directory for one more member (named as `etcdctl member add` will
   * name it), not started: its peer URL is what `member add` is given; `startJoining` then
   * starts it.
   */
  async newMember(
    name = `m${this.members.length + 1}`,
  ): Promise<{ index: number; peerUrl: string }> {
    const index = this.members.length;
    const [clientPort, peerPort] = [await freePort(), await freePort()];
    this.members.push({
      name,
      dataDir: path.join(this.dir, name),
      logFile: path.join(this.dir, `${name}.log`),
      ...{ clientPort, peerPort, frontPort: peerPort, proc: undefined },
    });
    return { index, peerUrl: `http://127.0.0.1:${peerPort}` };
  }

  /** Starts member `index` with --initial-cluster-state existing (as member add printed). */
  async startJoining(index: number, initialCluster: string): Promise<void> {
    const joining = ['--initial-cluster', initialCluster, '--initial-cluster-state', 'existing'];
    await this.spawn(index, joining);
    await this.ready();
  }

  /** The name of member `index` (m1, m2, …). */
  memberName(index: number): string {
    return this.member(index).name;
  }

  /** Spawns member `index`; resolves with its ready line (checked against the pid). */
  private async spawn(index: number, extra: readonly string[] = []): Promise<void> {
    const m = this.member(index);
    const tls = this.options.tls;
    const initialCluster = this.members
      .map((x) => `${x.name}=http://127.0.0.1:${x.frontPort}`)
      .join(',');
    const client = `${tls === undefined ? 'http' : 'https'}://127.0.0.1:${m.clientPort}`;
    const argv = [
      ...COHORT_ARGV,
      'serve',
      ...['--name', m.name, '--data-dir', m.dataDir],
      ...['--listen-client-urls', client],
      ...['--listen-peer-urls', `http://127.0.0.1:${m.peerPort}`],
      ...['--initial-advertise-peer-urls', `http://127.0.0.1:${m.frontPort}`],
      ...['--initial-cluster', initialCluster],
      ...['--initial-cluster-token', path.basename(this.dir)],
      ...['--log-level', 'info'],
      ...(this.members.length > 1 ? ['--cluster-secret-file', this.secretFile] : []),
      ...(tls === undefined ? [] : ['--cert-file', tls.certFile, '--key-file', tls.keyFile]),
      ...(tls === undefined ? [] : ['--trusted-ca-file', tls.caFile]),
      ...(tls?.clientCertAuth === undefined ? [] : ['--client-cert-auth']),
      ...(this.options.args ?? []),
      ...extra,
    ];
    const proc = new NodeProcess(argv, m.logFile);
    m.proc = proc;
    const ready = (await proc.ready.catch((error: Error) => {
      throw new Error(`cohort ${m.name}: ${error.message}; its log ends:\n${logTail(m.logFile)}`);
    })) as unknown as ServeReady;
    if (ready.pid !== proc.pid || ready.clientUrl !== client)
      throw new Error(`cohort ${m.name}: unexpected ready line ${JSON.stringify(ready)}`);
  }

  private async ready(): Promise<void> {
    await until(async () => {
      for (const m of this.members) {
        if (m.proc === undefined) continue;
        if (!m.proc.alive)
          throw new Error(`cohort ${m.name} exited; its log ends:\n${logTail(m.logFile)}`);
        if (!(await healthy(m.clientPort, this.options.tls))) return false;
      }
      return true;
    }, 'cohort serve to be healthy');
  }

  /** Stops member `index` (SIGTERM: a clean stop; SIGKILL: a crash) and waits for its exit. */
  async stopMember(index: number, signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    const m = this.member(index);
    const proc = m.proc;
    m.proc = undefined;
    if (proc === undefined || !proc.alive) return;
    // A frozen process does not act on SIGTERM until it runs again.
    proc.kill('SIGCONT');
    proc.kill(signal);
    await proc.exited;
  }

  /** Starts a stopped member again on its data directory and ports; waits for health. */
  async startMember(index: number): Promise<void> {
    if (this.member(index).proc !== undefined) return;
    await this.spawn(index);
    await this.ready();
  }

  async restartMember(index: number, signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    await this.stopMember(index, signal);
    await this.startMember(index);
  }

  /** Freezes member `index` (SIGSTOP): connections stay open, nothing is answered. */
  pauseMember(index: number): void {
    this.member(index).proc?.kill('SIGSTOP');
  }

  resumeMember(index: number): void {
    this.member(index).proc?.kill('SIGCONT');
  }

  private async killAll(): Promise<void> {
    for (let i = 0; i < this.members.length; i++) await this.stopMember(i, 'SIGKILL');
  }

  /** Stops every member and removes the data. */
  async stop(): Promise<void> {
    await this.killAll();
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}
