// The transactional-message producer API (src/transactions/transactional-message/producer.ts)
// relayed to a real RabbitMQ with publisher confirms (issue 18): the same `placeOrder` that runs
// on Cohort's broker (test/txn-kill-messages.test.ts) runs here on OutboxTransactionalProducer
// — the outbox row is the half message, the existing OutboxRelay publishes committed rows with
// confirms, and the existing IdempotentConsumer charges each order once in the payment
// database. A refused order's row never exists, so nothing is published for it; a relay killed
// and replaced (closed with rows pending, a new one started) loses nothing. The relay's own
// SIGKILL cases are in test/transactions-outbox.test.ts and are not repeated here.
//
// Fault model: business refusals (the local transaction rolls back); a relay replaced while
// rows are pending.

import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../src/runtime/testing/wait.js';
import { TransactionAbortedError } from '../src/transactions/errors.js';
import { ORDER_MESSAGE_SCHEMAS, placeOrder } from '../src/transactions/examples/order-messages.js';
import { OrderRefused } from '../src/transactions/examples/order-saga.js';
import { IdempotentConsumer } from '../src/transactions/outbox/consumer.js';
import { OutboxRelay } from '../src/transactions/outbox/relay.js';
import { PgParticipant } from '../src/transactions/pg-participant.js';
import {
  OutboxTransactionalProducer,
  TX_ID_HEADER,
} from '../src/transactions/transactional-message/outbox-producer.js';
import type { PostgresServer } from './support/postgres.js';
import { RabbitMqServer } from './support/rabbitmq.js';
import { createDatabases, startTxnPostgres, withClient } from './support/txn-databases.js';

const EXCHANGE = 'shop-orders';
let server: PostgresServer;
let rabbit: RabbitMqServer;
beforeAll(async () => {
  [server, rabbit] = await Promise.all([startTxnPostgres(), RabbitMqServer.start()]);
}, 60_000);
afterAll(async () => {
  await rabbit?.close();
  await server?.close();
});

const order = (n: number) => ({
  orderId: `r${n}`,
  customer: 'ann',
  item: 'apple',
  quantity: n,
  amount: 100 * n,
});

describe('the transactional-message producer API on RabbitMQ (outbox + relay)', () => {
  it('committed orders are charged once each; a refused one is never published', async () => {
    const [orders, payments] = (await createDatabases(server, 'rmq', 2)) as [
      pg.ClientConfig,
      pg.ClientConfig,
    ];
    await withClient(orders, (c) => c.query(ORDER_MESSAGE_SCHEMAS.orders[0]));
    await withClient(payments, async (c) => {
      for (const sql of ORDER_MESSAGE_SCHEMAS.payments) await c.query(sql);
      await c.query("INSERT INTO wallets VALUES ('ann', 100000)");
    });
    const db = new PgParticipant('orders', orders);
    const producer = new OutboxTransactionalProducer(db);
    await producer.install();
    const txIds: string[] = [];
    const payment = await IdempotentConsumer.start({
      consumerId: 'payment',
      connection: payments,
      amqpUrl: rabbit.url,
      exchange: EXCHANGE,
      queue: 'payment',
      bindings: ['orders'],
      async handle(client, m) {
        const o = JSON.parse(m.payload.toString('utf8')) as ReturnType<typeof order>;
        txIds.push(String(m.headers[TX_ID_HEADER]));
        await client.query('UPDATE wallets SET balance = balance - $1 WHERE customer = $2', [
          o.amount,
          o.customer,
        ]);
        await client.query('INSERT INTO charges VALUES ($1, $2, $3)', [
          o.orderId,
          o.customer,
          o.amount,
        ]);
      },
    });
    const relayOf = (id: string) =>
      OutboxRelay.start({
        relayId: id,
        connection: orders,
        amqpUrl: rabbit.url,
        exchange: EXCHANGE,
      });
    let relay = await relayOf('r1');
    try {
      const sent = [];
      for (const n of [1, 2]) sent.push(await placeOrder(producer, order(n)));
      expect(sent.map((s) => s.status)).toEqual(['queued', 'queued']);
      const refused = await placeOrder(producer, { ...order(3), refuse: true }).catch(
        (e: unknown) => e,
      );
      expect(refused).toBeInstanceOf(TransactionAbortedError);
      expect((refused as TransactionAbortedError).cause).toBeInstanceOf(OrderRefused);
      // The relay replaced while two committed rows wait: the new one publishes them.
      await relay.close();
      for (const n of [4, 5]) sent.push(await placeOrder(producer, order(n)));
      relay = await relayOf('r2');
      const charged = async () =>
        withClient(payments, async (c) =>
          (
            await c.query<{ order_id: string }>('SELECT order_id FROM charges ORDER BY order_id')
          ).rows.map((r) => r.order_id),
        );
      await until(async () => (await charged()).length >= 4, 'four orders charged');
      expect(await charged()).toEqual(['r1', 'r2', 'r4', 'r5']);
      expect(txIds.sort()).toEqual(sent.map((s) => s.txId).sort());
      const wallet = await withClient(payments, (c) =>
        c.query<{ balance: string }>('SELECT balance FROM wallets'),
      );
      expect(Number(wallet.rows[0]?.balance)).toBe(100_000 - 100 * (1 + 2 + 4 + 5));
      const pending = await withClient(orders, (c) => producer.outbox.pending(c));
      expect(pending).toBe(0);
    } finally {
      await relay.close();
      await payment.close();
      await db.close();
    }
  }, 60_000);
});
