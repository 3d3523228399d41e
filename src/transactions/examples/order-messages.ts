// The seed notes' order → payment → inventory flow (001 §2.3.3) with transactional messages on
// Cohort's broker (transactional-message/): the order service creates the order in its local
// transaction and sends "order created" as a half message on topic `orders`; the payment
// service consumes it, charges the wallet and — "the payment system does the same" — sends
// "order paid" on topic `payments` as a transactional message of its own, in the same local
// transaction as the charge and its dedup row; the inventory service consumes that and
// reserves the stock. Every service has its own database; each consumer applies each message
// once (a dedup row in its transaction). `charges` and `reservations` keep one row per
// application, so an audit can count them.
//
// Fault model: as the producer's and the consumers'. Not modelled: a payment the business
// refuses (it would need a compensation — a saga, examples/order-saga.ts); wallets and stock
// here never run out.

import type pg from 'pg';
import {
  BadDeliveryError,
  BrokerIdempotentConsumer,
  type DeliverySource,
} from '../transactional-message/consumer.js';
import type {
  BrokerTransactionalProducer,
  SendResult,
  TransactionalMessageProducer,
} from '../transactional-message/producer.js';
import { ORDER_SCHEMAS, type OrderInput, OrderRefused, parseOrder } from './order-saga.js';

export const ORDER_TOPIC = 'orders';
/** The producer groups: the broker checks back with any producer of the group. */
export const ORDER_GROUP = 'order-service';
export const PAYMENT_GROUP = 'payment-service';
export const PAYMENT_TOPIC = 'payments';

export const ORDER_MESSAGE_SCHEMAS = {
  orders: [ORDER_SCHEMAS.orders],
  payments: [
    ORDER_SCHEMAS.payments,
    'CREATE TABLE IF NOT EXISTS charges (order_id text NOT NULL, customer text NOT NULL, amount bigint NOT NULL)',
  ],
  inventory: [
    ORDER_SCHEMAS.inventory,
    'CREATE TABLE IF NOT EXISTS reservations (order_id text NOT NULL, item text NOT NULL, quantity int NOT NULL)',
  ],
} as const;

/**
 * The order service: the order row and the "order created" message, both or neither. An
 * order with `refuse` set fails its local transaction (the half message is rolled back).
 */
export function placeOrder(
  producer: TransactionalMessageProducer,
  order: OrderInput & { readonly refuse?: boolean },
): Promise<SendResult<void>> {
  const o = parseOrder(order);
  const value = JSON.stringify({
    orderId: o.orderId,
    customer: o.customer,
    item: o.item,
    quantity: o.quantity,
    amount: o.amount,
  });
  return producer.send({ topic: ORDER_TOPIC, key: o.orderId, value }, async ({ client }) => {
    await client.query(
      "INSERT INTO orders (id, customer, item, quantity, amount, status) VALUES ($1, $2, $3, $4, $5, 'created')",
      [o.orderId, o.customer, o.item, o.quantity, o.amount],
    );
    if (order.refuse === true) throw new OrderRefused(`order ${o.orderId} refused`);
  });
}

/** The order a message carries; a message that carries none is never retried. */
function orderOf(m: { messageId: string; value: Buffer }): OrderInput {
  try {
    return parseOrder(JSON.parse(m.value.toString('utf8')));
  } catch (error) {
    throw new BadDeliveryError(`not an order: ${(error as Error).message}`, m.messageId);
  }
}

/** The payment service: charges once per order and forwards "order paid" with the charge. */
export function startPaymentService(o: {
  readonly source: DeliverySource;
  readonly producer: BrokerTransactionalProducer;
  readonly hooks?: { at(step: 'applied', messageId: string): void | Promise<void> };
  readonly onError?: (error: unknown) => void;
}): Promise<BrokerIdempotentConsumer> {
  return BrokerIdempotentConsumer.start({
    consumerId: 'payment',
    source: o.source,
    group: 'payment',
    topic: ORDER_TOPIC,
    forward: {
      producer: o.producer,
      message: (m) => ({ topic: PAYMENT_TOPIC, key: m.key, value: m.value }),
    },
    async handle(client, m) {
      const order = orderOf(m);
      await charge(client, order);
    },
    ...(o.hooks !== undefined && { hooks: o.hooks }),
    ...(o.onError !== undefined && { onError: o.onError }),
  });
}

async function charge(client: pg.PoolClient, order: OrderInput): Promise<void> {
  await client.query('UPDATE wallets SET balance = balance - $1 WHERE customer = $2', [
    order.amount,
    order.customer,
  ]);
  await client.query('INSERT INTO charges (order_id, customer, amount) VALUES ($1, $2, $3)', [
    order.orderId,
    order.customer,
    order.amount,
  ]);
}

/** The inventory service: reserves the stock once per paid order. */
export function startInventoryService(o: {
  readonly source: DeliverySource;
  readonly connection: pg.ClientConfig | string;
  readonly onError?: (error: unknown) => void;
}): Promise<BrokerIdempotentConsumer> {
  return BrokerIdempotentConsumer.start({
    consumerId: 'inventory',
    source: o.source,
    group: 'inventory',
    topic: PAYMENT_TOPIC,
    connection: o.connection,
    async handle(client, m) {
      const order = orderOf(m);
      await client.query('UPDATE stock SET quantity = quantity - $1 WHERE item = $2', [
        order.quantity,
        order.item,
      ]);
      await client.query(
        'INSERT INTO reservations (order_id, item, quantity) VALUES ($1, $2, $3)',
        [order.orderId, order.item, order.quantity],
      );
    },
    ...(o.onError !== undefined && { onError: o.onError }),
  });
}
