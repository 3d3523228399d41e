// The MessageBroker API (adapter.ts) over a real RabbitMQ, with amqplib (the standard AMQP
// 0-9-1 client; see src/transactions/outbox/amqp-publisher.ts for why). A topic is a durable
// fanout exchange; a group is a durable queue bound to it (named `<topic>.<group>`), so every
// group gets every message and a group's members compete for its queue. Publishes go
// through one confirm channel, persistent: a publisher confirm means the queues have the
// message on disk (for quorum queues, the default here: fsynced in their Raft log before the
// confirm). Each subscription has its own channel with a prefetch (basic.qos) of maxInFlight
// and manual acks; closing it (or the connection dying) puts what it held back in the queue.
//
// What RabbitMQ does differently from Cohort's broker (adapter.ts says it for all three):
// a group only gets messages published after its queue was declared (the exchange drops what
// no queue is bound to); order is the queue's, so per key only with one member; partitions
// are ignored. The key travels as the routing key (`k:` + key; '' for none), so it is at most
// MAX_KEY_BYTES.
//
// Fault model: the broker may close the channel or connection (an error, a restart): pending
// publishes reject with amqplib's error, subscriptions end (their unacked messages go back),
// and the adapter is then unusable — open a new one. Nothing is retried here.

import amqp from 'amqplib';
import {
  type AdapterMessage,
  type AdapterSubscribeOptions,
  type AdapterSubscription,
  DeliveryQueue,
  type MessageBroker,
} from './adapter.js';
import { InvalidArgumentError } from './errors.js';

export type RabbitMqQueueType = 'quorum' | 'classic';

export interface RabbitMqAdapterOptions {
  /** The groups' queue type (default quorum: fsync before confirm, a delivery count). */
  readonly queueType?: RabbitMqQueueType;
}

/** AMQP's short strings hold 255 bytes; two go to the `k:` prefix. */
const MAX_KEY_BYTES = 253;
const DEFAULT_PREFETCH = 256;

const routingKeyOf = (key: string | null) => {
  if (key === null) return '';
  if (Buffer.byteLength(key) > MAX_KEY_BYTES)
    throw new InvalidArgumentError(`key longer than ${MAX_KEY_BYTES} bytes (AMQP routing key)`);
  return `k:${key}`;
};

const keyOf = (routingKey: string) => (routingKey.startsWith('k:') ? routingKey.slice(2) : null);

class RabbitMqSubscription implements AdapterSubscription {
  readonly queue = new DeliveryQueue();

  constructor(private readonly channel: amqp.Channel) {
    channel.on('close', () => this.queue.end());
  }

  onMessage(m: amqp.ConsumeMessage | null): void {
    if (m === null) return this.queue.end(); // Cancelled by the broker (queue deleted).
    const count = m.properties.headers?.['x-delivery-count'];
    const attempt = typeof count === 'number' ? count + 1 : m.fields.redelivered ? 2 : 1; // classic: a flag
    const ch = this.channel;
    const message: AdapterMessage = {
      key: keyOf(m.fields.routingKey),
      value: m.content,
      attempt,
      ack: async () => ch.ack(m),
      nack: async () => ch.nack(m, false, true),
    };
    this.queue.push(message);
  }

  next(): Promise<AdapterMessage | undefined> {
    return this.queue.next();
  }

  [Symbol.asyncIterator](): AsyncIterator<AdapterMessage> {
    return this.queue[Symbol.asyncIterator]();
  }

  async close(): Promise<void> {
    this.queue.end();
    await this.channel.close().catch(() => {}); // Already closed with the connection.
  }
}

export class RabbitMqAdapter implements MessageBroker {
  readonly system = 'rabbitmq';

  private constructor(
    private readonly connection: amqp.ChannelModel,
    private readonly confirms: amqp.ConfirmChannel,
    private readonly queueType: RabbitMqQueueType,
  ) {}

  static async connect(
    url: string,
    options: RabbitMqAdapterOptions = {},
  ): Promise<RabbitMqAdapter> {
    // noDelay: without it Nagle's algorithm holds a 4 KiB publish for the peer's delayed ACK.
    const connection = await amqp.connect(url, { noDelay: true });
    connection.on('error', () => {}); // 'close' follows; an unhandled 'error' would throw.
    const confirms = await connection.createConfirmChannel();
    confirms.on('error', () => {});
    return new RabbitMqAdapter(connection, confirms, options.queueType ?? 'quorum');
  }

  async createTopic(topic: string): Promise<void> {
    await this.confirms.assertExchange(topic, 'fanout', { durable: true });
  }

  publish(topic: string, key: string | null, value: Uint8Array): Promise<void> {
    const content = Buffer.isBuffer(value)
      ? value
      : Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    const routingKey = routingKeyOf(key);
    return new Promise((resolve, reject) => {
      // The callback is the publisher confirm (err set on basic.nack or a closed channel).
      this.confirms.publish(topic, routingKey, content, { persistent: true }, (err) =>
        err === null || err === undefined ? resolve() : reject(err),
      );
    });
  }

  async subscribe(
    topic: string,
    group: string,
    options: AdapterSubscribeOptions = {},
  ): Promise<AdapterSubscription> {
    const channel = await this.connection.createChannel();
    channel.on('error', () => {});
    try {
      const queue = `${topic}.${group}`;
      await channel.assertQueue(queue, {
        durable: true,
        arguments: { 'x-queue-type': this.queueType },
      });
      await channel.bindQueue(queue, topic, '');
      await channel.prefetch(options.maxInFlight ?? DEFAULT_PREFETCH);
      const sub = new RabbitMqSubscription(channel);
      await channel.consume(queue, (m) => sub.onMessage(m), { noAck: false });
      return sub;
    } catch (error) {
      await channel.close().catch(() => {});
      throw error;
    }
  }

  async close(): Promise<void> {
    await this.connection.close().catch(() => {}); // Already closed by the broker.
  }
}

export function connectRabbitMq(
  url: string,
  options?: RabbitMqAdapterOptions,
): Promise<MessageBroker> {
  return RabbitMqAdapter.connect(url, options);
}
