// The broker over gRPC in one process (the real server, client and WAL on loopback): the API
// end to end, typed errors across the wire, flow control per consumer, check-back.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { until } from '../../runtime/testing/wait.js';
import { BrokerClient, type Message } from './client.js';
import { BrokerError } from './errors.js';
import { type BrokerServer, startBrokerServer } from './server.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function start(config = {}): Promise<{ server: BrokerServer; client: BrokerClient }> {
  const dir = await mkdtemp(join(tmpdir(), 'cohort-broker-'));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  const server = await startBrokerServer(dir, { config });
  cleanup.push(() => server.close());
  const client = new BrokerClient(`127.0.0.1:${server.port}`);
  cleanup.push(() => client.close());
  return { server, client };
}

describe('comm/broker server and client', () => {
  it('publishes, fans out to every group, and commits offsets by acknowledgement', async () => {
    const { client } = await start();
    await client.createTopic('orders', { partitions: 2 });
    const out = await client.publish('orders', [
      { key: 'a', value: 'one' },
      { key: 'a', value: 'two' },
      { partition: 1, value: 'three' },
    ]);
    expect(out[1]?.offset).toBe((out[0]?.offset ?? 0) + 1);
    const groups = ['billing', 'audit'].map((group) =>
      client.subscribe({ group, topics: ['orders'] }),
    );
    for (const c of groups) {
      cleanup.push(() => c.close());
      const got: string[] = [];
      for (let i = 0; i < 3; i++) {
        const m = (await c.next()) as Message;
        got.push(m.value.toString());
        await m.ack();
      }
      expect(got.sort()).toEqual(['one', 'three', 'two']);
    }
    const committed = await client.groupOffsets('billing', 'orders');
    const info = await client.describeTopic('orders');
    expect(committed).toEqual(info.partitionInfo.map((p) => p.next));
  });

  it('refuses bad input with the typed error, across the wire', async () => {
    const { client } = await start({ maxMessageBytes: 16 });
    await client.createTopic('t');
    const codes = async (p: Promise<unknown>) =>
      p.then(
        () => 'ok',
        (e: unknown) => (e instanceof BrokerError ? e.code : String(e)),
      );
    expect(await codes(client.publish('missing', [{ value: 'x' }]))).toBe('unknown-topic');
    expect(await codes(client.publish('t', [{ value: 'x'.repeat(17) }]))).toBe('message-too-large');
    expect(await codes(client.publish('t', []))).toBe('invalid-argument');
    expect(await codes(client.publish('bad/name', [{ value: 'x' }]))).toBe('invalid-argument');
    expect(await codes(client.createTopic('t', { partitions: 4 }))).toBe('topic-exists');
    expect(await codes(client.commit('nope'))).toBe('unknown-transaction');
    const c = client.subscribe({ group: 'g', topics: ['missing'] });
    await until(() => c.joinError !== undefined, 'the join to be refused');
    expect(c.joinError?.code).toBe('unknown-topic');
    expect(await c.next()).toBeUndefined();
    // Still up.
    expect(await client.publish('t', [{ value: 'fine' }])).toEqual([{ partition: 0, offset: 0 }]);
  });

  it('gives a consumer no more than maxInFlight unacknowledged deliveries', async () => {
    const { client, server } = await start();
    await client.createTopic('q');
    await client.publish(
      'q',
      Array.from({ length: 20 }, (_, i) => ({ value: `m${i}` })),
    );
    const slow = client.subscribe({ group: 'w', topics: ['q'], maxInFlight: 3 });
    cleanup.push(() => slow.close());
    const held: Message[] = [];
    for (let i = 0; i < 3; i++) held.push((await slow.next()) as Message);
    // Another group (a queue, shared) reads all 20 meanwhile; the slow one stays at 3.
    const fast = client.queue('q').consume({ maxInFlight: 50 });
    cleanup.push(() => fast.close());
    for (let i = 0; i < 20; i++) await ((await fast.next()) as Message).ack();
    expect(held.map((m) => m.offset)).toEqual([0, 1, 2]);
    expect(server.broker.machine.groups.inFlight(slow.memberId as string)).toBe(3);
    await held[0]?.ack();
    expect(((await slow.next()) as Message).offset).toBe(3);
  });

  it('delivers a committed half message, never a rolled-back one, and checks back', async () => {
    const { client } = await start({ checkIntervalMs: 100 });
    await client.createTopic('orders');
    const consumer = client.subscribe({ group: 'pay', topics: ['orders'] });
    cleanup.push(() => consumer.close());
    const yes = await client.prepare('shop', 'orders', { key: 'o1', value: 'commit me' });
    const no = await client.prepare('shop', 'orders', { key: 'o2', value: 'roll me back' });
    const asked = await client.prepare('shop', 'orders', { key: 'o3', value: 'checked' });
    expect(await client.commit(yes)).toBe('commit');
    expect(await client.rollback(no)).toBe('rollback');
    const checked: string[] = [];
    const checker = client.onCheck('shop', async (c) => {
      checked.push(c.txId);
      return 'commit';
    });
    cleanup.push(() => checker.close());
    const got: string[] = [];
    for (let i = 0; i < 2; i++) {
      const m = (await consumer.next()) as Message;
      got.push(m.value.toString());
      await m.ack();
    }
    expect(got).toEqual(['commit me', 'checked']);
    expect(checked).toEqual([asked]);
    expect(await client.commit(no)).toBe('rollback');
  });
});
