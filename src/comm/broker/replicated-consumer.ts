// A consumer-group member of the replicated broker (Kafka's consumer with the eager
// rebalance protocol, over ReplicatedBrokerClient): it joins its group at the coordinator
// (the metadata group's leader), heartbeats every third of its session timeout, and for each
// partition of its assignment runs one worker that fetches from the partition's leader,
// starting at the group's committed offset, hands each record to the handler in offset
// order, and commits after the handler returned — at least once: a record handled but not
// committed when its owner dies, or when its partition moves, is handled again by the next
// owner from the committed offset.
//
//   const consumer = new ReplicatedConsumer(client, {
//     group: 'billing', topics: ['orders'], handler: async (m) => charge(m.value),
//   });
//   await consumer.start();   // resolves once joined (it has its first assignment)
//   …
//   await consumer.close();   // stops the workers (after their current handler), leaves
//
// Rebalances. Each answer of the coordinator names the group's generation and this member's
// partitions. When the generation changes, every worker stops (after the record it is
// handling) and new workers start for the new assignment, each from the committed offset —
// so within one generation a partition's records reach the handler in order, without gaps.
// Commits carry the member id and generation; the broker refuses them once the member is
// no longer the partition's owner in the current generation (a typed error), and the worker
// then stops and a heartbeat is sent at once to learn the new assignment. A member the
// coordinator expired (its heartbeats did not arrive in time) gets UnknownMemberError and
// joins again with the same id.
//
// Memory: each worker holds one fetch (at most maxMessages records, about maxBytes bytes).
//
// Fault model: brokers may crash or lose leadership at any time (the client routes and
// retries until its deadline; a call that still fails is tried again after pollMs); this
// process may die at any time (its records are handled again by another member after its
// session timeout). A handler that throws does not commit: the record is fetched and handed
// to it again after pollMs.

import { randomUUID } from 'node:crypto';
import type { Assignor, TopicPartition } from './assign.js';
import { BrokerError } from './errors.js';
import type { MemberView, ReplicatedBrokerClient } from './replicated-client.js';

export interface ConsumedRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: string | null;
  readonly value: Buffer;
  readonly timestamp: number;
  /** The generation the record was handed out in. */
  readonly generation: number;
}

export interface ReplicatedConsumerOptions {
  readonly group: string;
  readonly topics: readonly string[];
  readonly handler: (m: ConsumedRecord) => Promise<void> | void;
  /** Default 10 s. The coordinator expires the member after this long without a heartbeat. */
  readonly sessionTimeoutMs?: number;
  readonly assignor?: Assignor;
  /** Default: a random UUID (one per consumer object). */
  readonly memberId?: string;
  /** Per fetch: at most this many records (default 100) and about this many bytes (1 MiB). */
  readonly maxMessages?: number;
  readonly maxBytes?: number;
  /** The wait before fetching again from a partition with nothing new (default 50 ms). */
  readonly pollMs?: number;
  /** Called with an error a worker recovers from (it fetches again from the committed offset). */
  readonly onError?: (error: unknown, at: TopicPartition) => void;
  /** Called with each new assignment, before its workers start. */
  readonly onAssignment?: (partitions: readonly TopicPartition[], generation: number) => void;
}

/** Commit refusals that mean "this member no longer owns the partition in this generation". */
const FENCED: ReadonlySet<string> = new Set([
  'illegal-generation',
  'unknown-member',
  'not-assigned',
]);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface Run {
  readonly generation: number;
  active: boolean;
  readonly workers: Promise<void>[];
}

export class ReplicatedConsumer {
  readonly memberId: string;
  private readonly sessionTimeoutMs: number;
  private run: Run | undefined;
  private closed = false;
  private loop: Promise<void> | undefined;
  /** Wakes the heartbeat loop early (a fenced commit: learn the new assignment now). */
  private wake: (() => void) | undefined;

  constructor(
    private readonly client: ReplicatedBrokerClient,
    private readonly o: ReplicatedConsumerOptions,
  ) {
    this.memberId = o.memberId ?? randomUUID();
    this.sessionTimeoutMs = o.sessionTimeoutMs ?? 10_000;
  }

  get generation(): number {
    return this.run?.generation ?? 0;
  }

  /** Joins the group; resolves with the first assignment's generation. */
  async start(): Promise<number> {
    const view = await this.join();
    await this.rebalance(view);
    this.loop = this.heartbeats();
    return view.generation;
  }

  /** Stops the workers (each after the record it is handling) and leaves the group. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.wake?.();
    await this.loop;
    await this.stopRun();
    await this.client.leaveGroup(this.o.group, this.memberId).catch(() => undefined);
  }

  private join(): Promise<MemberView> {
    return this.client.joinGroup(this.o.group, this.memberId, this.o.topics, {
      sessionTimeoutMs: this.sessionTimeoutMs,
      ...(this.o.assignor === undefined ? {} : { assignor: this.o.assignor }),
    });
  }

  private async heartbeats(): Promise<void> {
    while (!this.closed) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(1, Math.floor(this.sessionTimeoutMs / 3)));
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      if (this.closed) return;
      let view: MemberView;
      try {
        view = await this.client.heartbeat(this.o.group, this.memberId);
      } catch (error) {
        if (!(error instanceof BrokerError)) throw error;
        if (error.code !== 'unknown-member') continue; // No coordinator reached: next beat.
        // Expired (or the group forgot us): stop at once, then join again with the same id.
        await this.stopRun();
        const rejoined = await this.join().catch(() => undefined);
        if (rejoined === undefined) continue; // Unknown-member again next beat: joins again.
        view = rejoined;
      }
      if (!this.closed && view.generation !== this.run?.generation) await this.rebalance(view);
    }
  }

  /** Eager rebalance: every worker of the old generation stops before the new ones start. */
  private async rebalance(view: MemberView): Promise<void> {
    await this.stopRun();
    if (this.closed) return;
    const run: Run = { generation: view.generation, active: true, workers: [] };
    this.run = run;
    this.o.onAssignment?.(view.partitions, view.generation);
    for (const tp of view.partitions) run.workers.push(this.work(run, tp));
  }

  private async stopRun(): Promise<void> {
    const run = this.run;
    if (run === undefined) return;
    run.active = false;
    await Promise.all(run.workers);
  }

  /** One partition in one generation: fetch from the committed offset, handle, commit. */
  private async work(run: Run, tp: TopicPartition): Promise<void> {
    const { group } = this.o;
    const fence = { member: this.memberId, generation: run.generation };
    const limits = { maxMessages: this.o.maxMessages ?? 100, maxBytes: this.o.maxBytes ?? 1 << 20 };
    const pollMs = this.o.pollMs ?? 50;
    let offset: number | undefined;
    while (run.active) {
      try {
        offset ??= (await this.client.committedOffset(group, tp.topic, tp.partition)) ?? 0;
        const f = await this.client.fetch(tp.topic, tp.partition, offset, limits);
        let handled = offset;
        for (const r of f.records) {
          if (!run.active) break;
          await this.o.handler({
            ...tp,
            ...r,
            value: Buffer.from(r.value),
            generation: fence.generation,
          });
          handled = r.offset + 1;
        }
        if (handled > offset) {
          await this.client.commitOffset(group, tp.topic, tp.partition, handled, fence);
          offset = handled;
        } else if (f.records.length === 0) await sleep(pollMs);
      } catch (error) {
        if (error instanceof BrokerError && FENCED.has(error.code)) {
          this.o.onError?.(error, tp);
          run.active = false; // Not ours any more in this generation: learn the next one now.
          this.wake?.();
          return;
        }
        // Unreachable partition leader past the client's deadline, or the handler threw:
        // nothing committed, so the same records come again.
        this.o.onError?.(error, tp);
        offset = undefined;
        await sleep(pollMs);
      }
    }
  }
}
