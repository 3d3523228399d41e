// Three `cohort broker --id N --peers …` processes on 127.0.0.1 (the broker's replicated
// mode), each restartable with its data directory kept, for the real-process tests
// (test/broker-replicated*.test.ts).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ReplicatedBrokerClient } from '../../src/comm/broker/replicated-client.js';
import { freePort } from '../../src/runtime/launcher/free-port.js';
import { NodeProcess } from '../../src/runtime/launcher/node-process.js';
import { COHORT_ARGV } from './cohort-argv.js';

export class ReplicatedCluster {
  readonly procs: (NodeProcess | undefined)[] = [];

  private constructor(
    readonly dir: string,
    readonly clientPorts: number[],
    readonly peers: string,
  ) {}

  /** Starts the three brokers; `cleanup` gets their stop. */
  static async start(cleanup: (() => Promise<void> | void)[]): Promise<ReplicatedCluster> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-broker-raft-'));
    const ports: number[] = [];
    for (let i = 0; i < 6; i++) ports.push(await freePort());
    const peers = [1, 2, 3].map((id) => `${id}=127.0.0.1:${ports[2 + id]}`).join(',');
    const c = new ReplicatedCluster(dir, ports.slice(0, 3), peers);
    cleanup.push(() => c.stop());
    await Promise.all([1, 2, 3].map((id) => c.restart(id)));
    return c;
  }

  get addresses(): string[] {
    return this.clientPorts.map((p) => `127.0.0.1:${p}`);
  }

  async restart(id: number): Promise<void> {
    const argv = [
      ...COHORT_ARGV,
      'broker',
      '--id',
      String(id),
      '--peers',
      this.peers,
      '--insecure-peers',
      '--listen',
      `127.0.0.1:${this.clientPorts[id - 1]}`,
      '--data-dir',
      path.join(this.dir, `b${id}`),
    ];
    const log = path.join(this.dir, `b${id}.log`);
    const proc = new NodeProcess(argv, log);
    this.procs[id - 1] = proc;
    try {
      await proc.ready;
    } catch (error) {
      const tail = fs.readFileSync(log, 'utf8').slice(-4000);
      throw new Error(`${(error as Error).message}\n${tail}`);
    }
  }

  async kill(id: number): Promise<void> {
    const p = this.procs[id - 1];
    p?.kill('SIGKILL');
    await p?.exited;
    this.procs[id - 1] = undefined;
  }

  async stop(): Promise<void> {
    for (const id of [1, 2, 3]) await this.kill(id);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Who some live broker names as the leader of `group` ('meta' or a partition); null: none. */
export async function leaderOf(
  client: ReplicatedBrokerClient,
  topic: string,
  partition: number | 'meta',
): Promise<number | null> {
  for (const b of client.clients) {
    const m = await b.metadata(partition === 'meta' ? '' : topic).catch(() => undefined);
    const leader = partition === 'meta' ? (m?.metaLeader ?? null) : (m?.leaders[partition] ?? null);
    if (leader !== null) return leader;
  }
  return null;
}
