// A client of the replicated broker (`cohort broker --id N --peers …`): pointed at every
// broker's address, it finds the leader of each partition and sends each call there. It is
// BrokerClient (client.ts) per address plus routing: a NotLeaderError names the leader (by
// broker id; each broker tells its id through Metadata), so the next try goes straight to
// it; during an election (no leader named) or while a broker is down, it waits a little and
// tries the next one, until the call's deadline.
//
//   const client = new ReplicatedBrokerClient(['127.0.0.1:7070', '127.0.0.1:7071', …]);
//   await client.createTopic('orders', { partitions: 3 });
//   await client.publish('orders', [{ key: 'o-1', value: 'paid' }]);
//   const { records } = await client.fetch('orders', 0, offset);
//   await client.commitOffset('billing', 'orders', 0, records.at(-1).offset + 1);
//
// Consumer groups: joinGroup / heartbeat / leaveGroup go to the metadata leader (the group
// coordinator), and a member's commitOffset carries its member id and generation (the
// fence); ReplicatedConsumer (replicated-consumer.ts) drives them for you.
//
// A publish is split by partition on the client (the broker's rule: explicit partition, else
// crc32c(key) mod partitions, else rotating) and each partition's messages are one call to
// its leader: atomic per partition.
//
// Fault model: brokers may crash, restart or lose leadership at any time. A call whose
// broker died before answering may have been applied; it is retried (a publish retried this
// way can be stored twice: at least once, never lost once acknowledged). Typed errors other
// than not-leader and unavailable are final and thrown at once.

import { crc32c } from '@node-rs/crc32';
import type { Assignor, TopicPartition } from './assign.js';
import { BrokerClient } from './client.js';
import type { MessageInput, TopicConfig } from './config.js';
import { BrokerError, NotLeaderError } from './errors.js';
import type { Published } from './machine.js';
import type { FetchResult } from './replicated-types.js';

/** A group member's generation and partitions, as the coordinator answered a join or heartbeat. */
export interface MemberView {
  readonly generation: number;
  readonly partitions: readonly TopicPartition[];
  readonly sessionTimeoutMs: number;
}

interface WireAssignment {
  generation: number;
  partitions: { topic: string; partition: number }[];
  sessionTimeoutMs: number;
}

const memberView = (a: unknown): MemberView => {
  const w = a as WireAssignment;
  return {
    generation: w.generation,
    partitions: w.partitions.map((p) => ({ topic: p.topic, partition: p.partition })),
    sessionTimeoutMs: w.sessionTimeoutMs,
  };
};

export interface ReplicatedClientOptions {
  /** Give up on a call after this long without an answer (default 30 s). */
  readonly timeoutMs?: number;
  /** The wait before trying again while no leader is known (default 50 ms). */
  readonly retryMs?: number;
}

type Input = Omit<MessageInput, 'value'> & { value: Uint8Array | string };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export class ReplicatedBrokerClient {
  readonly clients: readonly BrokerClient[];
  /** Broker id → its client, learned through Metadata. */
  private readonly byId = new Map<number, BrokerClient>();
  /** Raft group ('meta' or 'topic/partition') → the leader last named. */
  private readonly leaders = new Map<string, number>();
  private readonly partitionCounts = new Map<string, number>();
  private next = 0;
  private rr = 0;
  private readonly timeoutMs: number;
  private readonly retryMs: number;

  constructor(addresses: readonly string[], o: ReplicatedClientOptions = {}) {
    if (addresses.length === 0) throw new RangeError('at least one broker address');
    this.clients = addresses.map((a) => new BrokerClient(a));
    this.timeoutMs = o.timeoutMs ?? 30_000;
    this.retryMs = o.retryMs ?? 50;
  }

  /** Creates the topic (at the metadata leader) and waits until every live broker knows it. */
  async createTopic(topic: string, config: Partial<TopicConfig> = {}): Promise<TopicConfig> {
    const c = await this.route('meta', (b) => b.createTopic(topic, config));
    const deadline = performance.now() + this.timeoutMs;
    for (const b of this.clients)
      for (;;) {
        const known = await b.metadata(topic).then(
          () => true,
          (e: unknown) => !(e instanceof BrokerError) || e.code !== 'unknown-topic',
        );
        if (known) break;
        if (performance.now() > deadline) throw new BrokerError('unavailable', 'topic not known');
        await sleep(this.retryMs);
      }
    this.partitionCounts.set(topic, c.partitions);
    return c;
  }

  /** Publishes; resolves once each partition's leader has the messages committed. */
  async publish(topic: string, messages: readonly Input[]): Promise<Published[]> {
    const partitions = await this.partitionCount(topic);
    const byPartition = new Map<number, number[]>();
    messages.forEach((m, i) => {
      const p =
        m.partition ??
        (m.key === undefined || m.key === null
          ? this.rr++ % partitions
          : crc32c(m.key) % partitions);
      byPartition.set(p, [...(byPartition.get(p) ?? []), i]);
    });
    const out: Published[] = new Array(messages.length);
    await Promise.all(
      [...byPartition].map(async ([p, indices]) => {
        const batch = indices.map((i) => ({ ...(messages[i] as Input), partition: p }));
        const at = await this.route(`${topic}/${p}`, (b) => b.publish(topic, batch));
        indices.forEach((i, j) => {
          out[i] = at[j] as Published;
        });
      }),
    );
    return out;
  }

  fetch(
    topic: string,
    partition: number,
    offset: number,
    limits: { maxMessages?: number; maxBytes?: number } = {},
  ): Promise<FetchResult> {
    return this.route(`${topic}/${partition}`, (b) => b.fetch(topic, partition, offset, limits));
  }

  /**
   * Commits the group's offset for the partition. With `fence` (a member and the generation
   * it was assigned in), refused unless that member owns the partition in the group's current
   * generation: IllegalGenerationError, UnknownMemberError or NotAssignedError (all final).
   */
  async commitOffset(
    group: string,
    topic: string,
    partition: number,
    offset: number,
    fence?: { member: string; generation: number },
  ): Promise<void> {
    const req = { group, topic, partition, offset, member: '', generation: 0, ...fence };
    await this.route(`${topic}/${partition}`, (b) => b.call('CommitOffset', req));
  }

  /** Joins (or rejoins, with the same member id) a consumer group at its coordinator. */
  async joinGroup(
    group: string,
    member: string,
    topics: readonly string[],
    o: { sessionTimeoutMs: number; assignor?: Assignor },
  ): Promise<MemberView> {
    const req = {
      group,
      member,
      topics,
      sessionTimeoutMs: o.sessionTimeoutMs,
      assignor: o.assignor ?? 'range',
    };
    return memberView(await this.route('meta', (b) => b.call('JoinGroup', req)));
  }

  /** Renews the member's session; answers the group's current generation and its partitions. */
  async heartbeat(group: string, member: string): Promise<MemberView> {
    return memberView(await this.route('meta', (b) => b.call('GroupHeartbeat', { group, member })));
  }

  async leaveGroup(group: string, member: string): Promise<void> {
    await this.route('meta', (b) => b.call('LeaveGroup', { group, member }));
  }

  committedOffset(group: string, topic: string, partition: number) {
    return this.route(`${topic}/${partition}`, (b) => b.committedOffset(group, topic, partition));
  }

  async partitionCount(topic: string): Promise<number> {
    const known = this.partitionCounts.get(topic);
    if (known !== undefined) return known;
    const c = await this.route('any', (b) => b.describeTopic(topic));
    this.partitionCounts.set(topic, c.partitions);
    return c.partitions;
  }

  close(): void {
    for (const c of this.clients) c.close();
  }

  /** Runs `f` at the group's leader, following not-leader answers, until the deadline. */
  private async route<T>(group: string, f: (b: BrokerClient) => Promise<T>): Promise<T> {
    const deadline = performance.now() + this.timeoutMs;
    for (;;) {
      const target = this.target(group);
      try {
        return await f(target);
      } catch (error) {
        if (!(error instanceof BrokerError) || !error.retryable) throw error;
        if (performance.now() > deadline) throw error;
        const leader = error instanceof NotLeaderError ? error.leader : null;
        if (leader !== null && this.leaders.get(group) !== leader) {
          this.leaders.set(group, leader);
          if (!this.byId.has(leader)) await this.discover();
          if (this.byId.has(leader)) continue;
        }
        this.leaders.delete(group);
        this.next += 1;
        await sleep(this.retryMs);
      }
    }
  }

  private target(group: string): BrokerClient {
    const leader = this.leaders.get(group);
    const known = leader === undefined ? undefined : this.byId.get(leader);
    return known ?? (this.clients[this.next % this.clients.length] as BrokerClient);
  }

  /** Asks every broker its id (those down now are asked again on a later not-leader). */
  private async discover(): Promise<void> {
    await Promise.all(
      this.clients.map(async (c) => {
        const m = await c.metadata().catch(() => undefined);
        if (m !== undefined) this.byId.set(m.brokerId, c);
      }),
    );
  }
}
