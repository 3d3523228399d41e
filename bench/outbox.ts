// The outbox relay's latency against the broker's own (issue 18's goal: the relay adds no more
// than one broker round trip). Two measurements in one run, on the same RabbitMQ and the same
// loopback, one message at a time (concurrency 1, so each figure is a latency, not a queue):
// - relay: COMMIT of a local transaction holding an outbox row → the message in a consumer's
//   hands (NOTIFY wakes the relay, which claims, publishes with a confirm and marks the row);
// - raw: one persistent publish on a confirm channel → the same consumer receives it, and the
//   publish → confirm time (the relay waits for that before it marks the row sent).
// The relay's poll is set far above the samples' spacing, so a wake-up is NOTIFY's, not a poll's.
// `cohort bench txn` may call benchOutbox(); the servers are the caller's (a test helper starts
// them: test/support/outbox-bench-run.ts).
//
// Fault model: none; a failure rejects.

import { performance } from 'node:perf_hooks';
import amqp from 'amqplib';
import type pg from 'pg';
import { Outbox } from '../src/transactions/outbox/outbox.js';
import { OutboxRelay } from '../src/transactions/outbox/relay.js';
import { PgParticipant } from '../src/transactions/pg-participant.js';

export interface OutboxBenchOptions {
  /** A database the bench may create its table in (outbox_bench). */
  readonly connection: pg.ClientConfig;
  readonly amqpUrl: string;
  /** Messages per measurement. Default 200. */
  readonly samples?: number;
  /** Payload bytes. Default 100. */
  readonly payloadBytes?: number;
}

export interface LatencySummary {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly meanMs: number;
}

export interface OutboxBenchResult {
  readonly samples: number;
  /** COMMIT → consumed, through the relay. */
  readonly relay: LatencySummary;
  /** publish → consumed, straight to RabbitMQ. */
  readonly raw: LatencySummary;
  /** publish → publisher confirm. */
  readonly rawConfirm: LatencySummary;
  /** relay p50 − raw p50: what the relay adds. */
  readonly addedP50Ms: number;
}

const EXCHANGE = 'cohort-bench-outbox';

export async function benchOutbox(options: OutboxBenchOptions): Promise<OutboxBenchResult> {
  const samples = options.samples ?? 200;
  const payload = Buffer.alloc(options.payloadBytes ?? 100, 'x');
  const connection = await amqp.connect(options.amqpUrl);
  try {
    const received = await consumer(connection);
    const raw = await measureRaw(connection, received, samples, payload);
    const relay = await measureRelay(options, received, samples, payload);
    return {
      samples,
      relay: summarize(relay),
      raw: summarize(raw.consumed),
      rawConfirm: summarize(raw.confirmed),
      addedP50Ms: summarize(relay).p50Ms - summarize(raw.consumed).p50Ms,
    };
  } finally {
    await connection.close();
  }
}

/** A consumer on a fresh queue bound to everything; `next()` resolves at the next delivery. */
async function consumer(connection: amqp.ChannelModel) {
  const channel = await connection.createChannel();
  await channel.assertExchange(EXCHANGE, 'topic', { durable: true });
  const { queue } = await channel.assertQueue('', { exclusive: true });
  await channel.bindQueue(queue, EXCHANGE, '#');
  let waiter: ((at: number) => void) | undefined;
  await channel.consume(
    queue,
    () => {
      const at = performance.now();
      waiter?.(at);
      waiter = undefined;
    },
    { noAck: true },
  );
  return {
    next: () =>
      new Promise<number>((resolve) => {
        waiter = resolve;
      }),
  };
}

async function measureRaw(
  connection: amqp.ChannelModel,
  received: { next(): Promise<number> },
  samples: number,
  payload: Buffer,
) {
  const channel = await connection.createConfirmChannel();
  const consumed: number[] = [];
  const confirmed: number[] = [];
  for (let i = 0; i < samples; i++) {
    const arrived = received.next();
    const start = performance.now();
    const confirm = new Promise<number>((resolve, reject) =>
      channel.publish(EXCHANGE, 'bench.raw', payload, { persistent: true }, (e) =>
        e ? reject(e) : resolve(performance.now()),
      ),
    );
    consumed.push((await arrived) - start);
    confirmed.push((await confirm) - start);
  }
  await channel.close();
  return { consumed, confirmed };
}

async function measureRelay(
  options: OutboxBenchOptions,
  received: { next(): Promise<number> },
  samples: number,
  payload: Buffer,
): Promise<number[]> {
  const outbox = new Outbox({ table: 'outbox_bench' });
  const db = new PgParticipant('bench', options.connection, { poolSize: 1 });
  await db.local('install', (c) => outbox.install(c));
  const relay = await OutboxRelay.start({
    relayId: 'bench',
    connection: options.connection,
    amqpUrl: options.amqpUrl,
    exchange: EXCHANGE,
    outbox,
    pollIntervalMs: 60_000,
  });
  const client = await db.connect('bench');
  try {
    const out: number[] = [];
    for (let i = 0; i < samples; i++) {
      const arrived = received.next();
      await client.query('BEGIN');
      await outbox.enqueue(client, { aggregate: `a${i}`, topic: 'bench.relay', payload });
      const start = performance.now();
      await client.query('COMMIT');
      out.push((await arrived) - start);
    }
    return out;
  } finally {
    client.release();
    await relay.close();
    await db.close();
  }
}

function summarize(values: readonly number[]): LatencySummary {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
  const round = (ms: number) => Math.round(ms * 1000) / 1000;
  const mean = sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length);
  return { p50Ms: round(at(0.5)), p99Ms: round(at(0.99)), meanMs: round(mean) };
}
