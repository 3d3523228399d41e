// Live slot migration against a real Redis Cluster (issue 19, "Slot migration"): four
// `redis-server --cluster-enabled yes` processes, three made a cluster by redis-cli, keys
// loaded through ioredis's Cluster client. Then, while clients keep reading and writing
// through ioredis Cluster (which follows ASK and MOVED):
//   - the fourth server is added and the slots rebalanced (the library, with a hook that
//     stops inside half-migrated slots: some keys already on the target, answered by ASK,
//     the rest still on the source — every one readable and writable through the client);
//   - a master is removed with `cohort cluster rebalance` from source (drained: 0 slots).
// After each: every key holds its last acknowledged value, no key is lost or duplicated
// (the masters' DBSIZE adds up to the model), and slot counts are ⌊16384/M⌋ or ⌈16384/M⌉.
//
// Fault model: none injected; no timing thresholds — waits are conditions with deadlines.

import { spawn, spawnSync } from 'node:child_process';
import { Cluster, Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignSlots, keyHashSlot, planRebalance } from '../src/cluster/partition/index.js';
import { parseClusterNodes, rebalance, slotOwners } from '../src/cluster/rebalance/index.js';
import { until } from '../src/runtime/testing/wait.js';
import { COHORT_ARGV } from './support/cohort-argv.js';
import { RedisClusterNodes } from './support/redis-cluster.js';

const PLAIN_KEYS = 2000;
const TAGS = 8;
const KEYS_PER_TAG = 35;
const BATCH_KEYS = 10;
const WORKERS = 4;

let nodes: RedisClusterNodes;
let client: Cluster;
/** Every key's last acknowledged value. */
const model = new Map<string, string>();
const plainKeys: string[] = [];
const tagged = new Map<number, string[]>(); // slot → its tagged keys

beforeAll(async () => {
  nodes = await RedisClusterNodes.start(4);
  await nodes.create(3);
  client = new Cluster(nodes.endpoints.slice(0, 3), { maxRedirections: 64 });
  // Tags whose slot moves to the fourth master, so the hook sees them half-migrated.
  const plan = planRebalance(assignSlots(['a', 'b', 'c']), ['a', 'b', 'c', 'd']);
  for (let t = 0; tagged.size < TAGS; t++) {
    const slot = keyHashSlot(`t${t}`);
    if (plan.after.owner[slot] !== 3 || tagged.has(slot)) continue;
    tagged.set(
      slot,
      Array.from({ length: KEYS_PER_TAG }, (_, j) => `{t${t}}:${j}`),
    );
  }
  for (let i = 0; i < PLAIN_KEYS; i++) plainKeys.push(`k:${i}`);
  const all = [...plainKeys, ...[...tagged.values()].flat()];
  for (let i = 0; i < all.length; i += 200)
    await Promise.all(all.slice(i, i + 200).map((k) => client.set(k, `${k}=0`)));
  for (const k of all) model.set(k, `${k}=0`);
}, 180_000);

afterAll(async () => {
  client?.disconnect();
  await nodes?.stop();
});

/** Clients reading and writing disjoint keys until stopped; every surprise is recorded. */
function startWorkers() {
  let stopping = false;
  let ops = 0;
  const errors: string[] = [];
  const run = async (w: number) => {
    const mine = plainKeys.filter((_, i) => i % WORKERS === w);
    for (let n = 1; !stopping; n++) {
      const key = mine[n % mine.length] as string;
      try {
        const got = await client.get(key);
        if (got !== model.get(key)) errors.push(`${key}: read ${got}, expected ${model.get(key)}`);
        const value = `${key}=${w}.${n}`;
        await client.set(key, value);
        model.set(key, value);
        if (n % 10 === 0) {
          const fresh = `new:${w}:${n}`;
          await client.set(fresh, fresh);
          model.set(fresh, fresh);
        }
        ops++;
      } catch (error) {
        // A worker stops at its first error: one is a failure, and a loop of fast rejections
        // would starve the event loop.
        errors.push(`${key}: ${(error as Error).message}`);
        return;
      }
    }
  };
  const done = Promise.all(Array.from({ length: WORKERS }, (_, w) => run(w)));
  return {
    ops: () => ops,
    stop: async () => {
      stopping = true;
      await done;
      return errors;
    },
  };
}

async function onNode<T>(address: string, body: (r: Redis) => Promise<T>): Promise<T> {
  const [host, port] = address.split(':') as [string, string];
  const redis = new Redis({ host, port: Number(port), lazyConnect: true });
  await redis.connect();
  try {
    return await body(redis);
  } finally {
    redis.disconnect();
  }
}

/** Slots per master as `address` sees them (masters only). */
async function slotCountsSeenBy(address: string): Promise<Map<string, number>> {
  const view = parseClusterNodes(String(await onNode(address, (r) => r.call('CLUSTER', 'NODES'))));
  const owners = slotOwners(view);
  const counts = new Map<string, number>();
  for (const id of owners) {
    const node = view.find((n) => n.id === id);
    counts.set(node?.address ?? id, (counts.get(node?.address ?? id) ?? 0) + 1);
  }
  return counts;
}

/** Every key holds its model value, and the masters hold exactly the model's keys. */
async function expectNoKeyLost(masters: readonly string[]): Promise<void> {
  const keys = [...model.keys()];
  const wrong: string[] = [];
  for (let i = 0; i < keys.length; i += 200) {
    const chunk = keys.slice(i, i + 200);
    const values = await Promise.all(chunk.map((k) => client.get(k)));
    chunk.forEach((k, j) => {
      if (values[j] !== model.get(k)) wrong.push(`${k}: ${values[j]} ≠ ${model.get(k)}`);
    });
  }
  expect(wrong).toEqual([]);
  const sizes = await Promise.all(masters.map((a) => onNode(a, (r) => r.dbsize())));
  expect(sizes.reduce((a, b) => a + b, 0)).toBe(model.size);
}

describe('cohort cluster rebalance on a real Redis Cluster', () => {
  it('adds a fourth master live: keys readable and writable throughout, ASK followed', async () => {
    const [a1, a2, a3, a4] = nodes.addresses as [string, string, string, string];
    const workers = startWorkers();
    const opsBefore = workers.ops();
    const mid = { checks: 0, onSource: 0, asked: 0, errors: [] as string[] };
    const result = await rebalance({
      nodes: [a1, a2, a3, a4],
      batchKeys: BATCH_KEYS,
      onBatch: async (event) => {
        const keys = tagged.get(event.slot);
        if (keys === undefined || event.moved >= keys.length) return;
        // Half-migrated: the source answers for keys it still has and ASKs for the rest.
        for (const key of keys) {
          const direct = await onNode(event.source, (r) =>
            r.get(key).then(
              () => 'source',
              (e: Error) => (e.message.startsWith('ASK') ? 'ask' : e.message),
            ),
          );
          if (direct === 'source') mid.onSource++;
          else if (direct === 'ask') mid.asked++;
          else mid.errors.push(`${key}: ${direct}`);
          const got = await client.get(key);
          if (got !== model.get(key)) mid.errors.push(`${key}: read ${got}`);
          const value = `${key}=mid${mid.checks++}`;
          await client.set(key, value);
          model.set(key, value);
        }
      },
    });
    const opsDuring = workers.ops() - opsBefore;
    expect(await workers.stop()).toEqual([]);
    expect(mid.errors).toEqual([]);
    expect(mid.asked).toBeGreaterThan(0);
    expect(mid.onSource).toBeGreaterThan(0);
    expect(opsDuring).toBeGreaterThan(0);
    expect(result.executed).toBe(true);
    expect(result.added).toEqual([a4]);
    expect(result.plan.moved).toBe(4096);
    const counts = await slotCountsSeenBy(a4);
    expect([...counts.values()]).toEqual([4096, 4096, 4096, 4096]);
    await expectNoKeyLost([a1, a2, a3, a4]);
  }, 600_000);

  it('plans without moving on --dry-run, and refuses a bad node list', () => {
    const [a1, a2, a3, a4] = nodes.addresses as [string, string, string, string];
    const plan = cli(['--dry-run', '--json', '--nodes', `${a1},${a2},${a3}`]);
    expect(plan.status, plan.stderr).toBe(0);
    const doc = JSON.parse(plan.stdout);
    expect(doc).toMatchObject({ dryRun: true, moved: 4096, drained: [a4], keysMoved: 0 });
    expect(doc.moves.every((m: { source: string }) => m.source === a4)).toBe(true);
    const bad = cli(['--nodes', '127.0.0.1:nope']);
    expect([bad.status, bad.stderr]).toEqual([
      2,
      "cohort: expected host:port, got '127.0.0.1:nope'\n",
    ]);
    expect(cli(['--dry-run']).status).toBe(2);
  }, 300_000);

  it('drains a master with the CLI while clients read and write', async () => {
    const [a1, a2, a3, a4] = nodes.addresses as [string, string, string, string];
    const workers = startWorkers();
    const opsBefore = workers.ops();
    const child = spawn(
      COHORT_ARGV[0] as string,
      [...COHORT_ARGV.slice(1), 'cluster', 'rebalance', '--json', '--nodes', `${a1},${a3},${a4}`],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    const opsDuring = workers.ops() - opsBefore;
    expect(await workers.stop()).toEqual([]);
    expect(code, stderr).toBe(0);
    expect(opsDuring).toBeGreaterThan(0);
    const doc = JSON.parse(stdout);
    expect(doc).toMatchObject({ dryRun: false, moved: 4096, drained: [a2] });
    expect(doc.slots).toEqual({ [a1]: 5462, [a3]: 5461, [a4]: 5461 });
    const counts = await slotCountsSeenBy(a1);
    expect(counts.has(a2)).toBe(false);
    // Redis 7 turns a master that lost its last slot into a replica of the node that took it.
    await until(async () => {
      const view = parseClusterNodes(String(await onNode(a2, (r) => r.call('CLUSTER', 'NODES'))));
      return view.find((n) => n.address === a2)?.flags.includes('slave') === true;
    }, `${a2} to become a replica`);
    expect([...counts.values()].sort()).toEqual([5461, 5461, 5462]);
    await expectNoKeyLost([a1, a3, a4]);
  }, 600_000);
});

function cli(args: readonly string[]) {
  return spawnSync(
    COHORT_ARGV[0] as string,
    [...COHORT_ARGV.slice(1), 'cluster', 'rebalance', ...args],
    { encoding: 'utf8', timeout: 120_000 },
  );
}
