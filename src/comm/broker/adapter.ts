// One small producer/consumer API over three brokers: Cohort's own (cohort-adapter.ts), a real
// RabbitMQ (rabbitmq.ts, amqplib) and NATS JetStream (nats.ts, the `nats` client). It is the
// part the three share — topics, durable publishes, consumer groups with acknowledgements —
// so that one conformance suite (test/broker-adapters.test.ts) and one benchmark (`cohort
// bench comm`) run the same code against each. What each system adds beyond it (Cohort's
// offsets and transactions, RabbitMQ's routing, JetStream's replay) stays in its own client.
//
//   const broker = await connectRabbitMq(url);          // or connectCohort, connectNats
//   await broker.createTopic('orders', { partitions: 3 });
//   const sub = await broker.subscribe('orders', 'billing', { maxInFlight: 100 });
//   await broker.publish('orders', 'order-1', Buffer.from('paid')); // resolves once durable
//   for await (const m of sub) { handle(m.value); await m.ack(); }
//
// What the three promise differs, and the differences are stated where they matter:
// - publish resolves once the broker acknowledged the message: Cohort after its WAL step is
//   fsynced; RabbitMQ (publisher confirms, quorum queues) after the queue's log is fsynced;
//   NATS 2.9 JetStream with file storage after the message is written, with an fsync only
//   every two minutes (see src/runtime/launcher/nats.ts).
// - subscribe(topic, group): every group gets every message published after the group was
//   first subscribed (Cohort and NATS also keep older ones; RabbitMQ's exchange drops what
//   no queue is bound to yet). Members of one group compete for its messages.
// - at least once: a message a member held without acking comes again when the member
//   leaves or dies (Cohort, RabbitMQ: at once; NATS: after the consumer's ack wait).
// - order per key: Cohort keeps it per partition (a key's partition is fixed) even with
//   competing members; RabbitMQ and NATS keep publish order for one member only.
//
// Fault model: the broker may be unreachable or restart; publish and subscribe reject with
// the system's error (Cohort's BrokerError, amqplib's or nats's). An adapter never retries
// on its own: a publish retried after a lost reply may be stored twice (at least once).

export type BrokerSystem = 'cohort' | 'rabbitmq' | 'nats';

export interface AdapterMessage {
  readonly key: string | null;
  readonly value: Buffer;
  /** 1 on the first delivery; more when it was delivered before without an ack. */
  readonly attempt: number;
  /**
   * Done with it. Resolves once the broker confirmed it (Cohort), or once it is sent
   * (RabbitMQ and NATS: their protocols' acks are one-way).
   */
  ack(): Promise<void>;
  /** Not done: deliver it again. */
  nack(): Promise<void>;
}

export interface AdapterSubscription extends AsyncIterable<AdapterMessage> {
  /** The next delivery; undefined once closed. */
  next(): Promise<AdapterMessage | undefined>;
  /** Leaves the group: what this member held and did not ack goes to other members. */
  close(): Promise<void>;
}

export interface AdapterTopicOptions {
  /** Cohort: partitions (order per key, competing members by partition). Others: ignored. */
  readonly partitions?: number;
}

export interface AdapterSubscribeOptions {
  /** Unacknowledged deliveries this member may hold (prefetch). */
  readonly maxInFlight?: number;
}

export interface MessageBroker {
  readonly system: BrokerSystem;
  /** Creates the topic; creating one that exists with the same options is not an error. */
  createTopic(topic: string, options?: AdapterTopicOptions): Promise<void>;
  /** Resolves once the broker acknowledged the message as stored (see the header). */
  publish(topic: string, key: string | null, value: Uint8Array): Promise<void>;
  /** Joins `group` on `topic`; resolves once the group exists and this member joined. */
  subscribe(
    topic: string,
    group: string,
    options?: AdapterSubscribeOptions,
  ): Promise<AdapterSubscription>;
  /** Closes the connection: subscriptions end, unacked deliveries go back. */
  close(): Promise<void>;
}

/**
 * A buffer between a push-style consumer (callbacks) and `next()`: deliveries wait here until
 * read. Bounded by the broker's prefetch, which never sends more than maxInFlight unacked.
 */
export class DeliveryQueue implements AsyncIterable<AdapterMessage> {
  private readonly buffered: AdapterMessage[] = [];
  private waiter: ((m: AdapterMessage | undefined) => void) | undefined;
  private ended = false;

  push(m: AdapterMessage): void {
    if (this.ended) return;
    const w = this.waiter;
    this.waiter = undefined;
    if (w !== undefined) w(m);
    else this.buffered.push(m);
  }

  /** No more deliveries: readers get undefined once the buffer is empty. */
  end(): void {
    this.ended = true;
    this.buffered.length = 0; // Unacked: the broker delivers them again to someone.
    this.waiter?.(undefined);
    this.waiter = undefined;
  }

  next(): Promise<AdapterMessage | undefined> {
    const m = this.buffered.shift();
    if (m !== undefined || this.ended) return Promise.resolve(m);
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  async *[Symbol.asyncIterator](): AsyncIterator<AdapterMessage> {
    for (;;) {
      const m = await this.next();
      if (m === undefined) return;
      yield m;
    }
  }
}
