// `cohort broker` as a real process, SIGKILLed mid-stream (issue 21's and 18's checks): no
// acknowledged publish is lost, per-key order is kept in the log, every message is delivered
// at least once and committed offsets are respected across the kill; a consumer group of
// three processes rebalances when one is killed and its unacknowledged deliveries reach the
// others; transactional messages — committed delivered, rolled back never, and a producer
// that crashed before its commit is checked back (across a broker kill too).

import { afterEach, describe, expect, it } from 'vitest';
import { BrokerClient, type Message } from '../src/comm/broker/client.js';
import { BrokerError } from '../src/comm/broker/errors.js';
import { until } from '../src/runtime/testing/wait.js';
import { Agent, BrokerProcess } from './support/broker-process.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function broker(flags: string[] = []) {
  const b = await BrokerProcess.start(flags);
  cleanup.push(() => b.stop());
  const client = new BrokerClient(b.address);
  cleanup.push(() => client.close());
  return { b, client };
}

/** Retries a call while the broker is down (only 'unavailable' is retried). */
async function retrying<T>(f: () => Promise<T>): Promise<T> {
  for (;;) {
    try {
      return await f();
    } catch (e) {
      if (!(e instanceof BrokerError) || e.code !== 'unavailable') throw e;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

describe('cohort broker (real processes)', () => {
  it('loses no acknowledged publish and delivers each at least once across a SIGKILL', async () => {
    const { b, client } = await broker(['--ack-timeout-ms', '2000']);
    await client.createTopic('t', { partitions: 3 });
    const acknowledged = new Map<string, { key: string; partition: number; offset: number }>();
    const received = new Map<string, number>();
    const consumer = client.subscribe({ group: 'g', topics: ['t'], sessionTimeoutMs: 1000 });
    cleanup.push(() => consumer.close());
    // First deliveries per consumer session and partition come in offset order.
    const lastFirst = new Map<string, number>();
    const consuming = (async () => {
      for await (const m of consumer as AsyncIterable<Message>) {
        const v = m.value.toString();
        received.set(v, (received.get(v) ?? 0) + 1);
        const session = `${consumer.memberId}/${m.partition}`;
        if (m.attempt === 1) {
          expect(m.offset).toBeGreaterThan(lastFirst.get(session) ?? -1);
          lastFirst.set(session, m.offset);
        }
        await m.ack().catch(() => {}); // Refused after a restart: it comes again.
      }
    })();
    // Three producers publish batches concurrently; the broker is killed while they do.
    const TOTAL = 300;
    const produce = async (w: number) => {
      for (let i = w; i < TOTAL; i += 15) {
        const batch = Array.from({ length: 5 }, (_, j) => ({
          key: `w${w}k${j % 3}`,
          value: `v${i + j}`,
        }));
        // A retry after a lost reply may store the batch twice: at least once.
        const out = await retrying(() => client.publish('t', batch));
        for (const [j, m] of batch.entries()) {
          const at = out[j] as { partition: number; offset: number };
          acknowledged.set(m.value, { key: m.key, ...at });
        }
      }
    };
    const killer = (async () => {
      await until(() => acknowledged.size >= TOTAL / 2, 'half published');
      await b.kill();
      await b.restart();
    })();
    await Promise.all([produce(0), produce(5), produce(10), killer]);
    expect(acknowledged.size).toBe(TOTAL);
    await until(
      () => [...acknowledged.keys()].every((v) => received.has(v)),
      'every acknowledged message delivered',
    );
    // The log kept per-key order: offsets of one key ascend in publish order.
    const byKey = new Map<string, number[]>();
    for (const a of acknowledged.values())
      byKey.set(a.key, [...(byKey.get(a.key) ?? []), a.offset]);
    for (const offsets of byKey.values())
      expect(offsets).toEqual([...offsets].sort((x, y) => x - y));
    // Every message acked: committed offsets reach the log ends, and survive a second kill.
    const ends = async () => (await client.describeTopic('t')).partitionInfo.map((p) => p.next);
    await until(
      async () =>
        JSON.stringify(await retrying(() => client.groupOffsets('g', 't'))) ===
        JSON.stringify(await ends()),
      'all committed',
    );
    consumer.close();
    await consuming;
    await b.kill();
    await b.restart();
    expect(await retrying(() => client.groupOffsets('g', 't'))).toEqual(await ends());
    // A new member of the group starts at the committed offsets: the next message it gets
    // is the one published after it joined, not an old one again.
    const again = client.subscribe({ group: 'g', topics: ['t'] });
    cleanup.push(() => again.close());
    await again.ready();
    await client.publish('t', [{ key: 'k0', value: 'sentinel' }]);
    expect(((await again.next()) as Message).value.toString()).toBe('sentinel');
  });

  it('rebalances a group of three consumer processes when one is killed', async () => {
    const { b, client } = await broker(['--ack-timeout-ms', '60000']);
    await client.createTopic('jobs', { partitions: 6 });
    const agents = ['ack', 'ack', 'hold'].map(
      (how, i) => new Agent(b.dir, `consumer${i}`, ['consume', b.address, 'workers', 'jobs', how]),
    );
    for (const a of agents) cleanup.push(() => a.kill());
    const [one, two, doomed] = agents as [Agent, Agent, Agent];
    const latest = (a: Agent) =>
      a.of('assignment').at(-1) as { generation: number; partitions: number[] } | undefined;
    // All three joined: the last assignment each got splits the six partitions two by two.
    await until(() => {
      const gens = agents.map((a) => latest(a)?.generation);
      return (
        gens.every((g) => g !== undefined && g === gens[0]) &&
        agents.every((a) => latest(a)?.partitions.length === 2)
      );
    }, 'three members, two partitions each');
    const values = Array.from({ length: 60 }, (_, i) => `job${i}`);
    await client.publish(
      'jobs',
      values.map((value, i) => ({ value, partition: i % 6 })),
    );
    // The doomed one holds its deliveries without acknowledging them, then dies.
    await until(() => doomed.of('message').length === 20, 'the doomed consumer holds its 20');
    await doomed.kill();
    await until(
      () => [one, two].every((a) => latest(a)?.partitions.length === 3),
      'the survivors split six partitions',
    );
    const done = () =>
      new Set([one, two].flatMap((a) => a.of('message').map((m) => m.value as string)));
    await until(() => values.every((v) => done().has(v)), 'every job processed by a survivor');
    await until(
      async () => (await client.groupOffsets('workers', 'jobs')).every((c) => c === 10),
      'all committed',
    );
    // The held ones came again (attempt 1 in the survivors' view, but from the dead one's partitions).
    const held = new Set(doomed.of('message').map((m) => m.value as string));
    for (const v of held) expect(done().has(v)).toBe(true);
  });

  it('delivers committed half messages only, and checks back a crashed producer', async () => {
    const { b, client } = await broker(['--check-interval-ms', '300']);
    await client.createTopic('orders');
    const consumer = client.subscribe({ group: 'pay', topics: ['orders'] });
    cleanup.push(() => consumer.close());
    const got: string[] = [];
    const consuming = (async () => {
      for await (const m of consumer as AsyncIterable<Message>) {
        if (!got.includes(m.value.toString())) got.push(m.value.toString());
        await m.ack().catch(() => {});
      }
    })();
    const yes = await client.prepare('shop', 'orders', { value: 'paid-1' });
    const no = await client.prepare('shop', 'orders', { value: 'cancelled-2' });
    // A producer process prepares, then crashes before it commits.
    const producer = new Agent(b.dir, 'producer', [
      'prepare',
      b.address,
      'shop',
      'orders',
      'paid-3',
    ]);
    cleanup.push(() => producer.kill());
    await until(() => producer.of('prepared').length === 1, 'the producer prepared');
    await producer.kill();
    expect(await client.commit(yes)).toBe('commit');
    expect(await client.rollback(no)).toBe('rollback');
    // The broker dies too; the half message survives it.
    await b.kill();
    await b.restart();
    // Another process of the producer group answers the check from its local state.
    const checker = new Agent(b.dir, 'checker', ['check', b.address, 'shop', 'paid']);
    cleanup.push(() => checker.kill());
    await until(() => got.includes('paid-3'), 'the checked-back message delivered');
    const crashedTx = producer.of('prepared')[0]?.txId;
    expect(checker.of('checked').map((c) => c.txId)).toContain(crashedTx);
    await retrying(() => client.publish('orders', [{ value: 'sentinel' }]));
    await until(() => got.includes('sentinel'), 'the sentinel');
    expect(got).toEqual(['paid-1', 'paid-3', 'sentinel']);
    expect(await retrying(() => client.commit(no))).toBe('rollback');
    consumer.close();
    await consuming;
  });
});
