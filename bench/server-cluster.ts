// The servers `cohort bench server` drives: a Cohort cluster (`cohort serve`, one process per
// member, started with the same node and entry point as the running CLI) or a real etcd 3.4
// (/usr/bin/etcd), each member on 127.0.0.1 with kernel-chosen free ports and its data in a
// temporary directory on the same disk. Both fsync on commit (their defaults). A cluster is
// ready once every member answers Status and they agree on one leader; the benchmark talks
// to the leader (both forward from followers, but one hop fewer is the fair best case).
// The CPU time and RSS of the member processes are read from /proc.
//
// Fault model: a member may fail to start (a port taken meanwhile, a missing binary, a bug):
// start() throws with the tail of its log and stops the members it started. Only the pids
// started here are ever signalled (SIGTERM, then SIGKILL past a deadline).

import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connect } from '../src/client/index.js';
import { freePort } from '../src/runtime/launcher/free-port.js';
import { until } from '../src/runtime/testing/wait.js';

export type ServerKind = 'cohort' | 'etcd';

export const ETCD_BIN = '/usr/bin/etcd';
const LOG_TAIL_BYTES = 8 * 1024;
const STOP_DEADLINE_MS = 10_000;
/** Linux's USER_HZ: /proc/<pid>/stat counts CPU time in these ticks. */
const TICKS_PER_SECOND = 100;

export interface ClusterOptions {
  readonly kind: ServerKind;
  readonly members: number;
  /** How to run the `cohort` CLI: [node, ...node flags, entry script]. */
  readonly cohortArgv: readonly string[];
  /** Cohort only: write a V8 CPU profile per member into this directory (node --cpu-prof). */
  readonly cpuProfileDir?: string;
}

interface Member {
  readonly name: string;
  readonly clientPort: number;
  readonly peerPort: number;
  readonly dataDir: string;
  child?: ChildProcess;
  log: string;
}

/** CPU seconds (user + system) and resident bytes of a set of processes at one instant. */
export interface ProcessSample {
  readonly cpuSeconds: number;
  readonly rssBytes: number;
  /**
   * The anonymous part of the RSS: without file pages mapped in (etcd's bbolt database is
   * an mmapped file, so its pages count in VmRSS but the kernel may drop them at will).
   */
  readonly anonBytes: number;
}

/** /proc/<pid>/stat fields 14 and 15 (utime, stime), after the parenthesised command name. */
function cpuSecondsOf(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): utime is field 14, stime field 15.
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** Resident bytes of a process: VmRSS, and its anonymous part (heap, stacks: not file pages). */
function rssBytesOf(pid: number): { rss: number; anon: number } {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB$`, 'm').exec(status);
    return m === null ? 0 : Number(m[1]) * 1024;
  };
  return { rss: kb('VmRSS'), anon: kb('RssAnon') };
}

export class ServerCluster {
  /** Client endpoints, the leader's first. */
  endpoints: string[] = [];

  private constructor(
    readonly kind: ServerKind,
    private readonly dir: string,
    private readonly members: Member[],
  ) {}

  static async start(options: ClusterOptions): Promise<ServerCluster> {
    if (options.kind === 'etcd' && !fs.existsSync(ETCD_BIN))
      throw new Error(`${ETCD_BIN} is missing: apt-get install etcd-server`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `cohort-bench-${options.kind}-`));
    const members: Member[] = [];
    for (let i = 1; i <= options.members; i++) {
      members.push({
        name: `m${i}`,
        clientPort: await freePort(),
        peerPort: await freePort(),
        dataDir: path.join(dir, `m${i}`),
        log: '',
      });
    }
    const cluster = new ServerCluster(options.kind, dir, members);
    try {
      const secretFile = path.join(dir, 'cluster.secret');
      fs.writeFileSync(secretFile, randomBytes(32).toString('hex'), { mode: 0o600 });
      for (const m of members) cluster.spawn(m, options, secretFile);
      await cluster.ready();
    } catch (error) {
      await cluster.stop();
      throw error;
    }
    return cluster;
  }

  /** The summed CPU time and RSS of the member processes now. */
  sample(): ProcessSample {
    let cpuSeconds = 0;
    let rssBytes = 0;
    let anonBytes = 0;
    for (const m of this.members) {
      const pid = m.child?.pid;
      if (pid === undefined) continue;
      cpuSeconds += cpuSecondsOf(pid);
      const { rss, anon } = rssBytesOf(pid);
      rssBytes += rss;
      anonBytes += anon;
    }
    return { cpuSeconds, rssBytes, anonBytes };
  }

  /** Stops every member we started (by pid) and removes the data. */
  async stop(): Promise<void> {
    await Promise.all(this.members.map((m) => stopChild(m.child)));
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private spawn(m: Member, options: ClusterOptions, secretFile: string): void {
    const initialCluster = this.members
      .map((x) => `${x.name}=http://127.0.0.1:${x.peerPort}`)
      .join(',');
    const client = `http://127.0.0.1:${m.clientPort}`;
    const peer = `http://127.0.0.1:${m.peerPort}`;
    const common = [
      ...['--name', m.name, '--data-dir', m.dataDir],
      ...['--listen-client-urls', client, '--advertise-client-urls', client],
      ...['--listen-peer-urls', peer, '--initial-advertise-peer-urls', peer],
      ...['--initial-cluster', initialCluster, '--initial-cluster-state', 'new'],
      ...['--initial-cluster-token', path.basename(this.dir)],
    ];
    let child: ChildProcess;
    if (options.kind === 'etcd') {
      const logging = ['--logger', 'zap', '--log-outputs', 'stderr', '--log-level', 'warn'];
      child = spawn(ETCD_BIN, [...common, ...logging], { stdio: ['ignore', 'ignore', 'pipe'] });
    } else {
      const [node, ...rest] = options.cohortArgv as [string, ...string[]];
      const profile =
        options.cpuProfileDir === undefined
          ? []
          : [
              '--cpu-prof',
              '--cpu-prof-dir',
              options.cpuProfileDir,
              '--cpu-prof-name',
              `${m.name}.cpuprofile`,
            ];
      const peers = this.members.length > 1 ? ['--cluster-secret-file', secretFile] : [];
      const args = [...profile, ...rest, 'serve', ...common, ...peers, '--log-level', 'warn'];
      child = spawn(node, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    }
    child.stderr?.on('data', (chunk: Buffer) => {
      m.log = (m.log + chunk.toString('utf8')).slice(-LOG_TAIL_BYTES);
    });
    m.child = child;
  }

  /** Every member answers Status and all name the same leader; the leader goes first. */
  private async ready(): Promise<void> {
    let leaderAt = -1;
    await until(
      async () => {
        for (const m of this.members) {
          const c = m.child;
          if (c === undefined || c.exitCode !== null || c.signalCode !== null)
            throw new Error(
              `${this.kind} ${m.name} exited (${c?.exitCode}); its log ends:\n${m.log}`,
            );
        }
        const statuses = await Promise.all(this.members.map((m) => statusOf(m.clientPort)));
        const leader = statuses[0]?.leader;
        if (leader === undefined || leader === 0n) return false;
        if (statuses.some((s) => s?.leader !== leader)) return false;
        leaderAt = statuses.findIndex((s) => s?.memberId === leader);
        return leaderAt >= 0;
      },
      `${this.kind} (${this.members.length} members) to elect a leader`,
      60_000,
    );
    const ports = this.members.map((m) => m.clientPort);
    const leader = ports.splice(leaderAt, 1);
    this.endpoints = [...leader, ...ports].map((p) => `127.0.0.1:${p}`);
  }
}

/** Status of the member on `port`: its leader (0n: none yet; undefined: no answer). */
async function statusOf(port: number): Promise<{ leader: bigint; memberId: bigint } | undefined> {
  try {
    const client = await connect({ endpoints: [`127.0.0.1:${port}`], dialTimeoutMs: 500 });
    try {
      const s = await client.status({ timeoutMs: 1000 });
      return { leader: s.leader, memberId: s.header.memberId };
    } finally {
      client.close();
    }
  } catch {
    return undefined;
  }
}

async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (child === undefined || child.pid === undefined) return;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(child.pid, 'SIGTERM');
  const deadline = setTimeout(() => {
    if (child.pid !== undefined && child.exitCode === null && child.signalCode === null)
      process.kill(child.pid, 'SIGKILL');
  }, STOP_DEADLINE_MS);
  await exited;
  clearTimeout(deadline);
}
