// The outbox relay's fast path (src/transactions/outbox/fast-path.ts, notify-payload.ts) on a
// real PostgreSQL and a real RabbitMQ: rows whose NOTIFY carried them are published from the
// payload by the one relay holding the fast path, large ones by the claim path; every order is
// applied exactly once; when the holder closes, the other relay takes over; garbage
// notifications on the channel publish nothing and stop nobody.
//
// Fault model: two relays in this process, as two deployments would run; the notifications a
// stranger may send are sent with pg_notify on a connection of their own.

import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../src/runtime/testing/wait.js';
import { IdempotentConsumer } from '../src/transactions/outbox/consumer.js';
import { decodeRow, notifyBody } from '../src/transactions/outbox/notify-payload.js';
import { Outbox } from '../src/transactions/outbox/outbox.js';
import { OutboxRelay } from '../src/transactions/outbox/relay.js';
import { PgParticipant } from '../src/transactions/pg-participant.js';
import type { PostgresServer } from './support/postgres.js';
import { RabbitMqServer } from './support/rabbitmq.js';
import { createDatabases, startTxnPostgres, withClient } from './support/txn-databases.js';

let server: PostgresServer;
let rabbit: RabbitMqServer;
beforeAll(async () => {
  [server, rabbit] = await Promise.all([startTxnPostgres(), RabbitMqServer.start()]);
}, 180_000);
afterAll(async () => {
  await Promise.all([server?.close(), rabbit?.close()]);
});

describe('the NOTIFY payload', () => {
  const message = { aggregate: 'o-1', topic: 'order.created', headers: { n: 1 } };

  it('carries a small row whole and decodes it; a large one is a bare wake-up', () => {
    const body = notifyBody('outbox', { ...message, payload: Buffer.from('hello') });
    const id = randomUUID();
    const row = decodeRow(`outbox|42|${id}|${body}`, 1024);
    expect(row?.id).toBe('42');
    expect(row?.request).toMatchObject({ ...message, messageId: id });
    expect(row?.request.payload.toString()).toBe('hello');
    expect(notifyBody('outbox', { ...message, payload: Buffer.alloc(6_000) })).toBe('');
    // Over the relay's own payload limit: not published from the payload.
    expect(decodeRow(`outbox|42|${id}|${body}`, 4)).toBeUndefined();
  });

  it('refuses what is not a well-formed row', () => {
    const id = randomUUID();
    const good = notifyBody('outbox', { ...message, payload: Buffer.from('x') });
    for (const payload of [
      'outbox',
      'outbox|42',
      `outbox|042|${id}|${good}`,
      `outbox|42|not-a-uuid|${good}`,
      `outbox|42|${id}|{not json`,
      `outbox|42|${id}|null`,
      `outbox|42|${id}|${good.replace('order.created', 'bad topic!')}`,
      `outbox|42|${id}|${good.replace('"p":"eA=="', '"p":"***"')}`,
      `outbox|42|${id}|${JSON.stringify({ a: 'o', t: 'x', h: { 'bad name': 1 }, p: '' })}`,
    ])
      expect(decodeRow(payload, 1024), payload).toBeUndefined();
  });
});

interface Shop {
  readonly shop: pg.ClientConfig;
  readonly shipping: pg.ClientConfig;
  readonly exchange: string;
}

let shops = 0;
async function newShop(): Promise<Shop> {
  const [shop, shipping] = (await createDatabases(server, 'fastpath', 2)) as [
    pg.ClientConfig,
    pg.ClientConfig,
  ];
  await withClient(shop, (c) => new Outbox().install(c));
  await withClient(shipping, (c) =>
    c.query('CREATE TABLE shipped (aggregate text PRIMARY KEY, applied integer NOT NULL)'),
  );
  return { shop, shipping, exchange: `fast-${++shops}` };
}

function startShipping(s: Shop): Promise<IdempotentConsumer> {
  return IdempotentConsumer.start({
    consumerId: 'shipping',
    connection: s.shipping,
    amqpUrl: rabbit.url,
    exchange: s.exchange,
    queue: `${s.exchange}-shipping`,
    bindings: ['order.#'],
    async handle(client, m) {
      await client.query(
        `INSERT INTO shipped VALUES ($1, 1)
         ON CONFLICT (aggregate) DO UPDATE SET applied = shipped.applied + 1`,
        [m.aggregate],
      );
    },
  });
}

function startRelay(s: Shop, relayId: string): Promise<OutboxRelay> {
  return OutboxRelay.start({
    relayId,
    connection: s.shop,
    amqpUrl: rabbit.url,
    exchange: s.exchange,
    pollIntervalMs: 100,
    fastPath: true,
  });
}

/** Commits `count` messages one transaction each; every `large`-th is over NOTIFY's limit. */
async function produce(db: PgParticipant, prefix: string, count: number, large: number) {
  const outbox = new Outbox();
  for (let i = 0; i < count; i++) {
    const payload = i % large === large - 1 ? 'y'.repeat(9_000) : `order ${i}`;
    await outbox.transaction(db, `${prefix}${i}`, (tx) =>
      tx.send({ aggregate: `${prefix}-${i}`, topic: 'order.created', payload }),
    );
  }
}

async function applied(s: Shop): Promise<Map<string, number>> {
  return withClient(s.shipping, async (c) => {
    const r = await c.query<{ aggregate: string; applied: number }>('SELECT * FROM shipped');
    return new Map(r.rows.map((row) => [row.aggregate, row.applied]));
  });
}

async function expectAppliedOnce(s: Shop, count: number): Promise<void> {
  await until(async () => (await applied(s)).size >= count, `${count} messages applied`);
  await until(
    async () => (await withClient(s.shop, (c) => new Outbox().pending(c))) === 0,
    'the outbox to drain',
  );
  const rows = await applied(s);
  expect(rows.size).toBe(count);
  expect([...rows.values()].every((n) => n === 1)).toBe(true);
}

describe('the relay fast path', () => {
  it('one of two relays publishes from payloads, the claim path takes the large; once each', async () => {
    const s = await newShop();
    const consumer = await startShipping(s);
    const db = new PgParticipant('producer', s.shop);
    const relays = [await startRelay(s, 'one'), await startRelay(s, 'two')];
    try {
      await produce(db, 'a', 40, 8);
      await expectAppliedOnce(s, 40);
      const fast = relays.map((r) => r.stats.fastPath);
      // Only the holder of the fast path publishes from payloads; 35 rows were small.
      expect(fast.filter((n) => n > 0)).toHaveLength(1);
      expect((fast[0] ?? 0) + (fast[1] ?? 0)).toBeLessThanOrEqual(35);
      expect(Math.max(...fast)).toBeGreaterThan(0);
      // No claim raced the fast path (the claim leaves its rows alone for a grace).
      expect(relays.reduce((n, r) => n + r.stats.fastPathUnmatched, 0)).toBe(0);

      // The holder goes away: the other relay takes the fast path over.
      const holder = fast[0] === 0 ? 1 : 0;
      const heir = relays[1 - holder] as OutboxRelay;
      await relays.splice(holder, 1)[0]?.close();
      const before = heir.stats.fastPath;
      await produce(db, 'b', 10, 1_000);
      await expectAppliedOnce(s, 50);
      await until(async () => {
        await produce(db, `c${randomUUID().slice(0, 4)}`, 1, 1_000);
        return heir.stats.fastPath > before;
      }, 'the remaining relay to publish from payloads');
    } finally {
      await Promise.all(relays.map((r) => r.close()));
      await db.close();
      await consumer.close();
    }
  });

  it('garbage notifications publish nothing; the relay goes on', async () => {
    const s = await newShop();
    const consumer = await startShipping(s);
    const db = new PgParticipant('producer', s.shop);
    const errors: unknown[] = [];
    const relay = await OutboxRelay.start({
      relayId: 'solo',
      connection: s.shop,
      amqpUrl: rabbit.url,
      exchange: s.exchange,
      pollIntervalMs: 100,
      fastPath: true,
      onError: (e) => errors.push(e),
    });
    try {
      for (const payload of ['outbox|1|x|{', 'outbox|x', 'nonsense', `outbox|7|${randomUUID()}|{`])
        await withClient(s.shop, (c) =>
          c.query("SELECT pg_notify('outbox_wakeup', $1)", [payload]),
        );
      await produce(db, 'd', 5, 1_000);
      await expectAppliedOnce(s, 5);
      expect(relay.stats.fastPath + relay.stats.published).toBeGreaterThanOrEqual(5);
    } finally {
      await relay.close();
      await db.close();
      await consumer.close();
    }
  });
});
