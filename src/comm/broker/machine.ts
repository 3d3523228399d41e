// The broker as a state machine: topics of partitioned logs, consumer groups (groups.ts) and
// transactional half messages (halves.ts), over a `Storage` (core/process.ts) and a clock
// reading passed in with every call. It does no I/O of its own and never reads the time, so
// it is tested with an in-memory storage and virtual time; broker.ts hosts it on the WAL.
//
// Every call is one step: it validates ALL of its input first and throws a typed
// BrokerError before writing anything, or it completes. The host seals the step's writes
// (endStep) after each call and releases replies only after sync() — so an acknowledged
// publish, commit or prepare is on disk. Recovery is `new BrokerMachine(storage, …)`: the
// constructor rebuilds every index from the stored keys.
//
// Fault model: clients are untrusted (validated, typed errors, bounded tables). The storage
// is trusted to give back what sync() made durable (the WAL's torn-tail recovery ensures it).

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
import {
  archivedKey,
  INCARNATION_KEY,
  keyParts,
  recordKey,
  recordPrefix,
  type StoredRecord,
  startKey,
  topicKey,
} from './keys.js';
import { PartitionLog } from './partition-log.js';

/** Where records live once they left the WAL's map (record-archive.ts; none: they never do). */
export interface RecordStore {
  read(topic: string, partition: number, offset: number): StoredRecord | undefined;
  /** Recovery: what the partition archived, ascending. */
  takeEntries(topic: string, partition: number): { offset: number; size: number; time: number }[];
}

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
  /** `${topic}/${partition}` → archived through (records below left the map). */
  private readonly marks = new Map<string, number>();

  constructor(
    private readonly storage: Storage,
    readonly config: BrokerConfig,
    now: number,
    private readonly archive?: RecordStore,
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

  /** Appends `messages` (one atomic step: all or none), each to its key's partition. */
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

  /** The stored record at `offset`, from the map or the archive. */
  record(topic: string, partition: number, offset: number): StoredRecord | undefined {
    const inMap = this.storage.get<StoredRecord>(recordKey(topic, partition, offset));
    return inMap ?? this.archive?.read(topic, partition, offset);
  }

  /** Records below this offset left the map for the archive. */
  archivedThrough(topic: string, partition: number): number {
    return this.marks.get(`${topic}/${partition}`) ?? 0;
  }

  /**
   * The offset through which the partition's records below `upTo` could be archived so that
   * the newest `keepBytes` of them stay in the map (`archivedThrough` when none).
   */
  archivable(topic: string, partition: number, upTo: number, keepBytes: number): number {
    const log = this.topicOf(topic).logs[partition] as PartitionLog;
    const mark = this.archivedThrough(topic, partition);
    const end = Math.min(upTo, log.next);
    let lo = Math.max(mark, log.start);
    if (lo >= end) return mark;
    // The first offset o in [lo, end] whose records up to `end` fit in keepBytes.
    const span = (o: number) => log.bytesFrom(o) - log.bytesFrom(end);
    let hi = end;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (span(mid) <= keepBytes) hi = mid;
      else lo = mid + 1;
    }
    return Math.max(lo, mark);
  }

  /**
   * The host archived (durably) every record of the partition below `through`: forget them
   * here, in the same step as the raised mark, so each record is in one durable place.
   */
  markArchived(topic: string, partition: number, through: number): void {
    const log = this.topicOf(topic).logs[partition] as PartitionLog;
    const from = Math.max(this.archivedThrough(topic, partition), log.start);
    assert(through <= log.next, 'only stored records are archived');
    for (let o = from; o < through; o++) this.storage.delete(recordKey(topic, partition, o));
    this.marks.set(`${topic}/${partition}`, through);
    this.storage.set(archivedKey(topic, partition), through);
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
    const record: StoredRecord = { k: m.key ?? null, v: m.value, t: now };
    this.storage.set(recordKey(t.name, partition, offset), record);
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
      const offset = log.dropOldest();
      // Archived records are not in the map (the host removes their files).
      if (offset >= this.archivedThrough(log.topic, log.index))
        this.storage.delete(recordKey(log.topic, log.index, offset));
    }
    if (log.start !== startBefore) this.storage.set(startKey(log.topic, log.index), log.start);
  }

  private recover(now: number): void {
    for (const key of this.storage.keys('t/'))
      this.addTopic(key.slice(2), this.storage.get<TopicConfig>(key) as TopicConfig);
    for (const t of this.topics.values())
      for (const log of t.logs) {
        const mark = this.storage.get<number>(archivedKey(t.name, log.index)) ?? 0;
        if (mark > 0) this.marks.set(`${t.name}/${log.index}`, mark);
        for (const e of this.archive?.takeEntries(t.name, log.index) ?? [])
          if (e.offset >= log.start) log.restore(e.offset, e.size, e.time);
        for (const key of this.storage.keys(recordPrefix(t.name, log.index))) {
          const r = this.storage.get<StoredRecord>(key) as StoredRecord;
          log.restore(Number(key.slice(key.lastIndexOf('/') + 1)), r.v.length, r.t);
        }
      }
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
    for (const key of this.storage.keys('h/'))
      this.halves.restoreHalf(this.storage.get<StoredHalf>(key) as StoredHalf, now);
    for (const key of this.storage.keys('x/'))
      this.halves.restoreOutcome(key.slice(2), this.storage.get<Outcome>(key) as Outcome);
    assert(this.incarnation >= 1);
  }
}
