// An idempotent consumer of Cohort's broker (issue 18; the notes' payment and inventory
// systems): applies each delivered message to its own PostgreSQL database exactly once,
// although the broker delivers at least once (a consumer that dies before its ack, a broker
// restart, a rebalance). The message's place — topic/partition/offset, unique and stable on
// the broker — goes into a deduplication table (consumer, message_id) IN THE SAME local
// transaction as the handler's effect; a redelivery finds it and does nothing. The ack goes
// only AFTER that transaction committed, so a consumer killed in between gets the message again
// and skips it.
//
// Forwarding (the notes' step 6: "the payment system does the same"): with `forward`, the
// local transaction is a transactional send of the consumer's own message (producer.ts), so
// "charged" and the "paid" message commit together, and a redelivery neither charges again nor
// sends a second "paid" (its half is rolled back).
//
// Fault model: deliveries are untrusted: one whose position does not parse, or whose content
// the handler rejects with BadDeliveryError, is acked and reported, never applied. A handler
// that throws anything else rolls back; the delivery is nacked after `retryDelayMs` and comes
// again. The broker may restart (the client rejoins; acks
// of the old session are refused and those messages come again, deduplicated). Messages are
// handled one at a time, in delivery order.

import type pg from 'pg';
import {
  InvalidTransactionArgument,
  TransactionAbortedError,
  TransactionError,
} from '../errors.js';
import { validateIdentifier } from '../outbox/validate.js';
import { type PgConnection, PgParticipant } from '../pg-participant.js';
import type { BrokerTransactionalProducer, TxMessage } from './producer.js';

/** A delivery as BrokerClient's consumer gives it (src/comm/broker/client.ts Message). */
export interface BrokerDelivery {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: string | null;
  readonly value: Uint8Array;
  readonly attempt: number;
  ack(): Promise<void>;
  nack(): Promise<void>;
}

/** What the consumer needs of a broker: BrokerClient's subscribe. */
export interface DeliverySource {
  subscribe(options: { group: string; topics: string[] }): AsyncIterable<BrokerDelivery> & {
    close(): void;
  };
}

export interface ConsumedTxMessage {
  /** topic/partition/offset: the deduplication key. */
  readonly messageId: string;
  readonly topic: string;
  readonly key: string | null;
  readonly value: Buffer;
  readonly attempt: number;
}

/** Where a test may stop the consumer dead: after the local commit, before the ack. */
export type ConsumerStep = 'applied';

export interface BrokerConsumerOptions {
  /** The deduplication namespace: 1-100 of A-Z a-z 0-9 _ . - */
  readonly consumerId: string;
  readonly source: DeliverySource;
  /** The consumer group (each group gets every message). */
  readonly group: string;
  readonly topic: string;
  /** The consumer's database; with `forward`, the producer's (they must be the same). */
  readonly connection?: PgConnection;
  /** Default 'txmsg_processed'. */
  readonly dedupTable?: string;
  /** Before a failed delivery is nacked (delivered again). Default 200 ms. */
  readonly retryDelayMs?: number;
  /** The effect: runs inside the transaction that records the message id. */
  handle(client: pg.PoolClient, message: ConsumedTxMessage): Promise<void>;
  /** Sends a message of the consumer's own in the same local transaction (producer.ts). */
  readonly forward?: {
    readonly producer: BrokerTransactionalProducer;
    message(m: ConsumedTxMessage): TxMessage;
  };
  readonly hooks?: { at(step: ConsumerStep, messageId: string): void | Promise<void> };
  readonly onError?: (error: unknown) => void;
}

export interface TxConsumerStats {
  deliveries: number;
  applied: number;
  duplicates: number;
  failed: number;
}

/** A delivery that can never be applied (no valid position; content the handler rejects). */
export class BadDeliveryError extends TransactionError {
  constructor(message: string, messageId = '?') {
    super('invalid', messageId, message);
  }
}

/** The dedup row was there: applied before (only its ack was lost). */
class AlreadyApplied extends Error {}

const ID_PATTERN = /^[A-Za-z0-9_.-]{1,100}$/;
const NAME_PATTERN = /^[A-Za-z0-9_.-]{1,200}$/;

export class BrokerIdempotentConsumer {
  readonly stats: TxConsumerStats = { deliveries: 0, applied: 0, duplicates: 0, failed: 0 };
  private readonly table: string;
  private subscription: (AsyncIterable<BrokerDelivery> & { close(): void }) | undefined;
  private running: Promise<void> | undefined;
  private closed = false;

  private constructor(
    private readonly o: BrokerConsumerOptions,
    private readonly db: PgParticipant,
    private readonly ownsDb: boolean,
  ) {
    this.table = validateIdentifier('dedupTable', o.dedupTable ?? 'txmsg_processed');
  }

  /** Creates the dedup table if missing and starts consuming in the background. */
  static async start(options: BrokerConsumerOptions): Promise<BrokerIdempotentConsumer> {
    if (typeof options.consumerId !== 'string' || !ID_PATTERN.test(options.consumerId))
      throw new InvalidTransactionArgument('?', 'consumerId must be 1-100 of A-Z a-z 0-9 _ . -');
    const connection = options.connection;
    const db =
      options.forward?.producer.db ??
      (connection === undefined
        ? undefined
        : new PgParticipant(`consumer-${options.consumerId}`, connection));
    if (db === undefined)
      throw new InvalidTransactionArgument('?', 'a consumer needs a connection or a forward');
    const consumer = new BrokerIdempotentConsumer(options, db, options.forward === undefined);
    try {
      await db.once(
        'install',
        `CREATE TABLE IF NOT EXISTS ${consumer.table} (
           consumer text NOT NULL, message_id text NOT NULL,
           processed_at timestamptz NOT NULL DEFAULT now(),
           PRIMARY KEY (consumer, message_id))`,
      );
    } catch (error) {
      if (consumer.ownsDb) await db.close();
      throw error;
    }
    consumer.subscription = options.source.subscribe({
      group: options.group,
      topics: [options.topic],
    });
    consumer.running = consumer.loop(consumer.subscription);
    return consumer;
  }

  private async loop(subscription: AsyncIterable<BrokerDelivery>): Promise<void> {
    for await (const m of subscription) {
      if (this.closed) return;
      this.stats.deliveries++;
      await this.onDelivery(m);
    }
    // The client rejoins after a broken stream by itself: an end means the join was refused.
    if (!this.closed)
      this.report(
        new TransactionError(
          'invalid',
          '?',
          `the subscription to ${this.o.topic} ended (refused?)`,
        ),
      );
  }

  private async onDelivery(m: BrokerDelivery): Promise<void> {
    const parsed = parse(m);
    if (parsed instanceof BadDeliveryError) {
      this.report(parsed);
      await m.ack().catch(() => {});
      return;
    }
    try {
      const applied = await this.apply(parsed);
      if (applied) this.stats.applied++;
      else this.stats.duplicates++;
      if (applied) await this.o.hooks?.at('applied', parsed.messageId);
    } catch (error) {
      this.report(error);
      if (error instanceof BadDeliveryError || (error as Error).cause instanceof BadDeliveryError)
        return void (await m.ack().catch(() => {})); // Never applicable: not retried.
      this.stats.failed++;
      await new Promise((r) => setTimeout(r, this.o.retryDelayMs ?? 200));
      await m.nack().catch(() => {}); // A broken session redelivers by itself.
      return;
    }
    // Refused after a broker restart or a rebalance: it comes again and is skipped then.
    await m.ack().catch(() => {});
  }

  /** Applies the message once; false when it had been applied before. */
  private async apply(m: ConsumedTxMessage): Promise<boolean> {
    const forward = this.o.forward;
    if (forward === undefined)
      return this.db.local(m.messageId, async (client) => {
        if (!(await this.record(client, m))) return false;
        await this.o.handle(client, m);
        return true;
      });
    // Seen before: no half message for a redelivery (the usual case costs one SELECT).
    const seen = await this.db.once(
      m.messageId,
      `SELECT 1 FROM ${this.table} WHERE consumer = $1 AND message_id = $2`,
      [this.o.consumerId, m.messageId],
    );
    if ((seen.rowCount ?? 0) > 0) return false;
    try {
      await forward.producer.send(forward.message(m), async (tx) => {
        if (!(await this.record(tx.client, m))) throw new AlreadyApplied();
        await this.o.handle(tx.client, m);
      });
      return true;
    } catch (error) {
      // A redelivery that raced the first: its half message was rolled back.
      if (error instanceof TransactionAbortedError && error.cause instanceof AlreadyApplied)
        return false;
      throw error;
    }
  }

  /** The dedup row, in the caller's transaction; false when it was there. */
  private async record(client: pg.PoolClient, m: ConsumedTxMessage): Promise<boolean> {
    const r = await client.query(
      `INSERT INTO ${this.table} (consumer, message_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`,
      [this.o.consumerId, m.messageId],
    );
    return r.rowCount === 1;
  }

  private report(error: unknown): void {
    try {
      this.o.onError?.(error);
    } catch {
      // A throwing error handler must not stop the consumer.
    }
  }

  /** Stops consuming after the message in hand; closes its pool (not a forward's). */
  async close(): Promise<void> {
    this.closed = true;
    this.subscription?.close();
    await this.running?.catch(() => {});
    if (this.ownsDb) await this.db.close();
  }
}

function parse(m: BrokerDelivery): ConsumedTxMessage | BadDeliveryError {
  const ok =
    typeof m.topic === 'string' &&
    NAME_PATTERN.test(m.topic) &&
    Number.isSafeInteger(m.partition) &&
    m.partition >= 0 &&
    Number.isSafeInteger(m.offset) &&
    m.offset >= 0 &&
    m.value instanceof Uint8Array;
  if (!ok) return new BadDeliveryError('a delivery without a valid topic, partition or offset');
  return {
    messageId: `${m.topic}/${m.partition}/${m.offset}`,
    topic: m.topic,
    key: typeof m.key === 'string' ? m.key : null,
    value: Buffer.from(m.value),
    attempt: m.attempt,
  };
}
