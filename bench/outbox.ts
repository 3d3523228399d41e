// The outbox relay's latency against the broker's own (issue 18's goal: the relay adds no more
// than one broker round trip). Two measurements in one run, on the same RabbitMQ and the same
// loopback, one message at a time (concurrency 1, so each figure is a latency, not a queue),
// their samples interleaved so that both see the same machine:
// - relay: COMMIT of a local transaction holding an outbox row → the message in a consumer's
//   hands (the NOTIFY carries the row: the fast-path relay publishes it with a confirm and
//   marks the row — relay.ts, fast-path.ts), and COMMIT → claimed (the relay's 'claimed'
//   hook: what PostgreSQL adds before the publish). Two relays run, as a deployment would:
//   only the one holding the fast path publishes from payloads; duplicates are counted;
// - raw: one persistent, mandatory publish on a confirm channel of its own connection → the
//   same consumer receives it, and the publish → confirm time (the relay waits for that before
//   it marks the row sent).
// The relay's poll is set far above the samples' spacing, so a wake-up is NOTIFY's, not a poll's.
// `cohort bench txn` may call benchOutbox(); the servers are the caller's (a test helper starts
// them: test/support/outbox-bench-run.ts).
//
// Fault model: none; a failure rejects.

import { randomUUID } from 'node:crypto';
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
  /** COMMIT answered → consumed: the relay's part once the row is durable. */
  readonly relayAfterCommit: LatencySummary;
  /** COMMIT → the relay has the row in hand (fast path: NOTIFY's arrival; else the claim). */
  readonly claimed: LatencySummary;
  /** COMMIT answered → the relay has the row: NOTIFY's delivery behind the commit's answer. */
  readonly claimedAfterCommit: LatencySummary;
  /** publish → consumed, straight to RabbitMQ (a persistent, mandatory publish, as the relay's). */
  readonly raw: LatencySummary;
  /** publish → publisher confirm. */
  readonly rawConfirm: LatencySummary;
  /** relayAfterCommit p50 − raw p50: what the relay adds to a publish. */
  readonly addedP50Ms: number;
  /** Relay messages published from their NOTIFY payload (both relays together). */
  readonly fastPath: number;
  /** Relay messages the consumer received more than once (at least once: allowed). */
  readonly duplicates: number;
}

const EXCHANGE = 'cohort-bench-outbox';

export async function benchOutbox(options: OutboxBenchOptions): Promise<OutboxBenchResult> {
  const samples = options.samples ?? 200;
  const payload = Buffer.alloc(options.payloadBytes ?? 100, 'x');
  const connection = await amqp.connect(options.amqpUrl);
  const relay = await startRelay(options);
  try {
    const received = await consumer(connection);
    // The raw publisher has a connection of its own, as the relay has.
    const rawConnection = await amqp.connect(options.amqpUrl);
    const raw = await rawConnection.createConfirmChannel();
    const out = {
      relay: [] as number[],
      afterCommit: [] as number[],
      claimed: [] as number[],
      claimedAfterCommit: [] as number[],
      raw: [] as number[],
    };
    const confirmed: number[] = [];
    try {
      // Interleaved, so that both paths see the same machine (load, caches, timers).
      for (let i = 0; i < samples; i++) {
        const r = await rawSample(raw, received, payload);
        out.raw.push(r.consumed);
        confirmed.push(r.confirmed);
        const s = await relaySample(relay, received, payload, i);
        out.relay.push(s.consumed);
        out.afterCommit.push(s.afterCommit);
        out.claimed.push(s.claimed);
        out.claimedAfterCommit.push(s.claimedAfterCommit);
      }
    } finally {
      await rawConnection.close();
    }
    const [afterCommit, rawConsumed] = [summarize(out.afterCommit), summarize(out.raw)];
    return {
      samples,
      relay: summarize(out.relay),
      relayAfterCommit: afterCommit,
      claimed: summarize(out.claimed),
      claimedAfterCommit: summarize(out.claimedAfterCommit),
      raw: rawConsumed,
      rawConfirm: summarize(confirmed),
      addedP50Ms: Math.round((afterCommit.p50Ms - rawConsumed.p50Ms) * 1000) / 1000,
      fastPath: relay.fastPath(),
      duplicates: received.duplicates(),
    };
  } finally {
    await relay.close();
    await connection.close();
  }
}

/** A consumer on a fresh queue bound to everything; `next(id)` resolves at that message. */
async function consumer(connection: amqp.ChannelModel) {
  const channel = await connection.createChannel();
  await channel.assertExchange(EXCHANGE, 'topic', { durable: true });
  const { queue } = await channel.assertQueue('', { exclusive: true });
  await channel.bindQueue(queue, EXCHANGE, '#');
  const waiters = new Map<string, (at: number) => void>();
  const seen = new Set<string>();
  let duplicates = 0;
  await channel.consume(
    queue,
    (message) => {
      const at = performance.now();
      const id = String(message?.properties.messageId);
      if (seen.has(id)) duplicates++;
      seen.add(id);
      waiters.get(id)?.(at);
      waiters.delete(id);
    },
    { noAck: true },
  );
  return {
    next: (id: string) =>
      new Promise<number>((resolve) => {
        waiters.set(id, resolve);
      }),
    duplicates: () => duplicates,
  };
}

type Received = Awaited<ReturnType<typeof consumer>>;

/** One persistent, mandatory publish (as the relay's) → consumed, and → confirmed. */
async function rawSample(
  channel: amqp.ConfirmChannel,
  received: Received,
  payload: Buffer,
): Promise<{ consumed: number; confirmed: number }> {
  const messageId = randomUUID();
  const arrived = received.next(messageId);
  const start = performance.now();
  const confirm = new Promise<number>((resolve, reject) =>
    channel.publish(
      EXCHANGE,
      'bench.raw',
      payload,
      { persistent: true, mandatory: true, messageId },
      (e) => (e ? reject(e) : resolve(performance.now())),
    ),
  );
  const consumed = (await arrived) - start;
  return { consumed, confirmed: (await confirm) - start };
}

interface BenchRelay {
  readonly outbox: Outbox;
  readonly client: pg.PoolClient;
  /** When a relay last claimed rows (its 'claimed' hook). */
  claimedAt: number;
  fastPath(): number;
  close(): Promise<void>;
}

async function startRelay(options: OutboxBenchOptions): Promise<BenchRelay> {
  const outbox = new Outbox({ table: 'outbox_bench' });
  const db = new PgParticipant('bench', options.connection, { poolSize: 1 });
  await db.local('install', (c) => outbox.install(c));
  const state = { claimedAt: 0 };
  const start = (relayId: string) =>
    OutboxRelay.start({
      relayId,
      connection: options.connection,
      amqpUrl: options.amqpUrl,
      exchange: EXCHANGE,
      outbox,
      pollIntervalMs: 60_000,
      fastPath: true, // The bench's database has no untrusted roles.
      hooks: {
        at(point, ids) {
          if (point === 'claimed' && ids.length > 0) state.claimedAt = performance.now();
        },
      },
    });
  const relays = await Promise.all([start('bench-1'), start('bench-2')]);
  const client = await db.connect('bench');
  return {
    outbox,
    client,
    get claimedAt() {
      return state.claimedAt;
    },
    fastPath: () => relays.reduce((n, r) => n + r.stats.fastPath, 0),
    async close() {
      client.release();
      await Promise.all(relays.map((r) => r.close()));
      await db.close();
    },
  };
}

/**
 * COMMIT of a transaction holding an outbox row → consumed (and from COMMIT's answer: what the
 * relay adds once the commit is durable, without its fsync); COMMIT → claimed by the relay.
 */
async function relaySample(
  relay: BenchRelay,
  received: Received,
  payload: Buffer,
  i: number,
): Promise<{ consumed: number; afterCommit: number; claimed: number; claimedAfterCommit: number }> {
  await relay.client.query('BEGIN');
  const { messageId } = await relay.outbox.enqueue(relay.client, {
    aggregate: `a${i}`,
    topic: 'bench.relay',
    payload,
  });
  const arrived = received.next(messageId);
  const start = performance.now();
  await relay.client.query('COMMIT');
  const committed = performance.now();
  const at = await arrived;
  return {
    consumed: at - start,
    afterCommit: at - committed,
    claimed: relay.claimedAt - start,
    // Negative when NOTIFY reached the relay before the COMMIT's answer reached the writer.
    claimedAfterCommit: relay.claimedAt - committed,
  };
}

export function summarize(values: readonly number[]): LatencySummary {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
  const round = (ms: number) => Math.round(ms * 1000) / 1000;
  const mean = sorted.reduce((a, b) => a + b, 0) / Math.max(1, sorted.length);
  return { p50Ms: round(at(0.5)), p99Ms: round(at(0.99)), meanMs: round(mean) };
}
