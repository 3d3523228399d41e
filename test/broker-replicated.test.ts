// `cohort broker --id N --peers …` as three real processes (the replicated mode: each
// partition a Raft group over the three): producers publish with acknowledgements while the
// leader of a partition is SIGKILLed mid-stream. Afterwards no acknowledged message is lost
// (each is at the partition and offset it was acknowledged at), per-key (so per-partition)
// order is kept, a consumer reading from its committed offsets sees each at least once, the
// killed member restarts and catches up, and — with it back — the records and the committed
// offsets survive the loss of another member (a different minority).

import { afterEach, describe, expect, it } from 'vitest';
import { BrokerError, NotLeaderError } from '../src/comm/broker/errors.js';
import { ReplicatedBrokerClient } from '../src/comm/broker/replicated-client.js';
import { until } from '../src/runtime/testing/wait.js';
import { leaderOf, ReplicatedCluster } from './support/replicated-cluster.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

interface Acked {
  readonly key: string;
  readonly n: number;
  readonly partition: number;
  readonly offset: number;
}

/** Reads every record of every partition from the group's committed offset; commits. */
async function consumeAll(client: ReplicatedBrokerClient, group: string, partitions: number) {
  const seen = new Map<string, { partition: number; offset: number }[]>();
  for (let p = 0; p < partitions; p++) {
    let offset = (await client.committedOffset(group, 't', p)) ?? 0;
    for (;;) {
      const f = await client.fetch('t', p, offset, { maxMessages: 100 });
      for (const r of f.records) {
        const v = r.value.toString();
        seen.set(v, [...(seen.get(v) ?? []), { partition: p, offset: r.offset }]);
      }
      if (f.records.length === 0) break;
      offset = (f.records.at(-1)?.offset as number) + 1;
      await client.commitOffset(group, 't', p, offset);
    }
  }
  return seen;
}

describe('cohort broker, replicated (three real processes)', () => {
  it('loses no acknowledged message when a partition leader is SIGKILLed mid-stream', async () => {
    const cluster = await ReplicatedCluster.start(cleanup);
    const client = new ReplicatedBrokerClient(cluster.addresses, { timeoutMs: 30_000 });
    cleanup.push(() => client.close());
    await client.createTopic('t', { partitions: 2 });

    // A follower refuses a partition's produce with the leader's id; bad input is typed.
    let leader: number | null = null;
    await until(async () => {
      leader = await leaderOf(client, 't', 0);
      return leader !== null;
    }, 'a leader for partition 0');
    const ids = await Promise.all(client.clients.map(async (b) => (await b.metadata()).brokerId));
    const follower = client.clients[ids.findIndex((id) => id !== leader)];
    const refused = await follower?.publish('t', [{ value: 'x', partition: 0 }]).catch((e) => e);
    expect(refused).toBeInstanceOf(NotLeaderError);
    expect((refused as NotLeaderError).leader).toBe(leader);
    await expect(client.fetch('nope', 0, 0)).rejects.toMatchObject({ code: 'unknown-topic' });
    await expect(client.publish('t', [{ value: 'x', partition: 9 }])).rejects.toMatchObject({
      code: 'invalid-argument',
    });

    const acked: Acked[] = [];
    let stop = false;
    const producers = ['a', 'b', 'c', 'd'].map(async (key) => {
      for (let n = 0; !stop; n++) {
        try {
          const [at] = await client.publish('t', [{ key, value: `${key}-${n}` }]);
          if (at !== undefined) acked.push({ key, n, ...at });
        } catch (e) {
          // Given up after the deadline: not acknowledged, so nothing is promised for it.
          if (!(e instanceof BrokerError)) throw e;
        }
      }
    });

    // Before the client closes (cleanup runs in reverse), the producers stop.
    cleanup.push(async () => {
      stop = true;
      await Promise.allSettled(producers);
    });
    const hasA = () => acked.some((x) => x.key === 'a');
    await until(() => acked.length >= 40 && hasA(), '40 acknowledged publishes', 120_000);
    const partitionOfA = (acked.find((x) => x.key === 'a') as Acked).partition;
    let victim: number | null = null;
    await until(async () => {
      victim = await leaderOf(client, 't', partitionOfA);
      return victim !== null;
    }, 'a leader for the partition');
    const before = acked.length;
    await cluster.kill(victim as unknown as number);
    await until(() => acked.length >= before + 40, '40 more after the kill', 120_000);
    stop = true;
    await Promise.all(producers);

    // Per key, acknowledged offsets grow with the sequence number (one partition per key).
    for (const key of ['a', 'b', 'c', 'd']) {
      const mine = acked.filter((x) => x.key === key);
      for (let i = 1; i < mine.length; i++) {
        expect((mine[i] as Acked).n).toBeGreaterThan((mine[i - 1] as Acked).n);
        expect((mine[i] as Acked).offset).toBeGreaterThan((mine[i - 1] as Acked).offset);
        expect((mine[i] as Acked).partition).toBe((mine[0] as Acked).partition);
      }
    }
    const seen = await consumeAll(client, 'g', 2);
    for (const x of acked) {
      const at = seen.get(`${x.key}-${x.n}`);
      expect(at, `${x.key}-${x.n}`).toContainEqual({ partition: x.partition, offset: x.offset });
    }
    // The log's first copies of each key's messages are in sequence order.
    for (const key of ['a', 'b', 'c', 'd']) {
      const firsts = [...seen]
        .filter(([v]) => v.startsWith(`${key}-`))
        .map(([v, at]) => ({
          n: Number(v.split('-')[1]),
          offset: (at[0] as { offset: number }).offset,
        }))
        .sort((x, y) => x.n - y.n);
      for (let i = 1; i < firsts.length; i++)
        expect((firsts[i] as { offset: number }).offset).toBeGreaterThan(
          (firsts[i - 1] as { offset: number }).offset,
        );
    }

    // The killed member comes back and catches up with what was committed without it.
    const killed = victim as unknown as number;
    await cluster.restart(killed);
    const ends = await Promise.all([0, 1].map(async (p) => (await client.fetch('t', p, 0)).next));
    const local = client.clients[killed - 1];
    await until(
      async () => {
        const info = await local?.describeTopic('t').catch(() => undefined);
        return info?.partitionInfo.every((p) => p.next >= (ends[p.partition] as number)) === true;
      },
      'the restarted member to catch up',
      120_000,
    );

    // Another minority now fails: everything acknowledged and the committed offsets survive.
    const other = [1, 2, 3].find((id) => id !== killed) as number;
    await cluster.kill(other);
    const again = await consumeAll(client, 'g2', 2);
    for (const x of acked)
      expect(again.get(`${x.key}-${x.n}`)).toContainEqual({
        partition: x.partition,
        offset: x.offset,
      });
    for (const p of [0, 1]) expect((await client.committedOffset('g', 't', p)) ?? 0).toBe(ends[p]);
  }, 600_000);
});
