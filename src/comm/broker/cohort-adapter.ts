// The MessageBroker API (adapter.ts) over Cohort's own broker: BrokerClient for topics and
// consumers, PublishBatcher for publishes (concurrent single-message publishes leave as one
// fsynced batch per round trip) over one PublishStream (no gRPC call per batch). A group is a partitioned consumer group by default
// (order per key with competing members); `mode: 'shared'` makes it a queue instead.
//
// Fault model: as BrokerClient's — the broker may restart; publishes then reject with
// BrokerUnavailableError, and a consumer joins again as a new member (what the old one held
// is delivered again, its acks are refused and ignored here: the message comes again).

import type {
  AdapterMessage,
  AdapterSubscribeOptions,
  AdapterSubscription,
  AdapterTopicOptions,
  MessageBroker,
} from './adapter.js';
import { BrokerClient, type Consumer, type Message } from './client.js';
import { BrokerError, BrokerUnavailableError } from './errors.js';
import type { GroupMode } from './groups.js';
import { PublishBatcher, type PublishBatcherOptions } from './publish-batcher.js';
import { PublishStream } from './publish-stream.js';

const JOIN_POLL_MS = 5;
const JOIN_DEADLINE_MS = 30_000;

export interface CohortAdapterOptions {
  readonly batching?: PublishBatcherOptions;
  /** The groups' mode (default partitioned). */
  readonly mode?: GroupMode;
}

/** Acks refused because the delivery went stale (a rebalance, a rejoin) need no retry. */
function settled(p: Promise<void>): Promise<void> {
  return p.catch((e: unknown) => {
    if (e instanceof BrokerError && (e.code === 'stale-delivery' || e.code === 'unknown-member'))
      return;
    throw e;
  });
}

export class CohortSubscription implements AdapterSubscription {
  /** The client's consumer: its assignment and generation, for callers that need them. */
  constructor(readonly consumer: Consumer) {}

  async next(): Promise<AdapterMessage | undefined> {
    const m = await this.consumer.next();
    if (m === undefined) return undefined;
    return {
      key: m.key,
      value: m.value,
      attempt: m.attempt,
      ack: () => settled((m as Message).ack()),
      nack: () => settled((m as Message).nack()),
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
    this.consumer.close();
  }
}

export class CohortAdapter implements MessageBroker {
  readonly system = 'cohort';
  readonly client: BrokerClient;
  private readonly batcher: PublishBatcher;
  private readonly publisher: PublishStream;
  private readonly consumers = new Set<Consumer>();

  constructor(
    address: string,
    private readonly options: CohortAdapterOptions = {},
  ) {
    this.client = new BrokerClient(address);
    this.publisher = new PublishStream(this.client);
    this.batcher = new PublishBatcher(this.publisher, options.batching);
  }

  async createTopic(topic: string, options: AdapterTopicOptions = {}): Promise<void> {
    // Idempotent for the same configuration; another one is TopicExistsError.
    await this.client.createTopic(topic, { partitions: options.partitions ?? 1 });
  }

  publish(topic: string, key: string | null, value: Uint8Array): Promise<void> {
    return this.batcher.publish(topic, key, value);
  }

  async subscribe(
    topic: string,
    group: string,
    options: AdapterSubscribeOptions = {},
  ): Promise<AdapterSubscription> {
    const consumer = this.client.subscribe({
      group,
      topics: [topic],
      ...(this.options.mode !== undefined && { mode: this.options.mode }),
      ...(options.maxInFlight !== undefined && { maxInFlight: options.maxInFlight }),
    });
    this.consumers.add(consumer);
    // A refused join (an unknown topic, bad options) closes the consumer with joinError.
    const deadline = Date.now() + JOIN_DEADLINE_MS;
    while (consumer.memberId === undefined) {
      if (consumer.joinError !== undefined) throw consumer.joinError;
      if (Date.now() > deadline) {
        consumer.close();
        throw new BrokerUnavailableError(
          `no join to group '${group}' within ${JOIN_DEADLINE_MS} ms`,
        );
      }
      await new Promise((r) => setTimeout(r, JOIN_POLL_MS));
    }
    return new CohortSubscription(consumer);
  }

  async close(): Promise<void> {
    for (const c of this.consumers) c.close();
    this.publisher.close();
    this.client.close();
  }
}

export function connectCohort(address: string, options?: CohortAdapterOptions): MessageBroker {
  return new CohortAdapter(address, options);
}
