// The MessageBroker API (adapter.ts) over NATS JetStream, with the `nats` client (the NATS
// maintainers' own, nats-io/nats.js). A topic is a stream with file storage over one subject
// (the topic's name); a group is a durable pull consumer with explicit acks, whose members
// compete for its messages (each pulls up to maxInFlight at a time). A publish resolves on
// JetStream's PubAck: the message is in the stream's file store — written, but on 2.9 not
// yet fsynced (src/runtime/launcher/nats.ts). The key travels in the COHORT_KEY header.
//
// What JetStream does differently from Cohort's broker (adapter.ts says it for all three):
// a message a member held without acking comes again only after the consumer's ack wait
// (ackWaitMs), not when the member leaves — JetStream does not track members; order is the
// stream's, so per key only with one member; partitions are ignored. Topic and group names
// must be NATS names (letters, digits, '-' and '_').
//
// Fault model: the server may be unreachable or restart: the client reconnects on its own
// (nats.js's default), publishes without a PubAck in time reject with its timeout error, and
// unacked deliveries come again after the ack wait. Nothing is retried here.

import {
  AckPolicy,
  type ConsumerMessages,
  connect,
  DeliverPolicy,
  headers,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  type NatsConnection,
  nanos,
  StorageType,
} from 'nats';
import type {
  AdapterMessage,
  AdapterSubscribeOptions,
  AdapterSubscription,
  MessageBroker,
} from './adapter.js';
import { InvalidArgumentError } from './errors.js';

export const COHORT_KEY = 'Cohort-Key';
const NAME = /^[A-Za-z0-9_-]{1,200}$/;
const DEFAULT_PULL = 256;
/** Unacked messages per group (all members together), JetStream's max_ack_pending. */
const MAX_ACK_PENDING = 20_000;

export interface NatsAdapterOptions {
  /** How long a delivery may stay unacked before it comes again (default 30 s). */
  readonly ackWaitMs?: number;
}

function checkName(what: string, name: string): string {
  if (!NAME.test(name))
    throw new InvalidArgumentError(`${what} '${name}' is not a NATS name (A-Z a-z 0-9 - _)`);
  return name;
}

class NatsSubscription implements AdapterSubscription {
  private readonly iterator: AsyncIterator<JsMsg>;

  constructor(private readonly messages: ConsumerMessages) {
    this.iterator = messages[Symbol.asyncIterator]();
  }

  async next(): Promise<AdapterMessage | undefined> {
    const r = await this.iterator.next();
    if (r.done === true) return undefined;
    const m = r.value;
    return {
      key: m.headers?.get(COHORT_KEY) ?? null,
      value: Buffer.from(m.data.buffer, m.data.byteOffset, m.data.byteLength),
      attempt: m.info.redeliveryCount,
      ack: async () => m.ack(),
      nack: async () => m.nak(),
    };
  }

  async *[Symbol.asyncIterator](): AsyncIterator<AdapterMessage> {
    for (;;) {
      const m = await this.next();
      if (m === undefined) return;
      yield m;
    }
  }

  async close(): Promise<void> {
    // stop(), not close(): close() resolves only once the iterator was read to its end.
    this.messages.stop();
  }
}

export class NatsAdapter implements MessageBroker {
  readonly system = 'nats';
  private readonly subscriptions = new Set<NatsSubscription>();

  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly ackWaitMs: number,
  ) {}

  static async connect(url: string, options: NatsAdapterOptions = {}): Promise<NatsAdapter> {
    const nc = await connect({ servers: url });
    const jsm = await nc.jetstreamManager();
    return new NatsAdapter(nc, nc.jetstream(), jsm, options.ackWaitMs ?? 30_000);
  }

  async createTopic(topic: string): Promise<void> {
    const name = checkName('topic', topic);
    // Adding a stream that exists with the same configuration succeeds (JetStream's rule).
    await this.jsm.streams.add({ name, subjects: [name], storage: StorageType.File });
  }

  async publish(topic: string, key: string | null, value: Uint8Array): Promise<void> {
    let h: ReturnType<typeof headers> | undefined;
    if (key !== null) {
      h = headers();
      h.set(COHORT_KEY, key);
    }
    await this.js.publish(topic, value, h === undefined ? undefined : { headers: h });
  }

  async subscribe(
    topic: string,
    group: string,
    options: AdapterSubscribeOptions = {},
  ): Promise<AdapterSubscription> {
    const stream = checkName('topic', topic);
    const durable = checkName('group', group);
    // The same configuration again (a second member) is accepted and changes nothing.
    await this.jsm.consumers.add(stream, {
      durable_name: durable,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: nanos(this.ackWaitMs),
      max_ack_pending: MAX_ACK_PENDING,
    });
    const consumer = await this.js.consumers.get(stream, durable);
    const messages = await consumer.consume({ max_messages: options.maxInFlight ?? DEFAULT_PULL });
    const sub = new NatsSubscription(messages);
    this.subscriptions.add(sub);
    return sub;
  }

  async close(): Promise<void> {
    for (const s of this.subscriptions) await s.close().catch(() => {});
    await this.nc.close();
  }
}

export function connectNats(url: string, options?: NatsAdapterOptions): Promise<MessageBroker> {
  return NatsAdapter.connect(url, options);
}
