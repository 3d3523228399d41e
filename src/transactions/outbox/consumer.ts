// An idempotent consumer (issue 18): applies each outbox message to its own PostgreSQL database
// exactly once, although RabbitMQ delivers it at least once (the relay republishes after a
// crash; the broker redelivers what was not acked). The message id goes into a deduplication
// table (consumer, message_id) IN THE SAME local transaction as the handler's effect; a second
// delivery finds the id and does nothing. The delivery is acked only AFTER that transaction
// commits, so a consumer killed in between gets the message again — and skips it.
//
// Two deliveries of one id at once (a duplicate publish still in flight) serialize on the
// table's primary key: the second INSERT waits for the first transaction and then finds the
// row. The table is never pruned by this module; rows are small, and pruning ids younger than
// the longest possible redelivery would break the guarantee.
//
// Fault model: deliveries are untrusted (anyone with access to the queue can publish): one
// without a valid message id, aggregate or headers, or over the payload limit, is rejected
// (not requeued: dead-lettered if the queue has a dead-letter exchange) as BadMessageError. A
// handler that throws rolls its transaction back and the delivery is requeued after
// `retryDelayMs` (a BadMessageError from the handler rejects it instead). A lost broker
// connection is re-established with back-off; unacked deliveries come back and are
// deduplicated. The process stays up; errors go to onError.

import amqp from 'amqplib';
import type pg from 'pg';
import { type PgConnection, PgParticipant } from '../pg-participant.js';
import { BadMessageError, OutboxInvalidArgument } from './errors.js';
import {
  AGGREGATE_HEADER,
  aggregateProblem,
  DEFAULT_MAX_PAYLOAD_BYTES,
  type Headers,
  headersProblem,
  validateIdentifier,
  validatePositive,
} from './validate.js';

export interface ConsumedMessage {
  readonly messageId: string;
  /** The routing key it was published with (the outbox row's topic). */
  readonly topic: string;
  readonly aggregate: string;
  readonly payload: Buffer;
  readonly headers: Headers;
  readonly redelivered: boolean;
}

export interface IdempotentConsumerOptions {
  /** The deduplication namespace: 1-100 of A-Z a-z 0-9 _ . - */
  readonly consumerId: string;
  readonly connection: PgConnection;
  readonly amqpUrl: string;
  readonly exchange: string;
  /** A durable queue, declared and bound to `exchange` if missing. */
  readonly queue: string;
  /** Routing patterns bound (topic exchange syntax). Default ['#']. */
  readonly bindings?: readonly string[];
  /** Unacked deliveries at once. Default 16. */
  readonly prefetch?: number;
  readonly maxPayloadBytes?: number;
  /** Default 'outbox_processed'. */
  readonly dedupTable?: string;
  /** Before a failed delivery is requeued. Default 200 ms. */
  readonly retryDelayMs?: number;
  /** The effect: runs inside the transaction that records the message id. */
  handle(client: pg.PoolClient, message: ConsumedMessage): Promise<void>;
  readonly onError?: (error: unknown) => void;
}

export interface ConsumerStats {
  deliveries: number;
  applied: number;
  duplicates: number;
  rejected: number;
  failed: number;
}

const ID_PATTERN = /^[A-Za-z0-9_.-]{1,100}$/;
const MESSAGE_ID_PATTERN = /^[\x21-\x7e]{1,100}$/;
const RECONNECT_MIN_MS = 100;
const RECONNECT_MAX_MS = 5_000;

export class IdempotentConsumer {
  readonly stats: ConsumerStats = {
    deliveries: 0,
    applied: 0,
    duplicates: 0,
    rejected: 0,
    failed: 0,
  };
  private connection: amqp.ChannelModel | undefined;
  private closed = false;
  private failures = 0;
  private reconnectTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly inflight = new Set<Promise<void>>();
  private readonly table: string;
  private readonly maxPayloadBytes: number;

  private constructor(
    private readonly options: IdempotentConsumerOptions,
    private readonly db: PgParticipant,
  ) {
    this.table = validateIdentifier('dedupTable', options.dedupTable ?? 'outbox_processed');
    this.maxPayloadBytes = validatePositive(
      'maxPayloadBytes',
      options.maxPayloadBytes ?? DEFAULT_MAX_PAYLOAD_BYTES,
    );
    validatePositive('prefetch', options.prefetch ?? 16);
  }

  /** Creates the dedup table if missing, connects and starts consuming. */
  static async start(options: IdempotentConsumerOptions): Promise<IdempotentConsumer> {
    if (typeof options.consumerId !== 'string' || !ID_PATTERN.test(options.consumerId))
      throw new OutboxInvalidArgument('consumerId must be 1-100 characters of A-Z a-z 0-9 _ . -');
    const db = new PgParticipant(`consumer-${options.consumerId}`, options.connection);
    const consumer = new IdempotentConsumer(options, db);
    try {
      await db.once(
        'install',
        `CREATE TABLE IF NOT EXISTS ${consumer.table} (
           consumer text NOT NULL, message_id text NOT NULL,
           processed_at timestamptz NOT NULL DEFAULT now(),
           PRIMARY KEY (consumer, message_id))`,
      );
      await consumer.connect();
    } catch (error) {
      await consumer.close();
      throw error;
    }
    return consumer;
  }

  private async connect(): Promise<void> {
    const o = this.options;
    const connection = await amqp.connect(o.amqpUrl);
    connection.on('error', () => {}); // 'close' follows.
    connection.on('close', () => {
      if (this.connection !== connection) return;
      this.connection = undefined;
      this.scheduleReconnect();
    });
    try {
      const channel = await connection.createChannel();
      channel.on('error', () => {});
      channel.on('close', () => void connection.close().catch(() => {}));
      await channel.assertExchange(o.exchange, 'topic', { durable: true });
      await channel.assertQueue(o.queue, { durable: true });
      for (const pattern of o.bindings ?? ['#'])
        await channel.bindQueue(o.queue, o.exchange, pattern);
      await channel.prefetch(o.prefetch ?? 16);
      if (this.closed) throw new Error('closed while connecting');
      this.connection = connection;
      await channel.consume(o.queue, (m) => {
        if (m !== null) this.track(this.onDelivery(channel, m));
      });
      this.failures = 0;
    } catch (error) {
      await connection.close().catch(() => {});
      throw error;
    }
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer !== undefined) return;
    const delay = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** this.failures);
    this.failures = Math.min(this.failures + 1, 10);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.connect().catch((error: unknown) => {
        this.report(error);
        this.scheduleReconnect();
      });
    }, delay);
  }

  private track(work: Promise<void>): void {
    this.inflight.add(work);
    void work.finally(() => this.inflight.delete(work));
  }

  private async onDelivery(channel: amqp.Channel, m: amqp.ConsumeMessage): Promise<void> {
    this.stats.deliveries++;
    const parsed = this.parse(m);
    if (parsed instanceof BadMessageError) return this.reject(channel, m, parsed);
    try {
      const applied = await this.db.local(parsed.messageId, async (client) => {
        const r = await client.query(
          `INSERT INTO ${this.table} (consumer, message_id) VALUES ($1, $2)
           ON CONFLICT DO NOTHING`,
          [this.options.consumerId, parsed.messageId],
        );
        if (r.rowCount === 0) return false; // Applied before: only the ack was lost.
        await this.options.handle(client, parsed);
        return true;
      });
      if (applied) this.stats.applied++;
      else this.stats.duplicates++;
      channel.ack(m);
    } catch (error) {
      if (error instanceof BadMessageError) return this.reject(channel, m, error);
      this.stats.failed++;
      this.report(error);
      await new Promise((r) => setTimeout(r, this.options.retryDelayMs ?? 200));
      try {
        channel.nack(m, false, true);
      } catch {
        // The channel closed meanwhile: the broker requeues the delivery itself.
      }
    }
  }

  /** The message in `m`, or why it is not an outbox message. */
  private parse(m: amqp.ConsumeMessage): ConsumedMessage | BadMessageError {
    const messageId = m.properties.messageId as unknown;
    if (typeof messageId !== 'string' || !MESSAGE_ID_PATTERN.test(messageId))
      return new BadMessageError('delivery without a valid message id');
    if (m.content.length > this.maxPayloadBytes)
      return new BadMessageError(
        `message ${messageId}: payload of ${m.content.length} bytes exceeds ${this.maxPayloadBytes}`,
      );
    const { [AGGREGATE_HEADER]: aggregate, ...headers } = (m.properties.headers ?? {}) as Record<
      string,
      unknown
    >;
    const problem = aggregateProblem(aggregate) ?? headersProblem(headers);
    if (problem !== undefined) return new BadMessageError(`message ${messageId}: ${problem}`);
    return {
      messageId,
      topic: m.fields.routingKey,
      aggregate: aggregate as string,
      payload: m.content,
      headers: headers as Headers,
      redelivered: m.fields.redelivered,
    };
  }

  private reject(channel: amqp.Channel, m: amqp.ConsumeMessage, error: BadMessageError): void {
    this.stats.rejected++;
    this.report(error);
    try {
      channel.nack(m, false, false);
    } catch {
      // The channel closed meanwhile: it comes back on reconnect and is rejected then.
    }
  }

  private report(error: unknown): void {
    try {
      this.options.onError?.(error);
    } catch {
      // A throwing error handler must not stop the consumer.
    }
  }

  /** Stops consuming, lets deliveries in progress finish, closes the connections. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    const connection = this.connection;
    this.connection = undefined;
    await Promise.allSettled([...this.inflight]);
    await connection?.close().catch(() => {});
    await this.db.close();
  }
}
