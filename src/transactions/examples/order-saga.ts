// The seed notes' order → payment → inventory flow as an orchestrated saga over three
// PostgreSQL databases (three services): create the order (pending), charge the customer's
// wallet, reserve the stock, approve the order. A refused payment or missing stock
// compensates what was done, in reverse: release the stock, refund the charge, cancel the
// order. Each step's effect is applied once per saga however often it runs (pg-effects.ts).
//
// Fault model: as the orchestrator's (saga/orchestrator.ts). A refusal (too little money or
// stock) is final — no retries — and leads straight to the compensations.

import type pg from 'pg';
import type { SagaDefinition } from '../saga/orchestrator.js';
import type { PgSagaEffects } from '../saga/pg-effects.js';

export interface OrderInput {
  readonly orderId: string;
  readonly customer: string;
  readonly item: string;
  readonly quantity: number;
  /** Cents. */
  readonly amount: number;
}

export const ORDER_SCHEMAS = {
  orders:
    'CREATE TABLE IF NOT EXISTS orders (id text PRIMARY KEY, customer text NOT NULL, ' +
    'item text NOT NULL, quantity int NOT NULL, amount bigint NOT NULL, status text NOT NULL)',
  payments:
    'CREATE TABLE IF NOT EXISTS wallets (customer text PRIMARY KEY, balance bigint NOT NULL CHECK (balance >= 0))',
  inventory:
    'CREATE TABLE IF NOT EXISTS stock (item text PRIMARY KEY, quantity int NOT NULL CHECK (quantity >= 0))',
} as const;

/** The business said no (too little money or stock): not worth a retry. */
export class OrderRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OrderRefused';
  }
}

export interface OrderServices {
  readonly orders: PgSagaEffects;
  readonly payments: PgSagaEffects;
  readonly inventory: PgSagaEffects;
}

/** Validates an order from an untrusted source (a saga input, a message). */
export function parseOrder(input: unknown): OrderInput {
  const o = input as Partial<OrderInput> | null;
  const text = (v: unknown) => typeof v === 'string' && v.length > 0 && v.length <= 100;
  if (!text(o?.orderId) || !text(o?.customer) || !text(o?.item))
    throw new TypeError('orderId, customer, item');
  if (!Number.isSafeInteger(o?.quantity) || (o?.quantity as number) <= 0)
    throw new TypeError('quantity');
  if (!Number.isSafeInteger(o?.amount) || (o?.amount as number) <= 0) throw new TypeError('amount');
  return o as OrderInput;
}

async function changeOne(
  client: pg.ClientBase,
  sql: string,
  params: unknown[],
  refusal: string,
): Promise<void> {
  const result = await client.query(sql, params);
  if (result.rowCount !== 1) throw new OrderRefused(refusal);
}

const refused = (error: unknown) => error instanceof OrderRefused;

export function orderSaga(s: OrderServices): SagaDefinition<OrderInput> {
  return {
    name: 'order',
    parseInput: parseOrder,
    steps: [
      {
        name: 'create-order',
        action: ({ sagaId, input: o }) =>
          s.orders.action(sagaId, 'create-order', async (c) => {
            await c.query(
              "INSERT INTO orders (id, customer, item, quantity, amount, status) VALUES ($1, $2, $3, $4, $5, 'pending')",
              [o.orderId, o.customer, o.item, o.quantity, o.amount],
            );
          }),
        compensate: ({ sagaId, input: o }) =>
          s.orders.compensation(sagaId, 'create-order', async (c) => {
            await c.query("UPDATE orders SET status = 'cancelled' WHERE id = $1", [o.orderId]);
          }),
      },
      {
        name: 'charge-payment',
        isFinal: refused,
        action: ({ sagaId, input: o }) =>
          s.payments.action(sagaId, 'charge-payment', (c) =>
            changeOne(
              c,
              'UPDATE wallets SET balance = balance - $1 WHERE customer = $2 AND balance >= $1',
              [o.amount, o.customer],
              `customer ${o.customer} cannot pay ${o.amount}`,
            ),
          ),
        compensate: ({ sagaId, input: o }) =>
          s.payments.compensation(sagaId, 'charge-payment', async (c) => {
            await c.query('UPDATE wallets SET balance = balance + $1 WHERE customer = $2', [
              o.amount,
              o.customer,
            ]);
          }),
      },
      {
        name: 'reserve-inventory',
        isFinal: refused,
        action: ({ sagaId, input: o }) =>
          s.inventory.action(sagaId, 'reserve-inventory', (c) =>
            changeOne(
              c,
              'UPDATE stock SET quantity = quantity - $1 WHERE item = $2 AND quantity >= $1',
              [o.quantity, o.item],
              `not enough ${o.item} for ${o.quantity}`,
            ),
          ),
        compensate: ({ sagaId, input: o }) =>
          s.inventory.compensation(sagaId, 'reserve-inventory', async (c) => {
            await c.query('UPDATE stock SET quantity = quantity + $1 WHERE item = $2', [
              o.quantity,
              o.item,
            ]);
          }),
      },
      {
        // The pivot: once the order is approved there is nothing left to fail.
        name: 'approve-order',
        action: ({ sagaId, input: o }) =>
          s.orders.action(sagaId, 'approve-order', async (c) => {
            await c.query("UPDATE orders SET status = 'approved' WHERE id = $1", [o.orderId]);
          }),
      },
    ],
  };
}
