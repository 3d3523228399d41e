// Orchestrated sagas (src/transactions/saga): compensations run in reverse order (the failed
// step included), per-step time limits cut off a hung step and retries recover a flaky one;
// the order → payment → inventory example on three real PostgreSQL databases completes or
// compensates every order; the orchestrator SIGKILLed at a step whose effect is applied but
// not yet logged, after a step is logged, and in the middle of the compensations resumes from
// its log: every order ends approved (charged and reserved once) or cancelled (refunded and
// released), wallets and stock sum to what they should, no effect applied twice.
//
// Fault model: the orchestrator killed (SIGKILL, a real child process: txn-worker.ts, at a
// deterministic point); steps that hang, fail transiently or refuse; unknown saga ids and
// bad input.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  InvalidTransactionArgument,
  ParticipantTimeoutError,
  TransactionAbortedError,
  UnknownTransactionError,
} from '../src/transactions/errors.js';
import {
  ORDER_SCHEMAS,
  type OrderInput,
  orderSaga,
} from '../src/transactions/examples/order-saga.js';
import {
  type SagaHookStep,
  SagaOrchestrator,
  type SagaStep,
} from '../src/transactions/saga/orchestrator.js';
import { PgSagaEffects, StepCompensatedError } from '../src/transactions/saga/pg-effects.js';
import type { PostgresServer } from './support/postgres.js';
import {
  createDatabases,
  runTxnWorker,
  startTxnPostgres,
  withClient,
} from './support/txn-databases.js';

const WALLET = 10_000;
const STOCK = 20;

let server: PostgresServer;
let scratch: string;
beforeAll(async () => {
  server = await startTxnPostgres();
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-saga-'));
});
afterAll(async () => {
  await server?.close();
  if (scratch !== undefined) fs.rmSync(scratch, { recursive: true, force: true });
});

let logCount = 0;
const newLogDir = () => path.join(scratch, `log-${++logCount}`);

describe('saga orchestrator (steps in memory)', () => {
  /** Steps that record what ran, in order. */
  function recordingSteps(
    trace: string[],
    fail: (name: string, attempt: number) => 'ok' | 'fail' | 'hang',
  ) {
    const attempts = new Map<string, number>();
    return ['s1', 's2', 's3', 's4'].map(
      (name): SagaStep<unknown> => ({
        name,
        timeoutMs: 200,
        attempts: 2,
        async action() {
          const n = (attempts.get(name) ?? 0) + 1;
          attempts.set(name, n);
          trace.push(`${name}#${n}`);
          const what = fail(name, n);
          if (what === 'fail') throw new Error(`${name} failed`);
          if (what === 'hang') await new Promise(() => {}); // Ignores its signal: cut off anyway.
          return `${name}-result`;
        },
        async compensate() {
          trace.push(`undo-${name}`);
        },
      }),
    );
  }

  it('retries a step that hangs once, then completes with every result', async () => {
    const trace: string[] = [];
    const steps = recordingSteps(trace, (name, n) => (name === 's2' && n === 1 ? 'hang' : 'ok'));
    const sagas = await SagaOrchestrator.open({
      orchestratorId: 'mem-1',
      logDir: newLogDir(),
      sagas: [{ name: 'four', steps, parseInput: (x) => x }],
    });
    try {
      const result = await sagas.start('four', {}, { sagaId: 'ok-1' });
      expect(trace).toEqual(['s1#1', 's2#1', 's2#2', 's3#1', 's4#1']);
      expect(result.results).toEqual({
        s1: 's1-result',
        s2: 's2-result',
        s3: 's3-result',
        s4: 's4-result',
      });
      expect(() => sagas.status('ok-1')).toThrow(UnknownTransactionError);
    } finally {
      await sagas.close();
    }
  });

  it('a step that keeps hanging is compensated with every earlier step, in reverse', async () => {
    const trace: string[] = [];
    const steps = recordingSteps(trace, (name) => (name === 's3' ? 'hang' : 'ok'));
    const sagas = await SagaOrchestrator.open({
      orchestratorId: 'mem-2',
      logDir: newLogDir(),
      sagas: [{ name: 'four', steps, parseInput: (x) => x }],
    });
    try {
      const failed = sagas.start('four', {}, { sagaId: 'hung-1' });
      const error = (await failed.catch((e: unknown) => e)) as TransactionAbortedError;
      expect(error).toBeInstanceOf(TransactionAbortedError);
      expect(error.txnId).toBe('hung-1');
      expect(error.message).toContain(new ParticipantTimeoutError('hung-1', 's3', 200).message);
      expect(trace).toEqual(['s1#1', 's2#1', 's3#1', 's3#2', 'undo-s3', 'undo-s2', 'undo-s1']);
      expect(sagas.log.keys('saga/')).toEqual([]);
      await expect(sagas.start('nope', {})).rejects.toBeInstanceOf(InvalidTransactionArgument);
      await expect(sagas.start('four', {}, { sagaId: 'bad id' })).rejects.toBeInstanceOf(
        InvalidTransactionArgument,
      );
      expect(() => sagas.status('never-started')).toThrow(UnknownTransactionError);
    } finally {
      await sagas.close();
    }
  });
});

interface Shop {
  readonly connections: Record<'orders' | 'payments' | 'inventory', pg.ClientConfig>;
}

async function shop(customers: string[], items: string[]): Promise<Shop> {
  const [orders, payments, inventory] = (await createDatabases(
    server,
    'shop',
    3,
  )) as pg.ClientConfig[] as [pg.ClientConfig, pg.ClientConfig, pg.ClientConfig];
  await withClient(orders, (c) => c.query(ORDER_SCHEMAS.orders));
  await withClient(payments, async (c) => {
    await c.query(ORDER_SCHEMAS.payments);
    await c.query('INSERT INTO wallets SELECT unnest($1::text[]), $2', [customers, WALLET]);
  });
  await withClient(inventory, async (c) => {
    await c.query(ORDER_SCHEMAS.inventory);
    await c.query('INSERT INTO stock SELECT unnest($1::text[]), $2', [items, STOCK]);
  });
  return { connections: { orders, payments, inventory } };
}

async function openServices(s: Shop) {
  return {
    orders: await PgSagaEffects.open('orders', s.connections.orders),
    payments: await PgSagaEffects.open('payments', s.connections.payments),
    inventory: await PgSagaEffects.open('inventory', s.connections.inventory),
  };
}

/** Every order approved or cancelled; money and stock match the approved ones exactly. */
async function checkShop(s: Shop, orders: readonly OrderInput[]): Promise<Map<string, string>> {
  const status = await withClient(s.connections.orders, async (c) => {
    const r = await c.query<{ id: string; status: string }>('SELECT id, status FROM orders');
    return new Map(r.rows.map((row) => [row.id, row.status]));
  });
  const wallets = await withClient(s.connections.payments, async (c) => {
    const r = await c.query<{ customer: string; balance: string }>(
      'SELECT customer, balance FROM wallets',
    );
    return new Map(r.rows.map((row) => [row.customer, Number(row.balance)]));
  });
  const stock = await withClient(s.connections.inventory, async (c) => {
    const r = await c.query<{ item: string; quantity: number }>('SELECT item, quantity FROM stock');
    return new Map(r.rows.map((row) => [row.item, row.quantity]));
  });
  const spent = new Map<string, number>();
  const taken = new Map<string, number>();
  for (const o of orders) {
    const st = status.get(o.orderId);
    expect(['approved', 'cancelled', undefined]).toContain(st);
    if (st !== 'approved') continue;
    spent.set(o.customer, (spent.get(o.customer) ?? 0) + o.amount);
    taken.set(o.item, (taken.get(o.item) ?? 0) + o.quantity);
  }
  for (const [customer, balance] of wallets)
    expect(balance).toBe(WALLET - (spent.get(customer) ?? 0));
  for (const [item, quantity] of stock) expect(quantity).toBe(STOCK - (taken.get(item) ?? 0));
  return status;
}

describe('the order → payment → inventory saga on PostgreSQL', () => {
  it('approves orders that can be paid and supplied, compensates the others', async () => {
    const s = await shop(['ann', 'ben'], ['apple']);
    const services = await openServices(s);
    const sagas = await SagaOrchestrator.open({
      orchestratorId: 'shop-1',
      logDir: newLogDir(),
      sagas: [orderSaga(services)],
    });
    const orders: OrderInput[] = [
      { orderId: 'o1', customer: 'ann', item: 'apple', quantity: 5, amount: 500 },
      { orderId: 'o2', customer: 'ben', item: 'apple', quantity: 1, amount: 20_000 }, // Too dear.
      { orderId: 'o3', customer: 'ben', item: 'apple', quantity: 50, amount: 100 }, // Too many.
    ];
    try {
      await sagas.start('order', orders[0], { sagaId: 'o1' });
      for (const o of orders.slice(1))
        await expect(sagas.start('order', o, { sagaId: o.orderId })).rejects.toBeInstanceOf(
          TransactionAbortedError,
        );
      const status = await checkShop(s, orders);
      expect(status).toEqual(
        new Map([
          ['o1', 'approved'],
          ['o2', 'cancelled'],
          ['o3', 'cancelled'],
        ]),
      );
      // A late action of a compensated step is refused; a repeated one returns its result.
      await expect(
        services.payments.action('o2', 'charge-payment', async () => 1),
      ).rejects.toBeInstanceOf(StepCompensatedError);
      expect(await services.orders.action('o1', 'create-order', async () => 'again')).toBe(null);
      await expect(sagas.start('order', { orderId: 'x' })).rejects.toMatchObject({
        code: 'invalid',
      });
    } finally {
      await sagas.close();
      await Promise.all(Object.values(services).map((x) => x.close()));
    }
  });

  const points: [SagaHookStep, string, number, string][] = [
    // point, step, nth arrival, what order o3 ends as
    ['after-start', '', 2, 'approved'],
    ['step-ran', 'charge-payment', 2, 'approved'], // Charged, not logged: runs again, once.
    ['step-logged', 'reserve-inventory', 2, 'approved'],
    ['compensated', 'charge-payment', 0, 'cancelled'], // Mid-compensation of refused o3.
  ];
  it.each(points)(
    'orchestrator SIGKILLed at %s %s: resumed from the saga log',
    async (point, step, nth, o3) => {
      const s = await shop(['ann'], ['apple']);
      const logDir = newLogDir();
      const orders: OrderInput[] = [
        { orderId: 'o1', customer: 'ann', item: 'apple', quantity: 2, amount: 100 },
        { orderId: 'o2', customer: 'ann', item: 'apple', quantity: 2, amount: 100 },
        {
          orderId: 'o3',
          customer: 'ann',
          item: 'apple',
          quantity: o3 === 'cancelled' ? 99 : 2, // 99: the stock refuses; compensations run.
          amount: 100,
        },
        { orderId: 'o4', customer: 'ann', item: 'apple', quantity: 2, amount: 100 },
      ];
      const exit = await runTxnWorker({
        kind: 'saga',
        tmId: 'shop-crash',
        logDir,
        services: s.connections,
        orders,
        concurrency: 1,
        crashAt: { step: point, name: step, nth },
      });
      expect(exit.signal).toBe('SIGKILL');
      const services = await openServices(s);
      const sagas = await SagaOrchestrator.open({
        orchestratorId: 'shop-crash',
        logDir,
        sagas: [orderSaga(services)],
      });
      try {
        expect(sagas.log.keys('saga/')).toEqual([]);
        const status = await checkShop(s, orders);
        expect(status).toEqual(
          new Map([
            ['o1', 'approved'],
            ['o2', 'approved'],
            ['o3', o3],
          ]),
        );
      } finally {
        await sagas.close();
        await Promise.all(Object.values(services).map((x) => x.close()));
      }
    },
  );

  it('SIGKILLed among 8 concurrent orders: each ends approved or cancelled, exactly once', async () => {
    const s = await shop(['ann', 'ben', 'cat'], ['apple', 'pear']);
    const logDir = newLogDir();
    const orders: OrderInput[] = Array.from({ length: 30 }, (_, i) => ({
      orderId: `m${i}`,
      customer: ['ann', 'ben', 'cat'][i % 3] as string,
      item: i % 2 === 0 ? 'apple' : 'pear',
      quantity: 1 + (i % 3),
      amount: 700 + 37 * i,
    }));
    const exit = await runTxnWorker({
      kind: 'saga',
      tmId: 'shop-many',
      logDir,
      services: s.connections,
      orders,
      concurrency: 8,
      crashAt: { step: 'step-ran', name: 'reserve-inventory', nth: 10 },
    });
    expect(exit.signal).toBe('SIGKILL');
    const services = await openServices(s);
    const sagas = await SagaOrchestrator.open({
      orchestratorId: 'shop-many',
      logDir,
      sagas: [orderSaga(services)],
    });
    try {
      expect(sagas.log.keys('saga/')).toEqual([]);
      const status = await checkShop(s, orders);
      expect([...status.values()].filter((x) => x === 'approved').length).toBeGreaterThan(0);
    } finally {
      await sagas.close();
      await Promise.all(Object.values(services).map((x) => x.close()));
    }
  });
});
