// The relay's RabbitMQ side: one AMQP 0-9-1 connection with a confirm channel, publishing a
// batch of outbox messages and reporting, per message, whether the broker took responsibility
// for it. A message counts as published only on its publisher confirm (basic.ack), which
// RabbitMQ sends for a persistent message routed to durable queues once they have it on disk;
// a basic.nack (e.g. a queue at its limit with reject-publish), a basic.return (mandatory and
// routed nowhere), a closed channel or a confirm that does not come in time is a failure, and
// the row stays unsent. Messages are persistent, mandatory, and carry the row's message id
// (the consumers' deduplication key) and its aggregate as a header.
//
// Why amqplib: it is the standard, well-kept AMQP 0-9-1 client for Node (amqp-node/amqplib,
// maintained since 2013, promise API with ConfirmChannel, connection.blocked support, bundled
// TypeScript types since 1.2 — so no @types package is needed) and what RabbitMQ's own
// tutorials use for JavaScript.
//
// Fault model: the broker may refuse, be unreachable, close the channel or connection under
// us, block publishers (memory or disk alarm: connection.blocked, then no confirms) or never
// confirm. Every one becomes a typed error (errors.ts); after a connection-level failure or a
// confirm timeout the publisher is `broken` and the relay replaces it (late confirms on the
// old channel mean nothing: those rows are published again, and consumers deduplicate).

import amqp from 'amqplib';
import {
  BrokerBlockedError,
  BrokerUnavailableError,
  ConfirmTimeoutError,
  type OutboxError,
  PublishRefusedError,
  UnroutableError,
} from './errors.js';
import { AGGREGATE_HEADER, type Headers } from './validate.js';

export interface PublishRequest {
  readonly messageId: string;
  readonly topic: string;
  readonly aggregate: string;
  readonly payload: Buffer;
  readonly headers: Headers;
}

export type PublishOutcome = { readonly ok: true } | { readonly ok: false; error: OutboxError };

export interface AmqpPublisherOptions {
  readonly url: string;
  /** A durable topic exchange, declared if missing. */
  readonly exchange: string;
  /** Publishes unconfirmed after this long fail (ConfirmTimeoutError). */
  readonly confirmTimeoutMs: number;
  /** Called when the publisher is blocked, unblocked or broken (the relay re-checks). */
  readonly onChange?: () => void;
}

export class AmqpPublisher {
  /** Why the broker blocks us (connection.blocked), if it does. */
  blockedReason: string | undefined;
  /** Set once the connection or channel failed: this publisher must be replaced. */
  broken: Error | undefined;
  /** Message ids the broker returned as unroutable, until their confirm arrives. */
  private readonly returned = new Set<string>();
  /** Publishes waiting for confirms, told when the connection becomes blocked. */
  private readonly blockWaiters = new Set<() => void>();

  private constructor(
    private readonly options: AmqpPublisherOptions,
    private readonly connection: amqp.ChannelModel,
    private readonly channel: amqp.ConfirmChannel,
  ) {}

  static async connect(options: AmqpPublisherOptions): Promise<AmqpPublisher> {
    let connection: amqp.ChannelModel;
    try {
      connection = await amqp.connect(options.url, { timeout: options.confirmTimeoutMs });
    } catch (error) {
      throw new BrokerUnavailableError(`cannot connect to the broker: ${text(error)}`, error);
    }
    connection.on('error', () => {}); // 'close' follows; an unhandled 'error' would throw.
    try {
      const channel = await connection.createConfirmChannel();
      channel.on('error', () => {});
      await channel.assertExchange(options.exchange, 'topic', { durable: true });
      const publisher = new AmqpPublisher(options, connection, channel);
      publisher.watch();
      return publisher;
    } catch (error) {
      await connection.close().catch(() => {});
      throw new BrokerUnavailableError(`cannot open a confirm channel: ${text(error)}`, error);
    }
  }

  private watch(): void {
    const changed = () => this.options.onChange?.();
    this.connection.on('blocked', (reason: string) => {
      this.blockedReason = reason;
      for (const waiter of [...this.blockWaiters]) waiter();
      changed();
    });
    this.connection.on('unblocked', () => {
      this.blockedReason = undefined;
      changed();
    });
    const broke = (what: string) => (error?: Error) => {
      this.broken ??= error ?? new Error(`${what} closed`);
      changed();
    };
    this.connection.on('close', broke('connection'));
    this.channel.on('close', broke('channel'));
    this.channel.on('return', (message: amqp.Message) => {
      const id = message.properties.messageId;
      if (typeof id === 'string') this.returned.add(id);
    });
  }

  /**
   * Publishes `batch` and waits for every confirm (or the time limit); one outcome per
   * message, in order. Throws BrokerBlockedError (nothing published) while blocked.
   */
  async publish(batch: readonly PublishRequest[]): Promise<PublishOutcome[]> {
    if (this.blockedReason !== undefined) throw new BrokerBlockedError(this.blockedReason);
    if (this.broken !== undefined)
      throw new BrokerUnavailableError(`publisher broken: ${this.broken.message}`, this.broken);
    const outcomes: (PublishOutcome | undefined)[] = batch.map(() => undefined);
    const settled = batch.map((request, i) =>
      this.publishOne(request).then((outcome) => {
        outcomes[i] = outcome;
      }),
    );
    const timeoutMs = this.options.confirmTimeoutMs;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), timeoutMs);
    });
    // RabbitMQ says connection.blocked only once we publish under an alarm; then it stops
    // reading our socket, so no confirm comes until the alarm clears. We give up on the batch
    // at once rather than hold its rows locked for the alarm's duration.
    let onBlocked: (() => void) | undefined;
    const blocked = new Promise<'blocked'>((resolve) => {
      onBlocked = () => resolve('blocked');
      this.blockWaiters.add(onBlocked);
    });
    const all = Promise.all(settled).then(() => 'done' as const);
    const winner = await Promise.race([all, late, blocked]);
    clearTimeout(timer);
    if (onBlocked !== undefined) this.blockWaiters.delete(onBlocked);
    const unconfirmed = outcomes.filter((o) => o === undefined).length;
    if (unconfirmed > 0 && winner === 'blocked') {
      // The connection stays: 'unblocked' will come. Late confirms for this batch are ignored
      // (its rows are published again; consumers deduplicate).
      const error = new BrokerBlockedError(this.blockedReason ?? 'blocked');
      return outcomes.map((o) => o ?? { ok: false, error });
    }
    if (unconfirmed > 0) {
      // Confirms that come later on this channel cannot be matched to a decision any more.
      this.broken ??= new ConfirmTimeoutError(unconfirmed, timeoutMs);
      void this.close();
    }
    return outcomes.map(
      (o) => o ?? { ok: false, error: new ConfirmTimeoutError(unconfirmed, timeoutMs) },
    );
  }

  private publishOne(request: PublishRequest): Promise<PublishOutcome> {
    return new Promise((resolve) => {
      const options: amqp.Options.Publish = {
        persistent: true,
        mandatory: true,
        messageId: request.messageId,
        headers: { ...request.headers, [AGGREGATE_HEADER]: request.aggregate },
      };
      try {
        // The confirm callback runs on basic.ack (err null) or basic.nack / channel close.
        this.channel.publish(this.options.exchange, request.topic, request.payload, options, (e) =>
          resolve(this.outcome(request, e)),
        );
      } catch (error) {
        resolve({ ok: false, error: new BrokerUnavailableError(text(error), error) });
      }
    });
  }

  private outcome(request: PublishRequest, error: unknown): PublishOutcome {
    const returned = this.returned.delete(request.messageId);
    if (error !== null && error !== undefined) {
      if (this.broken !== undefined)
        return { ok: false, error: new BrokerUnavailableError(text(error), error) };
      return { ok: false, error: new PublishRefusedError(request.messageId, error) };
    }
    // RabbitMQ sends basic.return BEFORE the basic.ack of an unroutable mandatory message.
    if (returned)
      return { ok: false, error: new UnroutableError(request.messageId, request.topic) };
    return { ok: true };
  }

  async close(): Promise<void> {
    await this.connection.close().catch(() => {});
  }
}

function text(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
