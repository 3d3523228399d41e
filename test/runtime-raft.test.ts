// consensus/raft across real processes (issue 9): `cohort node` processes over TCP with
// write-ahead logs, behind the chaos layer's proxies. Two clients read, write and
// compare-and-swap continuously through the local APIs while the leader is SIGKILLed and
// restarted and then cut off by a partition that later heals; afterwards every key is read
// once more, and the whole history must pass the linearizability checker (so no
// acknowledged write was lost). A follower whose WAL tail was torn mid-record recovers.
// Outcomes only: each phase lasts until writes were acknowledged in it (no sleeps), and the
// limits turn a hang into a failure, they measure nothing.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { crc32c } from '@node-rs/crc32';
import { afterEach, describe, expect, it } from 'vitest';
import type { KvOp } from '../src/algorithms/consensus/raft/client-api.js';
import { encodeStep } from '../src/core/step-record.js';
import { NO_FAULTS } from '../src/runtime/chaos/link-proxy.js';
import { LocalCluster } from '../src/runtime/launcher/local-cluster.js';
import { until } from '../src/runtime/testing/wait.js';
import { checkLinearizability } from '../src/sim/linearizability/index.js';
import { COHORT_ARGV } from './support/cohort-argv.js';
import { KvClient } from './support/kv-client.js';
import { leaderOf, raftStateOf } from './support/raft-state.js';

const clusters: LocalCluster[] = [];
afterEach(async () => {
  await Promise.all(clusters.splice(0).map((c) => c.stop()));
});

async function startCluster(nodes: number): Promise<LocalCluster> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-raft-'));
  const cluster = new LocalCluster({
    algorithm: 'consensus/raft',
    nodes,
    dataDir: dir,
    clusterId: `test-${path.basename(dir)}`,
    cohort: COHORT_ARGV,
    chaos: true,
  });
  clusters.push(cluster);
  await cluster.start();
  return cluster;
}

/** Waits until node `id` has committed all that `leader` had committed when called. */
async function catchUp(cluster: LocalCluster, id: number, leader: number, what: string) {
  const target = (await raftStateOf(cluster, leader))?.commitIndex ?? 0;
  await until(async () => ((await raftStateOf(cluster, id))?.commitIndex ?? 0) >= target, what);
}

function isolate(cluster: LocalCluster, id: number, blocked: boolean): void {
  for (const other of cluster.ids) {
    if (other === id) continue;
    const faults = { ...NO_FAULTS, blocked };
    cluster.setLink(id, other, faults);
    cluster.setLink(other, id, faults);
  }
}

const KEYS = ['x', 'y'];

/** Writes (puts and compare-and-swaps) the clients have had acknowledged so far. */
interface Progress {
  acked: number;
}

/** Waits until the clients have had more writes acknowledged than now: the cluster serves. */
async function moreAcked(progress: Progress, when: string): Promise<void> {
  const from = progress.acked;
  await until(() => progress.acked >= from + 3, `writes acknowledged ${when}`);
}

/** Keeps a client busy until `done()`: reads, writes and compare-and-swaps on two keys. */
async function workload(
  client: KvClient,
  name: number,
  progress: Progress,
  done: () => boolean,
): Promise<void> {
  const seen = new Map<string, string | null>();
  for (let i = 1; !done(); i++) {
    const key = KEYS[i % KEYS.length] as string;
    const value = `${name}.${i}`;
    const op: KvOp =
      i % 3 === 0
        ? { type: 'get', key }
        : i % 3 === 1
          ? { type: 'put', key, value }
          : { type: 'cas', key, expected: seen.get(key) ?? null, value };
    const reply = await client.run(op);
    if (reply?.ok === true && op.type !== 'get') progress.acked++;
    if (reply !== undefined)
      seen.set(
        key,
        op.type === 'get' ? (reply.value ?? null) : reply.ok ? value : (reply.value ?? null),
      );
  }
}

async function finalHistory(cluster: LocalCluster, clients: KvClient[]) {
  const reader = new KvClient(cluster, 999);
  for (const key of KEYS) expect((await reader.run({ type: 'get', key }))?.ok).toBe(true);
  return [...clients, reader].flatMap((c) => c.events).sort((a, b) => a.time - b.time);
}

describe('consensus/raft across real processes', () => {
  it.each([3, 5])(
    '%i servers stay linearizable through a SIGKILLed leader and a partition',
    async (n) => {
      const cluster = await startCluster(n);
      await leaderOf(cluster);
      const clients = [new KvClient(cluster, 101), new KvClient(cluster, 102)];
      const progress: Progress = { acked: 0 };
      let done = false;
      const work = clients.map((c, i) => workload(c, 101 + i, progress, () => done));
      // Each phase lasts until the clients have had writes acknowledged in it: the history
      // then holds operations before, across and after every fault.
      await moreAcked(progress, 'before the leader is killed');
      const first = await leaderOf(cluster);
      expect((await cluster.kill(first))?.signal).toBe('SIGKILL');
      await until(async () => (await leaderOf(cluster)) !== first, 'a new leader');
      await moreAcked(progress, 'by the new leader');
      await cluster.restart(first);
      const second = await leaderOf(cluster);
      await catchUp(cluster, first, second, 'the killed leader caught up');
      await moreAcked(progress, 'with the killed leader back');
      isolate(cluster, second, true);
      let third = 0;
      await until(async () => {
        for (const id of cluster.ids)
          if (id !== second && (await raftStateOf(cluster, id))?.role === 'leader') third = id;
        return third !== 0;
      }, 'a leader on the majority side');
      await moreAcked(progress, 'while the leader is cut off');
      isolate(cluster, second, false);
      await catchUp(cluster, second, third, 'the cut-off leader caught up');
      await moreAcked(progress, 'once the partition healed');
      done = true;
      await Promise.all(work);
      const verdict = checkLinearizability(await finalHistory(cluster, clients), 'kv');
      expect(verdict.explanation).toBeUndefined();
      expect(verdict.linearizable).toBe(true);
    },
  );

  it('a follower whose last write-ahead-log record was torn recovers and catches up', async () => {
    const cluster = await startCluster(3);
    const leader = await leaderOf(cluster);
    const client = new KvClient(cluster, 201);
    for (let i = 0; i < 20; i++) await client.run({ type: 'put', key: 'x', value: `v${i}` });
    const follower = cluster.ids.find((id) => id !== leader) as number;
    await cluster.kill(follower);
    const dir = path.join(cluster.o.dataDir, `node-${follower}`);
    const segments = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.wal'))
      .sort();
    const last = path.join(dir, segments.at(-1) as string);
    // The write in progress when the process died reached the disk only in part: half of a
    // record follows the last complete one. (Cutting an acknowledged record instead would
    // lose data Raft was promised, which no crash can do: acknowledgements follow fsync.)
    const torn = encodeStep(1_000_000, [['set', 'hard', { term: 99, votedFor: 9 }]], crc32c);
    fs.appendFileSync(last, torn.subarray(0, Math.floor(torn.length / 2)));
    for (let i = 20; i < 30; i++) await client.run({ type: 'put', key: 'x', value: `v${i}` });
    await cluster.restart(follower);
    await catchUp(cluster, follower, leader, 'the follower caught up');
    const log = fs.readFileSync(path.join(cluster.o.dataDir, `node-${follower}.log`), 'utf8');
    expect(log).toMatch(/torn tail/);
    const verdict = checkLinearizability(await finalHistory(cluster, [client]), 'kv');
    expect(verdict.linearizable).toBe(true);
  });
});
