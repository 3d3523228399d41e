// The broker as a state machine: topics of partitioned logs, consumer groups (groups.ts) and
// transactional half messages (halves.ts), over a `Storage` (core/process.ts) and a clock
// reading passed in with every call. It does no I/O of its own and never reads the time, so
// it is tested with an in-memory storage and virtual time; broker.ts hosts it on the WAL.
//
// Every call is one step: it validates ALL of its input first and throws a typed
// BrokerError before writing anything, or it completes. The host seals the step's writes
// (endStep) after each call and releases replies only once they are durable — the step's
// sync() and, for records, the record store's flush — so an acknowledged publish, commit or
// prepare is on disk. Records go to the record store (record-store.ts), never to the WAL.
// Recovery is `new BrokerMachine(storage, …, records)`: the constructor rebuilds every index
// from the stored keys and the records' entries.
//
// Fault model: clients are untrusted (validated, typed errors, bounded tables). The storage
// and the record store are trusted to give back what was made durable (their torn-tail
// recovery ensures it); the two are flushed independently, so recovery takes each as it is.

import { crc32c } from '@node-rs/crc32';
import { assert } from '../../core/assert.js';
import type { Storage } from '../../core/process.js';
import {
  type BrokerConfig,
  checkCount,
  checkMessage,
  checkName,
  checkTopicConfig,
  type MessageInput,
  type TopicConfig,
} from './config.js';
import {
  InvalidArgumentError,
  LimitExceededError,
  TopicExistsError,
  UnknownTopicError,
} from './errors.js';
import { Groups } from './groups.js';
import { Halves, type Outcome, type StoredHalf } from './halves.js';
import { INCARNATION_KEY, keyParts, type StoredRecord, startKey, topicKey } from './keys.js';
import { PartitionLog } from './partition-log.js';
import type { RecordStore } from './record-store.js';

interface Topic {
  readonly name: string;
  readonly config: TopicConfig;
  readonly logs: PartitionLog[];
  /** Spreads keyless messages over the partitions. */
  rr: number;
}

export interface Published {
  readonly partition: number;
  readonly offset: number;
}

export interface PartitionInfo {
  readonly partition: number;
  readonly start: number;
  readonly next: number;
  readonly bytes: number;
}

export class BrokerMachine {
  readonly incarnation: number;
  readonly groups: Groups;
  readonly halves: Halves;
  private readonly topics = new Map<string, Topic>();
  private members = 0;

  constructor(
    private readonly storage: Storage,
    readonly config: BrokerConfig,
    now: number,
    private readonly records: RecordStore,
  ) {
    this.incarnation = (storage.get<number>(INCARNATION_KEY) ?? 0) + 1;
    storage.set(INCARNATION_KEY, this.incarnation);
    this.groups = new Groups({
      storage,
      config,
      log: (t, p) => this.topics.get(t)?.logs[p],
      record: (t, p, o) => this.record(t, p, o),
      partitionCount: (t) => this.topics.get(t)?.logs.length,
      newMemberId: () => `m${this.incarnation}.${++this.members}`,
    });
    this.halves = new Halves({
      storage,
      config,
      incarnation: this.incarnation,
      checkTarget: (t, p) => this.checkTarget(t, p),
      append: (t, m, at) => this.append(this.topics.get(t) as Topic, m, at),
    });
    this.recover(now);
  }

  /** Creates a topic; the same topic with the same configuration again is a no-op. */
  createTopic(name: string, config: Partial<TopicConfig>, now: number): TopicConfig {
    checkName('topic', name);
    const c = checkTopicConfig(this.config, {
      partitions: config.partitions ?? 1,
      retentionBytes: config.retentionBytes ?? 0,
      retentionMs: config.retentionMs ?? 0,
    });
    const existing = this.topics.get(name);
    if (existing !== undefined) {
      const same = JSON.stringify(existing.config) === JSON.stringify(c);
      if (!same) throw new TopicExistsError(name);
      return existing.config;
    }
    if (this.topics.size >= this.config.maxTopics)
      throw new LimitExceededError('topics', this.config.maxTopics);
    this.storage.set(topicKey(name), c);
    this.addTopic(name, c);
    void now;
    return c;
  }

  topicConfig(name: string): TopicConfig | undefined {
    return this.topics.get(name)?.config;
  }

  topicNames(): string[] {
    return [...this.topics.keys()].sort();
  }

  partitions(name: string): PartitionInfo[] {
    const t = this.topicOf(name);
    return t.logs.map((l) => ({
      partition: l.index,
      start: l.start,
      next: l.next,
      bytes: l.bytes,
    }));
  }

  /** Appends `messages` (all validated before any is appended), each to its key's partition. */
  publish(topic: string, messages: readonly MessageInput[], now: number): Published[] {
    const t = this.topicOf(checkName('topic', topic));
    if (!Array.isArray(messages)) throw new InvalidArgumentError('messages must be a list');
    checkCount('messages', messages.length, 1, this.config.maxBatchMessages);
    for (const m of messages) {
      checkMessage(this.config, m);
      this.checkTarget(topic, m.partition ?? null);
    }
    const out = messages.map((m) => this.append(t, m, now));
    for (const p of new Set(out.map((o) => o.partition)))
      this.retain(t.logs[p] as PartitionLog, now);
    return out;
  }

  /** The stored record at `offset`. */
  record(topic: string, partition: number, offset: number): StoredRecord | undefined {
    return this.records.read(topic, partition, offset);
  }

  /** Transactional messages (halves.ts). */
  prepare(producerGroup: string, topic: string, message: MessageInput, now: number): string {
    return this.halves.prepare(producerGroup, topic, message, now);
  }

  endTransaction(txId: string, outcome: Outcome, now: number) {
    return this.halves.end(txId, outcome, now);
  }

  /** Retention by age, ack and session timeouts, transaction checks. */
  tick(now: number) {
    for (const t of this.topics.values()) for (const l of t.logs) this.retain(l, now);
    return { ...this.groups.tick(now), ...this.halves.tick(now) };
  }

  private topicOf(name: string): Topic {
    const t = this.topics.get(name);
    if (t === undefined) throw new UnknownTopicError(String(name).slice(0, 200));
    return t;
  }

  private checkTarget(topic: string, partition: number | null): void {
    const t = this.topicOf(topic);
    if (partition !== null) checkCount('partition', partition, 0, t.logs.length - 1);
  }

  private addTopic(name: string, config: TopicConfig): Topic {
    const logs = Array.from({ length: config.partitions }, (_, p) => {
      return new PartitionLog(name, p, this.storage.get<number>(startKey(name, p)) ?? 0);
    });
    const t: Topic = { name, config, logs, rr: 0 };
    this.topics.set(name, t);
    return t;
  }

  /** Kafka's rule: the key's hash picks the partition; keyless messages rotate. */
  private partitionFor(t: Topic, m: MessageInput): number {
    if (m.partition !== undefined && m.partition !== null) return m.partition;
    if (m.key === undefined || m.key === null) return t.rr++ % t.logs.length;
    return crc32c(m.key) % t.logs.length;
  }

  private append(t: Topic, m: MessageInput, now: number): Published {
    const partition = this.partitionFor(t, m);
    const log = t.logs[partition] as PartitionLog;
    const offset = log.append(m.value.length, now);
    this.records.add(t.name, partition, { offset, key: m.key ?? null, value: m.value, time: now });
    return { partition, offset };
  }

  /** Deletes the oldest records while the partition is over its size or age limit. */
  private retain(log: PartitionLog, now: number): void {
    const c = (this.topics.get(log.topic) as Topic).config;
    const startBefore = log.start;
    for (;;) {
      const oldest = log.oldest();
      if (oldest === undefined) break;
      const overSize = c.retentionBytes > 0 && log.bytes > c.retentionBytes;
      const overAge = c.retentionMs > 0 && now - oldest.time > c.retentionMs;
      if (!overSize && !overAge) break;
      log.dropOldest(); // The host removes the segments retention passed.
    }
    if (log.start !== startBefore) this.storage.set(startKey(log.topic, log.index), log.start);
  }

  private recover(now: number): void {
    for (const key of this.storage.keys('t/'))
      this.addTopic(key.slice(2), this.storage.get<TopicConfig>(key) as TopicConfig);
    for (const t of this.topics.values())
      for (const log of t.logs)
        for (const e of this.records.takeEntries(t.name, log.index))
          if (e.offset >= log.start) log.restore(e.offset, e.size, e.time);
    const acked = new Map<string, number[]>();
    for (const key of this.storage.keys('a/')) {
      const [g, t, p, o] = keyParts(key);
      const id = `${g}/${t}/${p}`;
      acked.set(id, [...(acked.get(id) ?? []), Number(o)]);
    }
    for (const key of this.storage.keys('o/')) {
      const [g, t, p] = keyParts(key) as [string, string, string];
      const committed = this.storage.get<number>(key) as number;
      this.groups.restore(g, t, Number(p), committed, acked.get(`${g}/${t}/${p}`) ?? []);
    }
    const committed: StoredHalf[] = [];
    for (const key of this.storage.keys('h/')) {
      const half = this.storage.get<StoredHalf>(key) as StoredHalf;
      if (half.committed === undefined) this.halves.restoreHalf(half, now);
      else committed.push(half);
    }
    this.finishCommits(committed, now);
    for (const key of this.storage.keys('x/'))
      this.halves.restoreOutcome(key.slice(2), this.storage.get<Outcome>(key) as Outcome);
    assert(this.incarnation >= 1);
  }

  /** Committed halves whose records may not have reached their segments before the crash. */
  private finishCommits(halves: readonly StoredHalf[], now: number): void {
    // Offsets are handed out in order: a partition that ends past a record's offset as
    // recovered (before any record is appended again) holds it, or held it until retention.
    const ends = new Map(
      halves.map((h) => [h.topic, this.topics.get(h.topic)?.logs.map((l) => l.next)]),
    );
    for (const half of halves) {
      const t = this.topics.get(half.topic);
      const at = half.committed as Published;
      if (t !== undefined && (ends.get(half.topic)?.[at.partition] ?? 0) <= at.offset)
        this.append(t, { key: half.key, value: half.value, partition: at.partition }, now);
      this.halves.forget(half.txId);
    }
  }
}
