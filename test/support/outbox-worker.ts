// The outbox crash tests' child process (test/transactions-outbox.test.ts): either a producer
// that writes orders, each with its outbox message in one local transaction, or an outbox relay
// that runs until the outbox is empty. It SIGKILLs itself at a deterministic point named by the
// COHORT_OUTBOX_CRASH environment variable, `<point>:<nth>` — the nth (0-based) arrival at a
// relay point ('claimed', 'published', 'marked': relay.ts) or, for the producer, 'committed'
// (after an order's COMMIT). Run with tsx:
//   node --import tsx test/support/outbox-worker.ts '<Job as JSON>'
// Prints {"event":"done",...} when it finished without crashing.
//
// Fault model: none of its own; any error is printed on stderr and exits with status 1.

import type pg from 'pg';
import { Outbox } from '../../src/transactions/outbox/outbox.js';
import { OutboxRelay } from '../../src/transactions/outbox/relay.js';
import { PgParticipant } from '../../src/transactions/pg-participant.js';

export interface OrderSpec {
  readonly orderId: string;
  readonly amount: number;
  /** The business transaction fails after writing the order and its message: rolled back. */
  readonly fail?: boolean;
}

export interface ProduceJob {
  readonly kind: 'produce';
  readonly connection: pg.ClientConfig;
  readonly orders: readonly OrderSpec[];
}

export interface RelayJob {
  readonly kind: 'relay';
  readonly relayId: string;
  readonly connection: pg.ClientConfig;
  readonly amqpUrl: string;
  readonly exchange: string;
  readonly batchSize: number;
}

export type OutboxJob = ProduceJob | RelayJob;

export const CRASH_ENV = 'COHORT_OUTBOX_CRASH';

/** A function that SIGKILLs this process at the crash point's nth arrival. */
function crasher(): (point: string) => void {
  const [point, nth] = (process.env[CRASH_ENV] ?? '').split(':');
  let reached = 0;
  return (at) => {
    if (at === point && reached++ === Number(nth)) process.kill(process.pid, 'SIGKILL');
  };
}

/** One order: the business row and its outbox message, in one local transaction. */
export async function placeOrder(db: PgParticipant, outbox: Outbox, order: OrderSpec) {
  await outbox.transaction(db, order.orderId, async (tx) => {
    await tx.client.query('INSERT INTO orders (id, amount) VALUES ($1, $2)', [
      order.orderId,
      order.amount,
    ]);
    await tx.send({
      aggregate: order.orderId,
      topic: 'order.created',
      payload: JSON.stringify({ orderId: order.orderId, amount: order.amount }),
    });
    if (order.fail === true) throw new Error(`order ${order.orderId} refused`);
  });
}

async function produce(job: ProduceJob): Promise<Record<string, unknown>> {
  const at = crasher();
  const db = new PgParticipant('shop', job.connection);
  const outbox = new Outbox();
  let committed = 0;
  for (const order of job.orders) {
    try {
      await placeOrder(db, outbox, order);
    } catch {
      continue; // Refused: rolled back with its message.
    }
    committed++;
    at('committed');
  }
  await db.close();
  return { committed };
}

async function relay(job: RelayJob): Promise<Record<string, unknown>> {
  const at = crasher();
  const relay = await OutboxRelay.start({
    relayId: job.relayId,
    connection: job.connection,
    amqpUrl: job.amqpUrl,
    exchange: job.exchange,
    batchSize: job.batchSize,
    pollIntervalMs: 50,
    hooks: { at },
    onError: (e) => process.stderr.write(`relay: ${e instanceof Error ? e.message : e}\n`),
  });
  const db = new PgParticipant('shop-check', job.connection, { poolSize: 1 });
  const outbox = new Outbox();
  // Until every committed row is sent (another relay's claimed rows count as pending).
  for (;;) {
    const pending = await db.local('check', (c) => outbox.pending(c));
    if (pending === 0) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  await relay.close();
  await db.close();
  return { published: relay.stats.published };
}

async function main(job: OutboxJob): Promise<void> {
  const result = job.kind === 'produce' ? await produce(job) : await relay(job);
  process.stdout.write(`${JSON.stringify({ event: 'done', ...result })}\n`);
}

if (process.argv[1]?.endsWith('outbox-worker.ts') === true)
  main(JSON.parse(process.argv[2] ?? '{}') as OutboxJob).then(
    () => process.exit(0),
    (e: unknown) => {
      process.stderr.write(`outbox-worker: ${e instanceof Error ? (e.stack ?? e.message) : e}\n`);
      process.exit(1);
    },
  );
