// Publishing over one gRPC stream (publish-stream.ts) against the real server and WAL on
// loopback: batches in flight together each get their own durable positions, a refused batch
// fails alone with the typed error, and a broker restart fails what was waiting with
// BrokerUnavailableError, after which the next publish opens a new stream and what was
// acknowledged before is still there.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BrokerClient, type Message } from './client.js';
import { BrokerError, BrokerUnavailableError } from './errors.js';
import { PublishStream } from './publish-stream.js';
import { startBrokerServer } from './server.js';

const cleanup: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
});

async function setUp(config = {}) {
  const dir = await mkdtemp(join(tmpdir(), 'cohort-publish-stream-'));
  cleanup.push(() => rm(dir, { recursive: true, force: true }));
  const server = await startBrokerServer(dir, { config });
  const client = new BrokerClient(`127.0.0.1:${server.port}`);
  const stream = new PublishStream(client);
  cleanup.push(() => client.close());
  cleanup.push(() => stream.close());
  return { dir, server, client, stream };
}

const value = (s: string) => Buffer.from(s);

describe('comm/broker publish stream', () => {
  it('answers each batch with its own positions; a refused batch fails alone', async () => {
    const { server, client, stream } = await setUp({ maxMessageBytes: 16 });
    cleanup.push(() => server.close());
    await client.createTopic('t', { partitions: 1 });
    const batches = Array.from({ length: 20 }, (_, b) =>
      Array.from({ length: 3 }, (_, i) => ({ key: 'k', value: value(`${b}.${i}`) })),
    );
    const out = batches.map((b) => stream.publish('t', b));
    const bad = stream.publish('t', [{ key: 'k', value: value('x'.repeat(17)) }]);
    const unknown = stream.publish('nope', [{ key: 'k', value: value('y') }]);
    const more = stream.publish('t', [{ key: 'k', value: value('last') }]);
    await expect(bad).rejects.toMatchObject({ code: 'message-too-large' });
    await expect(unknown).rejects.toMatchObject({ code: 'unknown-topic' });
    expect((await unknown.catch((e: unknown) => e)) instanceof BrokerError).toBe(true);
    const offsets = (await Promise.all(out)).flat().map((p) => p.offset);
    // One partition, one stream: the batches were stored in the order they were sent.
    expect(offsets).toEqual(Array.from({ length: 60 }, (_, i) => i));
    expect((await more)[0]?.offset).toBe(60);
    const c = client.subscribe({ group: 'g', topics: ['t'] });
    cleanup.push(() => c.close());
    const got: string[] = [];
    for (let i = 0; i < 61; i++) {
      const m = (await c.next()) as Message;
      got.push(m.value.toString());
      await m.ack();
    }
    expect(got).toEqual([...batches.flat().map((m) => m.value.toString()), 'last']);
  });

  it('fails waiting publishes when the broker goes, then publishes again on a new stream', async () => {
    const { dir, server, client, stream } = await setUp();
    await client.createTopic('t');
    expect(await stream.publish('t', [{ key: null, value: value('before') }])).toEqual([
      { partition: 0, offset: 0 },
    ]);
    await server.close();
    await expect(stream.publish('t', [{ key: null, value: value('lost') }])).rejects.toBeInstanceOf(
      BrokerUnavailableError,
    );
    const again = await startBrokerServer(dir, { port: server.port });
    cleanup.push(() => again.close());
    // The client reconnects on its own; the first publish may still meet the old connection.
    let at: number | undefined;
    for (let i = 0; i < 50 && at === undefined; i++)
      at = await stream.publish('t', [{ key: null, value: value('after') }]).then(
        (p) => p[0]?.offset,
        async (e: unknown) => {
          expect(e).toBeInstanceOf(BrokerUnavailableError);
          await new Promise((r) => setTimeout(r, 50));
          return undefined;
        },
      );
    expect(at).toBe(1);
    expect((await client.describeTopic('t')).partitionInfo[0]?.next).toBe(2);
  });
});
