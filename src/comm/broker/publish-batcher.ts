// Coalesces concurrent single-message publishes into batches of many messages (a Publish call
// each, or a request on one PublishStream: publish-stream.ts): while `pipeline` batches are in
// flight, new messages wait and leave together in the next. One
// gRPC call per message costs more CPU (on both ends) than the fsync it waits for — that was
// the broker's measured bottleneck (docs/broker.md) — so this is Kafka's linger-free
// batching: no timer, a batch is whatever queued up during the previous round trip.
//
// Order: with pipeline 1 (the default), messages reach the broker in the order publish() was
// called, so per-key order holds even for publishes not awaited one by one. With more calls
// in flight only awaited publishes keep their order.
//
// Fault model: a batch is validated whole on the broker (a refused batch stores nothing; a
// crash before its answer may keep part of it: at least once). When the broker refuses
// a batch for a reason other than being unavailable (one message too large, say), each
// message is sent again alone so that only the bad one fails; an unavailable broker fails
// the whole batch (the caller decides whether to retry: at least once). Memory: the queue
// holds only what callers are awaiting.

import type { MessageInput } from './config.js';
import { BrokerError } from './errors.js';

interface Pending {
  readonly key: string | null;
  readonly value: Uint8Array;
  readonly resolve: () => void;
  readonly reject: (e: unknown) => void;
}

/** What sends a batch: BrokerClient (a unary call each) or PublishStream (one stream). */
export interface BatchPublisher {
  publish(topic: string, messages: readonly MessageInput[]): Promise<unknown>;
}

export interface PublishBatcherOptions {
  /** Publish calls in flight per topic (default 1: call order kept). */
  readonly pipeline?: number;
  /** Most messages per call (the broker's default maxBatchMessages is 1000). */
  readonly maxMessages?: number;
  /** Most value bytes per call (far below gRPC's 16 MiB request limit). */
  readonly maxBytes?: number;
}

interface TopicQueue {
  readonly waiting: Pending[];
  inFlight: number;
}

export class PublishBatcher {
  private readonly topics = new Map<string, TopicQueue>();
  private readonly pipeline: number;
  private readonly maxMessages: number;
  private readonly maxBytes: number;

  constructor(
    private readonly client: BatchPublisher,
    options: PublishBatcherOptions = {},
  ) {
    this.pipeline = options.pipeline ?? 1;
    this.maxMessages = options.maxMessages ?? 1000;
    this.maxBytes = options.maxBytes ?? 4 * 1024 * 1024;
  }

  /** Resolves once the message is durable on the broker. */
  publish(topic: string, key: string | null, value: Uint8Array): Promise<void> {
    let q = this.topics.get(topic);
    if (q === undefined) {
      q = { waiting: [], inFlight: 0 };
      this.topics.set(topic, q);
    }
    const queue = q;
    return new Promise<void>((resolve, reject) => {
      queue.waiting.push({ key, value, resolve, reject });
      if (queue.inFlight < this.pipeline) this.send(topic, queue);
    });
  }

  private send(topic: string, q: TopicQueue): void {
    const batch = this.take(q);
    if (batch.length === 0) return;
    q.inFlight += 1;
    this.publishBatch(topic, batch).finally(() => {
      q.inFlight -= 1;
      if (q.waiting.length > 0) this.send(topic, q);
      else if (q.inFlight === 0) this.topics.delete(topic);
    });
  }

  /** The oldest waiting messages, up to the count and byte bounds (at least one). */
  private take(q: TopicQueue): Pending[] {
    let bytes = 0;
    let n = 0;
    while (n < q.waiting.length && n < this.maxMessages) {
      bytes += (q.waiting[n] as Pending).value.length;
      if (n > 0 && bytes > this.maxBytes) break;
      n++;
    }
    return q.waiting.splice(0, n);
  }

  private async publishBatch(topic: string, batch: readonly Pending[]): Promise<void> {
    const messages = batch.map((p) => ({ key: p.key, value: p.value }));
    try {
      await this.client.publish(topic, messages);
      for (const p of batch) p.resolve();
    } catch (error) {
      const refused = error instanceof BrokerError && error.code !== 'unavailable';
      if (!refused || batch.length === 1) {
        for (const p of batch) p.reject(error);
        return;
      }
      // One bad message must not fail the others: each goes alone, in order.
      for (const p of batch) await this.publishBatch(topic, [p]);
    }
  }
}
