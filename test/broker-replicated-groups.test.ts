// Consumer groups in the broker's replicated mode, with real processes: three `cohort broker
// --id N --peers …` and consumer processes (support/replicated-agent.ts, a ReplicatedConsumer
// each) in one group. Two consumers share the partitions; one is SIGKILLed and, after its
// session timeout, the coordinator (the metadata group's leader) gives its partitions to the
// other, which continues from the committed offsets; then the coordinator's broker is
// SIGKILLed and the group goes on under the new one (a third consumer joins and gets its
// share). Every acknowledged message is handled at least once, within each (consumer,
// generation, partition) the records come in offset order without gaps, the group's offsets
// reach the log ends, and commits from a dead member or an old generation are refused.

import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BrokerError } from '../src/comm/broker/errors.js';
import { ReplicatedBrokerClient } from '../src/comm/broker/replicated-client.js';
import { until } from '../src/runtime/testing/wait.js';
import { Agent } from './support/broker-process.js';
import { leaderOf, ReplicatedCluster } from './support/replicated-cluster.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

const AGENT = path.resolve(import.meta.dirname, 'support/replicated-agent.ts');
const PARTITIONS = 4;
const SESSION_MS = 3000;

interface Handled {
  readonly generation: number;
  readonly partition: number;
  readonly offset: number;
  readonly value: string;
}

const latest = (a: Agent) =>
  a.of('assignment').at(-1) as { generation: number; partitions: number[] } | undefined;
const handled = (a: Agent) => a.of('message') as unknown as Handled[];

describe('cohort broker, replicated consumer groups (real processes)', () => {
  it('rebalances when a consumer dies and when the coordinator dies; at least once, in order', async () => {
    const cluster = await ReplicatedCluster.start(cleanup);
    const client = new ReplicatedBrokerClient(cluster.addresses, { timeoutMs: 30_000 });
    cleanup.push(() => client.close());
    await client.createTopic('jobs', { partitions: PARTITIONS });
    const consumer = (name: string) => {
      const args = [cluster.addresses.join(','), 'workers', 'jobs', String(SESSION_MS)];
      const a = new Agent(cluster.dir, name, args, AGENT);
      cleanup.push(() => a.kill());
      return a;
    };
    const [one, two] = [consumer('one'), consumer('two')];
    const shared = (agents: Agent[], each: number) => {
      const gens = agents.map((a) => latest(a)?.generation);
      return (
        gens.every((g) => g !== undefined && g === gens[0]) &&
        agents.every((a) => latest(a)?.partitions.length === each)
      );
    };
    await until(() => shared([one, two], 2), 'two members, two partitions each', 60_000);

    // Producers publish acknowledged, keyed messages for the whole run.
    const acked: string[] = [];
    let stop = false;
    // Two producers per partition (explicit: a few short keys may all hash to two of four).
    const producers = Array.from({ length: 2 * PARTITIONS }, async (_, i) => {
      const key = `k${i}`;
      for (let n = 0; !stop; n++) {
        const value = `${key}-${n}`;
        try {
          await client.publish('jobs', [{ key, value, partition: i % PARTITIONS }]);
          acked.push(value);
        } catch (e) {
          if (!(e instanceof BrokerError)) throw e; // Not acknowledged: nothing promised.
        }
      }
    });
    cleanup.push(async () => {
      stop = true;
      await Promise.allSettled(producers);
    });
    await until(
      () => handled(one).length >= 30 && handled(two).length >= 30,
      'both consumers handle messages',
      60_000,
    );

    // One consumer dies without leaving: after its session timeout the other owns everything.
    const dead = one.of('joined')[0] as { member: string; generation: number };
    const deadGeneration = latest(one)?.generation as number;
    await one.kill();
    await until(
      () => latest(two)?.partitions.length === PARTITIONS,
      'the survivor owns all',
      60_000,
    );
    const afterRebalance = handled(two).length;
    await until(() => handled(two).length >= afterRebalance + 30, 'the survivor goes on', 60_000);

    // A commit as the dead member, or as the survivor's old generation, is refused.
    await expect(
      client.commitOffset('workers', 'jobs', 0, 0, {
        member: dead.member,
        generation: deadGeneration,
      }),
    ).rejects.toMatchObject({ code: 'unknown-member' });
    const alive = two.of('joined')[0] as { member: string };
    await expect(
      client.commitOffset('workers', 'jobs', 0, 0, {
        member: alive.member,
        generation: deadGeneration,
      }),
    ).rejects.toMatchObject({ code: 'illegal-generation' });
    await expect(client.commitOffset('workers', 'jobs', 0, 0)).rejects.toMatchObject({
      code: 'unknown-member',
    });

    // The coordinator's broker dies: the group goes on, and rebalances under the new one.
    let coordinator: number | null = null;
    await until(async () => {
      coordinator = await leaderOf(client, 'jobs', 'meta');
      return coordinator !== null;
    }, 'a coordinator');
    await cluster.kill(coordinator as unknown as number);
    const afterKill = handled(two).length;
    await until(() => handled(two).length >= afterKill + 30, 'consumed after the kill', 120_000);
    const three = consumer('three');
    await until(() => shared([two, three], 2), 'two live members share again', 120_000);
    await until(() => handled(three).length >= 10, 'the newcomer handles messages', 60_000);

    stop = true;
    await Promise.all(producers);
    const agents = [one, two, three];
    const all = () => new Set(agents.flatMap((a) => handled(a).map((h) => h.value)));
    await until(
      () => acked.every((v) => all().has(v)),
      'every acknowledged message handled',
      120_000,
    );
    const ends = await Promise.all(
      Array.from({ length: PARTITIONS }, async (_, p) => (await client.fetch('jobs', p, 0)).next),
    );
    await until(
      async () => {
        const committed = await Promise.all(
          ends.map((_, p) => client.committedOffset('workers', 'jobs', p)),
        );
        return committed.every((c, p) => (c ?? 0) === ends[p]);
      },
      'the group committed up to every log end',
      60_000,
    );

    // Per (consumer, generation, partition): consecutive offsets, from where the run started.
    for (const a of agents) {
      const runs = new Map<string, number[]>();
      for (const h of handled(a)) {
        const k = `${h.generation}/${h.partition}`;
        runs.set(k, [...(runs.get(k) ?? []), h.offset]);
      }
      for (const [run, offsets] of runs)
        offsets.forEach((o, i) => {
          if (i > 0) expect(o, `${run} at ${i}`).toBe((offsets[i - 1] as number) + 1);
        });
    }
    // Every partition offset up to its end was handled by someone (at least once).
    for (let p = 0; p < PARTITIONS; p++) {
      const seen = new Set(
        agents.flatMap((a) =>
          handled(a)
            .filter((h) => h.partition === p)
            .map((h) => h.offset),
        ),
      );
      for (let o = 0; o < (ends[p] as number); o++) expect(seen.has(o), `${p}@${o}`).toBe(true);
    }
  }, 600_000);
});
