// Transactional messages end to end on `cohort broker` and PostgreSQL (issue 18; the notes'
// order → payment → inventory flow, 001 §2.3.3), with the processes SIGKILLed at each step the
// notes list:
// - the order service after its half message is stored, before its local commit (the local
//   transaction dies with it: the check-back rolls the half back, fencing it);
// - the order service after its local commit, before the report (the check-back commits it);
// - the payment service after applying a message (charge + "paid" half, committed) and before
//   its ack (the redelivery is deduplicated);
// - the broker in the middle of a check-back (the half survives; the check runs again).
// Afterwards: every committed order was charged once and reserved once, no rolled-back or
// refused order reached anyone, nothing is lost, and the broker resolved each half as the
// producer's database says.
//
// Fault model: SIGKILL of the services (real child processes: test/support/txn-message-worker.ts,
// deterministic crash points) and of the broker (a real `cohort broker` process).

import path from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrokerClient } from '../src/comm/broker/client.js';
import { until } from '../src/runtime/testing/wait.js';
import { TransactionAbortedError } from '../src/transactions/errors.js';
import {
  ORDER_GROUP,
  ORDER_MESSAGE_SCHEMAS,
  ORDER_TOPIC,
  PAYMENT_GROUP,
  PAYMENT_TOPIC,
  placeOrder,
  startInventoryService,
} from '../src/transactions/examples/order-messages.js';
import type { OrderInput } from '../src/transactions/examples/order-saga.js';
import { BrokerTransactionalProducer } from '../src/transactions/transactional-message/producer.js';
import { Agent, BrokerProcess } from './support/broker-process.js';
import type { PostgresServer } from './support/postgres.js';
import { createDatabases, startTxnPostgres, withClient } from './support/txn-databases.js';
import type { MessageJob } from './support/txn-message-worker.js';

const WORKER = path.resolve(import.meta.dirname, 'support/txn-message-worker.ts');
const WALLET = 1_000_000;
const STOCK = 1_000_000;

/** A service process (txn-message-worker.ts) and the JSON lines it printed so far. */
const service = (dir: string, name: string, job: MessageJob) =>
  new Agent(dir, name, [JSON.stringify(job)], WORKER);
type Worker = Agent;

let server: PostgresServer;
let broker: BrokerProcess;
let client: BrokerClient;
let db: { orders: pg.ClientConfig; payments: pg.ClientConfig; inventory: pg.ClientConfig };
const cleanup: (() => Promise<unknown> | unknown)[] = [];

beforeAll(async () => {
  [server, broker] = await Promise.all([
    startTxnPostgres(),
    // Checks come quickly; never give up on one (a committed order must not be dropped).
    BrokerProcess.start([
      ...['--check-interval-ms', '300', '--check-max-attempts', '1000'],
      ...['--on-check-exhausted', 'keep'],
    ]),
  ]);
  client = new BrokerClient(broker.address);
  const [orders, payments, inventory] = (await createDatabases(server, 'shop', 3)) as [
    pg.ClientConfig,
    pg.ClientConfig,
    pg.ClientConfig,
  ];
  db = { orders, payments, inventory };
  for (const [name, sqls] of Object.entries(ORDER_MESSAGE_SCHEMAS))
    await withClient(db[name as keyof typeof db], async (c) => {
      for (const sql of sqls) await c.query(sql);
    });
  await withClient(payments, (c) =>
    c.query('INSERT INTO wallets VALUES ($1, $2)', ['ann', WALLET]),
  );
  await withClient(inventory, (c) =>
    c.query('INSERT INTO stock VALUES ($1, $2)', ['apple', STOCK]),
  );
  await client.createTopic(ORDER_TOPIC, { partitions: 2 });
  await client.createTopic(PAYMENT_TOPIC, { partitions: 2 });
}, 60_000);

afterAll(async () => {
  for (const f of cleanup.splice(0).reverse()) await f();
  client?.close();
  await broker?.stop();
  await server?.close();
});

const order = (n: number, refuse = false): OrderInput & { refuse?: boolean } => ({
  orderId: `o${n}`,
  customer: 'ann',
  item: 'apple',
  quantity: n,
  amount: 100 * n,
  ...(refuse && { refuse }),
});

async function rows<T>(c: pg.ClientConfig, sql: string): Promise<T[]> {
  return withClient(c, async (x) => (await x.query(sql)).rows as T[]);
}

/** Starts the order service on `job`; `exit` resolves once it is done or killed itself. */
function ordersWorker(name: string, job: MessageJob & { role: 'orders' }) {
  const w = service(broker.dir, name, job);
  cleanup.push(() => w.kill());
  const exit = w.proc.exited.then((e) => {
    if (job.crashAt === undefined) expect(e.code).toBe(0);
    else expect(e.signal).toBe('SIGKILL');
    return w;
  });
  return { w, exit };
}

const txIdOf = (w: Worker, orderId: string) =>
  w.of('step').find((l) => l.orderId === orderId && l.step === 'prepared')?.txId as string;

describe('transactional messages on cohort broker: services and the broker SIGKILLed', () => {
  it('each committed order is charged and reserved exactly once; nothing else reaches anyone', async () => {
    const job = { role: 'orders', broker: broker.address, connection: db.orders } as const;
    // Whoever restarts the order service answers the checks of its group: here, a producer
    // in this process (another process of the group, as after a crash). During the first
    // check of o6 it kills the broker: the check was sent, its answer never arrives.
    let restarted: Promise<void> | undefined;
    let c: Worker | undefined;
    const orderService = await BrokerTransactionalProducer.start({
      producerGroup: ORDER_GROUP,
      broker: client,
      connection: db.orders,
      hooks: {
        async at(step, txId) {
          if (step !== 'checking' || c === undefined || txId !== txIdOf(c, 'o6')) return;
          if (restarted !== undefined) return;
          restarted = broker.kill().then(() => broker.restart());
          await restarted;
        },
      },
    });
    cleanup.push(() => orderService.close());
    const paymentChecker = await BrokerTransactionalProducer.start({
      producerGroup: PAYMENT_GROUP,
      broker: client,
      connection: db.payments,
    });
    cleanup.push(() => paymentChecker.close());
    const inventory = await startInventoryService({ source: client, connection: db.inventory });
    cleanup.push(() => inventory.close());
    // The payment service, killed after applying its second message and before the ack.
    const payment1 = service(broker.dir, 'payment-1', {
      role: 'payment',
      broker: broker.address,
      connection: db.payments,
      crashAfterApplied: 1,
    });
    cleanup.push(() => payment1.kill());

    // 1. Killed after the half of o3, inside its local transaction (before COMMIT).
    const a = await ordersWorker('orders-a', {
      ...job,
      orders: [order(1), order(2), order(3)],
      crashAt: { step: 'before-local-commit', nth: 2 },
    }).exit;
    // 2. o2 again (refused: the order exists), then killed after o5's local commit, before
    //    its report.
    const b = await ordersWorker('orders-b', {
      ...job,
      orders: [order(2), order(4), order(5)],
      crashAt: { step: 'local-committed', nth: 1 },
    }).exit;
    expect(b.of('failed').map((l) => [l.orderId, l.code])).toEqual([['o2', 'aborted']]);
    await until(() => !payment1.proc.alive, 'the payment service killed before an ack');
    expect(payment1.of('applied')).toHaveLength(2);
    const payment2 = service(broker.dir, 'payment-2', {
      role: 'payment',
      broker: broker.address,
      connection: db.payments,
    });
    cleanup.push(() => payment2.kill());
    // 3. o6's report is lost too, and the broker dies while checking it back.
    const started = ordersWorker('orders-c', {
      ...job,
      orders: [order(6)],
      crashAt: { step: 'local-committed', nth: 0 },
    });
    c = started.w;
    await started.exit;
    await until(() => restarted !== undefined, 'the broker killed mid check-back');
    await restarted;
    // 4. After all that: an ordinary order and one the business refuses.
    const d = await ordersWorker('orders-d', {
      ...job,
      orders: [order(7), order(8, true)],
    }).exit;
    expect(d.of('sent').map((l) => [l.orderId, l.status])).toEqual([['o7', 'committed']]);
    expect(d.of('failed').map((l) => [l.orderId, l.code])).toEqual([['o8', 'aborted']]);

    const committed = ['o1', 'o2', 'o4', 'o5', 'o6', 'o7'];
    const reserved = async () =>
      Number(
        (await rows<{ n: string }>(db.inventory, 'SELECT count(*) AS n FROM reservations'))[0]?.n,
      );
    await until(async () => (await reserved()) >= committed.length, 'every order reserved');

    // The order service's database: exactly the committed orders.
    const ids = (rs: { order_id?: string; id?: string }[]) =>
      rs.map((r) => r.order_id ?? r.id).sort();
    expect(ids(await rows(db.orders, 'SELECT id FROM orders'))).toEqual(committed);
    // Payment: each committed order charged once; the wallet agrees.
    const charges = await rows<{ order_id: string }>(db.payments, 'SELECT order_id FROM charges');
    expect(ids(charges)).toEqual(committed);
    const spent = committed.reduce((s, id) => s + 100 * Number(id.slice(1)), 0);
    expect(await rows(db.payments, 'SELECT balance::int AS balance FROM wallets')).toEqual([
      { balance: WALLET - spent },
    ]);
    // The message payment-1 applied but never acked came again to payment-2: skipped.
    const unacked = payment1.of('applied')[1]?.messageId;
    expect(unacked).toMatch(/^orders\/\d\/\d+$/);
    expect(payment2.of('applied').map((l) => l.messageId)).not.toContain(unacked);
    // Inventory: each paid order reserved once.
    const reservations = await rows<{ order_id: string }>(
      db.inventory,
      'SELECT order_id FROM reservations',
    );
    expect(ids(reservations)).toEqual(committed);
    const units = committed.reduce((s, id) => s + Number(id.slice(1)), 0);
    expect(await rows(db.inventory, 'SELECT quantity FROM stock')).toEqual([
      { quantity: STOCK - units },
    ]);
    // The broker resolved each half as the order database says: asking for the other outcome
    // gets the recorded one (a half still pending would take it, and the test would fail).
    const [o3, o5, o6] = [txIdOf(a, 'o3'), txIdOf(b, 'o5'), txIdOf(c, 'o6')];
    expect(await client.endTransaction(o3, 'commit')).toBe('rollback');
    expect(await client.endTransaction(o5, 'rollback')).toBe('commit');
    expect(await client.endTransaction(o6, 'rollback')).toBe('commit');
    const logged = (txId: string) =>
      withClient(db.orders, (x) => orderService.log.outcome(x, txId));
    expect([await logged(o3), await logged(o5), await logged(o6)]).toEqual([
      'rollback',
      'commit',
      'commit',
    ]);
    // A last order goes all the way, and nothing else arrives with it.
    expect((await placeOrder(orderService, order(9))).status).toBe('committed');
    await until(async () => (await reserved()) === committed.length + 1, 'o9 reserved');
    expect(inventory.stats.applied).toBe(committed.length + 1);
    expect(inventory.stats.failed).toBe(0);
  }, 90_000);

  it('bad input: an unknown transaction id and a refused local transaction are typed errors', async () => {
    await expect(client.endTransaction('00000001-999999999999', 'commit')).rejects.toMatchObject({
      code: 'unknown-transaction',
    });
    const producer = await BrokerTransactionalProducer.start({
      producerGroup: 'bad-input',
      broker: client,
      connection: db.orders,
      answerChecks: false,
    });
    cleanup.push(() => producer.close());
    const failed = producer.send({ topic: ORDER_TOPIC, key: 'x1', value: 'v' }, async (tx) => {
      await tx.client.query('SELECT no_such_column FROM orders');
    });
    const error = (await failed.catch((e: unknown) => e)) as TransactionAbortedError;
    expect(error).toBeInstanceOf(TransactionAbortedError);
    expect(error.txnId).toMatch(/^\d{8}-\d{12}$/);
    expect(await client.endTransaction(error.txnId, 'commit')).toBe('rollback'); // Reported.
    // No such topic: the half is not stored; the error names the message key.
    const noTopic = producer.send(
      { topic: 'no-such-topic', key: 'x2', value: 'v' },
      async () => {},
    );
    await expect(noTopic).rejects.toMatchObject({ code: 'aborted', txnId: 'x2' });
    // A check-back for an id the producer never used: fenced as rolled back.
    expect(
      await withClient(db.orders, (x) => producer.log.answer(x, 'never-sent', 'bad-input', 100)),
    ).toBe('rollback');
  });
});
