// Real Redis Cluster nodes for integration tests: N `redis-server --cluster-enabled yes`
// processes on 127.0.0.1 (Debian's /usr/bin/redis-server), each on a kernel-chosen free port
// in its own temporary directory, ready once PING answers PONG; `create(k)` makes the first
// k of them a cluster of k masters with `redis-cli --cluster create` (the layout
// assignSlots reproduces) and waits until each reports cluster_state:ok. The others stay
// empty and unjoined, to be added by the test.
//
// Persistence: none (no RDB, no AOF) — the tests never restart a node.
// Fault model: a node that exits before answering (e.g. its port taken between freePort and
// bind) is started again on a fresh port, up to START_ATTEMPTS times, then reported with its
// log. Only processes started here are signalled, by pid; stop() removes the directories.

import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from '../../src/runtime/launcher/free-port.js';
import { until } from '../../src/runtime/testing/wait.js';
import { pingsBack, REDIS_BIN } from './redis.js';

export const REDIS_CLI = '/usr/bin/redis-cli';
const START_ATTEMPTS = 3;
const LOG_TAIL_BYTES = 8 * 1024;

interface ClusterNodeProcess {
  readonly port: number;
  readonly child: ChildProcess;
  log: string;
}

function spawnNode(dir: string, port: number): ClusterNodeProcess {
  const home = path.join(dir, String(port));
  fs.mkdirSync(home, { recursive: true });
  const args = [
    ...['--port', String(port), '--bind', '127.0.0.1', '--dir', home, '--save', ''],
    ...['--appendonly', 'no', '--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf'],
    ...['--daemonize', 'no', '--logfile', '', '--loglevel', 'warning'],
  ];
  const child = spawn(REDIS_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const node: ClusterNodeProcess = { port, child, log: '' };
  const keep = (chunk: Buffer): void => {
    node.log = (node.log + chunk.toString('utf8')).slice(-LOG_TAIL_BYTES);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  return node;
}

/** Waits for PONG; false if the process exited first (the caller may retry another port). */
async function answers(node: ClusterNodeProcess): Promise<boolean> {
  let exited = false;
  await until(async () => {
    exited = node.child.exitCode !== null || node.child.signalCode !== null;
    return exited || (await pingsBack(node.port));
  }, `redis-server on ${node.port} to answer PING`);
  return !exited;
}

export class RedisClusterNodes {
  private constructor(
    readonly dir: string,
    private readonly nodes: ClusterNodeProcess[],
  ) {}

  /** Starts `count` empty cluster-enabled servers. */
  static async start(count: number): Promise<RedisClusterNodes> {
    if (!fs.existsSync(REDIS_BIN)) throw new Error(`${REDIS_BIN} is missing`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-redis-cluster-'));
    const started = new RedisClusterNodes(dir, []);
    try {
      for (let i = 0; i < count; i++) started.nodes.push(await startOne(dir));
    } catch (error) {
      await started.stop();
      throw error;
    }
    return started;
  }

  /** `127.0.0.1:port` per node, in start order. */
  get addresses(): string[] {
    return this.nodes.map((n) => `127.0.0.1:${n.port}`);
  }

  get endpoints(): { host: string; port: number }[] {
    return this.nodes.map((n) => ({ host: '127.0.0.1', port: n.port }));
  }

  /** The first `masters` nodes become a cluster (redis-cli's layout); waits for state ok. */
  async create(masters: number): Promise<void> {
    const members = this.addresses.slice(0, masters);
    const created = spawnSync(REDIS_CLI, ['--cluster', 'create', ...members, '--cluster-yes'], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (created.status !== 0)
      throw new Error(`redis-cli --cluster create failed:\n${created.stdout}${created.stderr}`);
    await until(async () => {
      for (const { port } of this.nodes.slice(0, masters))
        if (!(await this.info(port)).includes('cluster_state:ok')) return false;
      return true;
    }, 'every master to report cluster_state:ok');
  }

  private async info(port: number): Promise<string> {
    const redis = new Redis({ host: '127.0.0.1', port, lazyConnect: true });
    try {
      await redis.connect();
      return String(await redis.call('CLUSTER', 'INFO'));
    } finally {
      redis.disconnect();
    }
  }

  /** SIGKILLs every node (by the pid started here) and removes the directories. */
  async stop(): Promise<void> {
    for (const { child } of this.nodes) {
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) continue;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(child.pid, 'SIGKILL');
      await exited;
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

async function startOne(dir: string): Promise<ClusterNodeProcess> {
  let last: ClusterNodeProcess | undefined;
  for (let attempt = 0; attempt < START_ATTEMPTS; attempt++) {
    last = spawnNode(dir, await freePort());
    if (await answers(last)) return last;
  }
  throw new Error(`redis-server did not start; its log ends:\n${last?.log ?? ''}`);
}
