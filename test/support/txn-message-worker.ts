// The transactional-message crash tests' service process (test/txn-kill-messages.test.ts): the
// order service placing orders, or the payment service consuming them, on `cohort broker` and
// PostgreSQL, SIGKILLing itself at a chosen step of a chosen message — a deterministic crash
// point, not a timed one. Run with tsx:
//   node --import tsx test/support/txn-message-worker.ts '<Job as JSON>'
// Prints JSON lines: {"event":"step","step","txId","orderId"} at each producer step, then
// {"event":"sent"|"failed",…} per order and {"event":"done"}; the payment service prints
// {"event":"applied","messageId"} and runs until killed.
//
// Fault model: none of its own; an unexpected error is printed on stderr, exit status 1.

import { BrokerClient } from '../../src/comm/broker/client.js';
import {
  ORDER_GROUP,
  PAYMENT_GROUP,
  placeOrder,
  startPaymentService,
} from '../../src/transactions/examples/order-messages.js';
import type { OrderInput } from '../../src/transactions/examples/order-saga.js';
import type { PgConnection } from '../../src/transactions/pg-participant.js';
import {
  BrokerTransactionalProducer,
  type ProducerStep,
} from '../../src/transactions/transactional-message/producer.js';

export interface OrdersJob {
  readonly role: 'orders';
  readonly broker: string;
  readonly connection: PgConnection;
  readonly orders: readonly (OrderInput & { refuse?: boolean })[];
  /** Die at `step` of the `nth` (0-based) order to reach it. */
  readonly crashAt?: { readonly step: ProducerStep; readonly nth: number };
}

export interface PaymentJob {
  readonly role: 'payment';
  readonly broker: string;
  readonly connection: PgConnection;
  /** Die after the `nth` (0-based) message applied, before its ack. */
  readonly crashAfterApplied?: number;
}

export type MessageJob = OrdersJob | PaymentJob;

const print = (o: Record<string, unknown>) => process.stdout.write(`${JSON.stringify(o)}\n`);

async function orders(job: OrdersJob): Promise<void> {
  const client = new BrokerClient(job.broker);
  let current = '';
  let reached = 0;
  const producer = await BrokerTransactionalProducer.start({
    producerGroup: ORDER_GROUP,
    broker: client,
    connection: job.connection,
    hooks: {
      at(step, txId) {
        if (step === 'checking') return;
        print({ event: 'step', step, txId, orderId: current });
        if (step === job.crashAt?.step && reached++ === job.crashAt.nth)
          process.kill(process.pid, 'SIGKILL');
      },
    },
  });
  for (const order of job.orders) {
    current = order.orderId;
    try {
      const r = await placeOrder(producer, order);
      print({ event: 'sent', orderId: order.orderId, txId: r.txId, status: r.status });
    } catch (error) {
      const e = error as { code?: string; txnId?: string; message?: string };
      print({ event: 'failed', orderId: order.orderId, txId: e.txnId, code: e.code });
    }
  }
  await producer.close();
  client.close();
  print({ event: 'done' });
}

async function payment(job: PaymentJob): Promise<void> {
  const client = new BrokerClient(job.broker);
  const producer = await BrokerTransactionalProducer.start({
    producerGroup: PAYMENT_GROUP,
    broker: client,
    connection: job.connection,
  });
  let applied = 0;
  await startPaymentService({
    source: client,
    producer,
    hooks: {
      at(_step, messageId) {
        print({ event: 'applied', messageId });
        if (applied++ === job.crashAfterApplied) process.kill(process.pid, 'SIGKILL');
      },
    },
  });
  print({ event: 'ready' });
  setInterval(() => {}, 1 << 30); // Until killed.
}

const job = JSON.parse(process.argv[2] ?? '{}') as MessageJob;
(job.role === 'orders' ? orders(job) : payment(job)).then(
  () => {
    if (job.role === 'orders') process.exit(0);
  },
  (e: unknown) => {
    process.stderr.write(
      `txn-message-worker: ${e instanceof Error ? (e.stack ?? e.message) : e}\n`,
    );
    process.exit(1);
  },
);
