// The outbox and transactional messages relayed to RabbitMQ (src/transactions/outbox), on a
// real PostgreSQL and a real RabbitMQ: an order and its message commit together or not at all;
// the relay SIGKILLed after the local commit but before publishing, and after publishing but
// before marking sent, and the producer SIGKILLed after a commit — afterwards every committed
// order was applied exactly once by the consumer (its dedup table absorbs the republished
// duplicates), and no rolled back order ever was; two relays at once publish each row once.
// Bad input: a payload over the limit, garbage rows, a broker that refuses, routes nowhere or
// blocks, deliveries that are not outbox messages — typed errors, and relay and consumer stay
// up and deliver what comes after.
//
// Fault model: relay and producer are real child processes (test/support/outbox-worker.ts)
// killed at deterministic points; the broker's refusals are real (a reject-publish queue, no
// binding, a memory alarm set with rabbitmqctl).

import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import amqp from 'amqplib';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../src/runtime/testing/wait.js';
import { IdempotentConsumer } from '../src/transactions/outbox/consumer.js';
import {
  BadMessageError,
  BadOutboxRowError,
  BrokerBlockedError,
  OutboxInvalidArgument,
  PayloadTooLargeError,
  PublishRefusedError,
  UnroutableError,
} from '../src/transactions/outbox/errors.js';
import { Outbox } from '../src/transactions/outbox/outbox.js';
import { OutboxRelay } from '../src/transactions/outbox/relay.js';
import { PgParticipant } from '../src/transactions/pg-participant.js';
import { CRASH_ENV, type OrderSpec, type OutboxJob, placeOrder } from './support/outbox-worker.js';
import type { PostgresServer } from './support/postgres.js';
import { RabbitMqServer } from './support/rabbitmq.js';
import { createDatabases, startTxnPostgres, withClient } from './support/txn-databases.js';

const WORKER = path.resolve(import.meta.dirname, 'support/outbox-worker.ts');

let server: PostgresServer;
let rabbit: RabbitMqServer;
beforeAll(async () => {
  [server, rabbit] = await Promise.all([startTxnPostgres(), RabbitMqServer.start()]);
}, 180_000);
afterAll(async () => {
  await Promise.all([server?.close(), rabbit?.close()]);
});

/** A shop database (orders + outbox), a shipping database (the consumer's) and an exchange. */
interface Shop {
  readonly shop: pg.ClientConfig;
  readonly shipping: pg.ClientConfig;
  readonly exchange: string;
  readonly queue: string;
}

let shops = 0;
async function newShop(): Promise<Shop> {
  const [shop, shipping] = (await createDatabases(server, 'outbox', 2)) as [
    pg.ClientConfig,
    pg.ClientConfig,
  ];
  await withClient(shop, async (c) => {
    await c.query('CREATE TABLE orders (id text PRIMARY KEY, amount integer NOT NULL)');
    await new Outbox().install(c);
  });
  await withClient(shipping, (c) =>
    c.query(`CREATE TABLE shipments (order_id text PRIMARY KEY, amount integer NOT NULL,
             applied integer NOT NULL)`),
  );
  const n = ++shops;
  return { shop, shipping, exchange: `orders-${n}`, queue: `shipping-${n}` };
}

/** The consumer: ships each order; `applied` counts applications (must end at 1 each). */
function startShipping(s: Shop, errors: unknown[] = []): Promise<IdempotentConsumer> {
  return IdempotentConsumer.start({
    consumerId: 'shipping',
    connection: s.shipping,
    amqpUrl: rabbit.url,
    exchange: s.exchange,
    queue: s.queue,
    bindings: ['order.#'],
    onError: (e) => errors.push(e),
    async handle(client, message) {
      const order = JSON.parse(message.payload.toString('utf8')) as OrderSpec;
      if (message.aggregate !== order.orderId) throw new BadMessageError('aggregate mismatch');
      await client.query(
        `INSERT INTO shipments (order_id, amount, applied) VALUES ($1, $2, 1)
         ON CONFLICT (order_id) DO UPDATE SET applied = shipments.applied + 1`,
        [order.orderId, order.amount],
      );
    },
  });
}

async function shipments(s: Shop): Promise<Map<string, number>> {
  return withClient(s.shipping, async (c) => {
    const r = await c.query<{ order_id: string; applied: number }>(
      'SELECT order_id, applied FROM shipments ORDER BY order_id',
    );
    return new Map(r.rows.map((row) => [row.order_id, row.applied]));
  });
}

async function committedOrders(s: Shop): Promise<string[]> {
  return withClient(s.shop, async (c) => {
    const r = await c.query<{ id: string }>('SELECT id FROM orders ORDER BY id');
    return r.rows.map((row) => row.id);
  });
}

const pendingRows = (s: Shop) => withClient(s.shop, (c) => new Outbox().pending(c));

/** Every committed order shipped exactly once and nothing else shipped. */
async function expectShippedExactlyOnce(s: Shop, consumer: IdempotentConsumer): Promise<void> {
  const committed = await committedOrders(s);
  await until(async () => (await shipments(s)).size >= committed.length, 'every order shipped');
  await until(async () => (await pendingRows(s)) === 0, 'the outbox to drain');
  const shipped = await shipments(s);
  expect([...shipped.keys()]).toEqual(committed);
  expect([...shipped.values()].every((applied) => applied === 1)).toBe(true);
  expect(consumer.stats.applied).toBe(committed.length);
}

function orders(prefix: string, count: number, fail: (i: number) => boolean): OrderSpec[] {
  return Array.from({ length: count }, (_, i) => ({
    orderId: `${prefix}-${String(i).padStart(3, '0')}`,
    amount: 10 + i,
    ...(fail(i) ? { fail: true } : {}),
  }));
}

/** Runs the worker to its end: a SIGKILL it gave itself, or success (else throws). */
async function runWorker(
  job: OutboxJob,
  crash?: string,
): Promise<{ signal: string | null; done: Record<string, unknown> | undefined }> {
  const env = { ...process.env, [CRASH_ENV]: crash ?? '' };
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, JSON.stringify(job)], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => {
    stdout += d.toString('utf8');
  });
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString('utf8');
  });
  const [code, signal] = await new Promise<[number | null, string | null]>((resolve) =>
    child.once('exit', (c, s) => resolve([c, s])),
  );
  if (code !== null && code !== 0) throw new Error(`outbox worker failed: ${stderr}`);
  const line = stdout.split('\n').find((l) => l.startsWith('{'));
  return { signal, done: line === undefined ? undefined : JSON.parse(line) };
}

const relayJob = (s: Shop, relayId: string, batchSize = 5): OutboxJob => ({
  kind: 'relay',
  relayId,
  connection: s.shop,
  amqpUrl: rabbit.url,
  exchange: s.exchange,
  batchSize,
});

describe('the RabbitMQ test node', () => {
  it('is beam.smp itself, on loopback ports of its own', () => {
    expect(fs.readFileSync(`/proc/${rabbit.pid}/comm`, 'utf8').trim()).toBe('beam.smp');
    expect(new Set([rabbit.amqpPort, rabbit.distPort, rabbit.epmdPort]).size).toBe(3);
    expect(rabbit.leftovers()).toContain(rabbit.pid);
  });
});

describe('outbox: the order and its message in one local transaction', () => {
  it('publishes committed orders only; refuses bad arguments before writing', async () => {
    const s = await newShop();
    const consumer = await startShipping(s);
    const relay = await OutboxRelay.start({
      relayId: 'r1',
      connection: s.shop,
      amqpUrl: rabbit.url,
      exchange: s.exchange,
    });
    const db = new PgParticipant('shop', s.shop);
    const outbox = new Outbox({ maxPayloadBytes: 1024 });
    try {
      for (const order of orders('o', 6, (i) => i % 3 === 1))
        await placeOrder(db, outbox, order).catch(() => {});
      const big = outbox.transaction(db, 'big', (tx) =>
        tx.send({ aggregate: 'big', topic: 'order.created', payload: Buffer.alloc(1025) }),
      );
      await expect(big).rejects.toBeInstanceOf(PayloadTooLargeError);
      const bad = outbox.transaction(db, 'bad', (tx) =>
        tx.send({ aggregate: 'x', topic: 'has space', payload: '{}' }),
      );
      await expect(bad).rejects.toBeInstanceOf(OutboxInvalidArgument);
      await expectShippedExactlyOnce(s, consumer);
      expect([...(await shipments(s)).keys()]).toEqual(['o-000', 'o-002', 'o-003', 'o-005']);
    } finally {
      await Promise.all([relay.close(), consumer.close(), db.close()]);
    }
  });
});

describe('outbox: the relay and the producer SIGKILLed', () => {
  it.each([
    ['after the local commit, before publishing', 'claimed:1', 0],
    ['after publishing, before marking sent', 'published:1', 5],
  ])('relay killed %s: every committed order applied once', async (_what, crash, dups) => {
    const s = await newShop();
    const consumer = await startShipping(s);
    try {
      const produced = await runWorker({
        kind: 'produce',
        connection: s.shop,
        orders: orders('k', 24, (i) => i % 5 === 2),
      });
      expect(produced.done?.committed).toBe(19);
      const crashed = await runWorker(relayJob(s, 'doomed'), crash);
      expect(crashed.signal).toBe('SIGKILL');
      // The first batch (5) is sent; the second (5) claimed or published but not marked.
      expect(await pendingRows(s)).toBe(14);
      const rerun = await runWorker(relayJob(s, 'heir'));
      expect(rerun.done?.published).toBe(14);
      await expectShippedExactlyOnce(s, consumer);
      expect(consumer.stats.duplicates).toBe(dups);
    } finally {
      await consumer.close();
    }
  });

  it('producer killed after a commit: what committed is shipped once, nothing else', async () => {
    const s = await newShop();
    const consumer = await startShipping(s);
    try {
      const job: OutboxJob = {
        kind: 'produce',
        connection: s.shop,
        orders: orders('p', 10, (i) => i === 1),
      };
      expect((await runWorker(job, 'committed:3')).signal).toBe('SIGKILL');
      expect(await committedOrders(s)).toEqual(['p-000', 'p-002', 'p-003', 'p-004']);
      await runWorker(relayJob(s, 'after-producer'));
      await expectShippedExactlyOnce(s, consumer);
    } finally {
      await consumer.close();
    }
  });

  it('two relays at once share the rows and publish each one once', async () => {
    const s = await newShop();
    const consumer = await startShipping(s);
    try {
      const job: OutboxJob = {
        kind: 'produce',
        connection: s.shop,
        orders: orders('t', 200, () => false),
      };
      await runWorker(job);
      const [a, b] = await Promise.all([
        runWorker(relayJob(s, 'a', 10)),
        runWorker(relayJob(s, 'b', 10)),
      ]);
      expect(Number(a.done?.published) + Number(b.done?.published)).toBe(200);
      await expectShippedExactlyOnce(s, consumer);
      expect(consumer.stats.deliveries).toBe(200);
      expect(consumer.stats.duplicates).toBe(0);
    } finally {
      await consumer.close();
    }
  });
});

/** A relay in this process, retrying refused rows quickly, its errors collected. */
function startRelay(s: Shop, errors: unknown[]): Promise<OutboxRelay> {
  return OutboxRelay.start({
    relayId: 'in-process',
    connection: s.shop,
    amqpUrl: rabbit.url,
    exchange: s.exchange,
    pollIntervalMs: 100,
    retryBaseMs: 50,
    retryMaxMs: 200,
    confirmTimeoutMs: 5_000,
    onError: (e) => errors.push(e),
  });
}

const errorsOf = (errors: unknown[], type: new (...args: never[]) => Error) =>
  errors.filter((e) => e instanceof type);

async function rowState(s: Shop, topic: string) {
  return withClient(s.shop, async (c) => {
    const r = await c.query<{ sent: boolean; attempts: number; last_error: string | null }>(
      'SELECT sent_at IS NOT NULL AS sent, attempts, last_error FROM outbox WHERE topic = $1',
      [topic],
    );
    return r.rows[0];
  });
}

describe('outbox: bad input — typed errors, relay and consumer stay up', () => {
  it('garbage rows are parked with the reason; later rows are published', async () => {
    const s = await newShop();
    const errors: unknown[] = [];
    const consumer = await startShipping(s);
    const relay = await startRelay(s, errors);
    const db = new PgParticipant('shop', s.shop);
    try {
      await withClient(s.shop, async (c) => {
        const rows: [string, string, string, string][] = [
          ['g1', 'has space', '{}', "'\\x00'"],
          ['g2', 'order.created', '[1,2]', "'\\x00'"],
          ['g3', 'order.created', '{}', `decode(repeat('ab', ${300 * 1024}), 'hex')`],
          ['', 'order.created', '{}', "'\\x00'"],
          ['g5', 'order.created', '{"x-outbox-aggregate":"z"}', "'\\x00'"],
          ['g6', 'order.created', '{"a":{"b":1}}', "'\\x00'"],
        ];
        for (const [aggregate, topic, headers, payload] of rows)
          await c.query(
            `INSERT INTO outbox (aggregate, topic, headers, payload)
             VALUES ($1, $2, $3::jsonb, ${payload}::bytea)`,
            [aggregate, topic, headers],
          );
      });
      await placeOrder(db, new Outbox(), { orderId: 'after-garbage', amount: 1 });
      await expectShippedExactlyOnce(s, consumer);
      const parked = await withClient(s.shop, (c) => new Outbox().parked(c));
      expect(parked).toHaveLength(6);
      expect(parked.map((p) => p.lastError).join('\n')).toMatch(/topic must be/);
      expect(parked.map((p) => p.lastError).join('\n')).toMatch(/exceeds 262144/);
      expect(errorsOf(errors, BadOutboxRowError)).toHaveLength(6);
      expect(relay.stats.parked).toBe(6);
    } finally {
      await Promise.all([relay.close(), consumer.close(), db.close()]);
    }
  });

  it('a broker that refuses or routes nowhere: rows stay unsent, sent once it accepts', async () => {
    const s = await newShop();
    const errors: unknown[] = [];
    const consumer = await startShipping(s);
    const admin = await amqp.connect(rabbit.url);
    const channel = await admin.createChannel();
    const relay = await startRelay(s, errors);
    const db = new PgParticipant('shop', s.shop);
    try {
      await channel.assertExchange(s.exchange, 'topic', { durable: true });
      const full = `refusing-${s.queue}`;
      await channel.assertQueue(full, {
        durable: true,
        arguments: { 'x-max-length': 0, 'x-overflow': 'reject-publish' },
      });
      await channel.bindQueue(full, s.exchange, 'refund.#');
      const outbox = new Outbox();
      const send = (topic: string) =>
        outbox.transaction(db, topic, (tx) => tx.send({ aggregate: 'a1', topic, payload: 'x' }));
      await send('refund.requested');
      await send('nobody.listens');
      await until(
        () => errorsOf(errors, PublishRefusedError).length > 0,
        'the broker to nack the refund',
      );
      await until(() => errorsOf(errors, UnroutableError).length > 0, 'an unroutable return');
      // The relay is still up: an order placed now ships.
      await placeOrder(db, outbox, { orderId: 'meanwhile', amount: 2 });
      await until(async () => (await shipments(s)).has('meanwhile'), 'the order to ship');
      for (const topic of ['refund.requested', 'nobody.listens']) {
        const row = await rowState(s, topic);
        expect(row?.sent).toBe(false);
        expect(row?.last_error).toMatch(/refused|no queue is bound/);
      }
      // The broker accepts them now: a plain queue for both topics.
      await channel.deleteQueue(full);
      await channel.assertQueue(`accepting-${s.queue}`, { durable: true });
      await channel.bindQueue(`accepting-${s.queue}`, s.exchange, 'refund.#');
      await channel.bindQueue(`accepting-${s.queue}`, s.exchange, 'nobody.#');
      await until(async () => (await pendingRows(s)) === 0, 'both rows to be sent');
      const accepted = await channel.checkQueue(`accepting-${s.queue}`);
      expect(accepted.messageCount).toBeGreaterThanOrEqual(2);
    } finally {
      await Promise.all([relay.close(), consumer.close(), db.close(), admin.close()]);
    }
  });

  it('a broker that blocks publishers (memory alarm): nothing is lost, sent after', async () => {
    const s = await newShop();
    const errors: unknown[] = [];
    const consumer = await startShipping(s);
    const relay = await startRelay(s, errors);
    const db = new PgParticipant('shop', s.shop);
    const outbox = new Outbox();
    try {
      await placeOrder(db, outbox, { orderId: 'before-alarm', amount: 1 });
      await until(async () => (await shipments(s)).has('before-alarm'), 'the first order');
      await rabbit.ctl('set_vm_memory_high_watermark', '0');
      try {
        await placeOrder(db, outbox, { orderId: 'during-alarm', amount: 2 });
        await until(() => errorsOf(errors, BrokerBlockedError).length > 0, 'the block');
        expect(await pendingRows(s)).toBe(1);
        expect((await shipments(s)).has('during-alarm')).toBe(false);
      } finally {
        await rabbit.ctl('set_vm_memory_high_watermark', '0.4');
      }
      await expectShippedExactlyOnce(s, consumer);
    } finally {
      await Promise.all([relay.close(), consumer.close(), db.close()]);
    }
  });

  it('deliveries that are not outbox messages are rejected; the consumer goes on', async () => {
    const s = await newShop();
    const errors: unknown[] = [];
    const consumer = await startShipping(s, errors);
    const admin = await amqp.connect(rabbit.url);
    const channel = await admin.createConfirmChannel();
    const relay = await startRelay(s, []);
    const db = new PgParticipant('shop', s.shop);
    try {
      const publish = (content: Buffer, options: amqp.Options.Publish) =>
        new Promise<void>((resolve, reject) =>
          channel.publish(s.exchange, 'order.created', content, options, (e) =>
            e ? reject(e) : resolve(),
          ),
        );
      await publish(Buffer.from('{}'), {}); // No message id.
      await publish(Buffer.alloc(300 * 1024), {
        messageId: 'big-1',
        headers: { 'x-outbox-aggregate': 'a' },
      });
      await publish(Buffer.from('{}'), { messageId: 'no-aggregate' });
      await publish(Buffer.from('{"orderId":"other","amount":1}'), {
        messageId: 'mismatch',
        headers: { 'x-outbox-aggregate': 'a' },
      });
      await placeOrder(db, new Outbox(), { orderId: 'real', amount: 3 });
      await expectShippedExactlyOnce(s, consumer);
      await until(() => consumer.stats.rejected === 4, 'the four bad deliveries rejected');
      expect(errorsOf(errors, BadMessageError)).toHaveLength(4);
      expect((await channel.checkQueue(s.queue)).messageCount).toBe(0);
    } finally {
      await Promise.all([relay.close(), consumer.close(), db.close(), admin.close()]);
    }
  });
});

describe('the RabbitMQ test node, stopped', () => {
  it('leaves nothing running', async () => {
    await rabbit.stop('clean');
    expect(rabbit.leftovers()).toEqual([]);
  });
});
