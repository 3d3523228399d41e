// The broker host: the state machine (machine.ts) on the runtime's write-ahead log, with real
// time, a tick timer, and the sinks of connected consumers and transaction checkers. Every
// call runs the machine synchronously (one step), seals the step, and answers only after
// the WAL's sync() resolved — so an acknowledged publish, prepare, end of transaction or
// offset commit is durable. Many calls share one fsync (the WAL's group commit).
// Deliveries are released only once their records are durable (a per-partition watermark,
// raised when a publish's step is synced), so a consumer never sees a record a crash could
// take back — and never waits for the fsync of steps that hold no record (acks).
//
// Acks (and nacks) are answered once applied, without waiting for their step's fsync: the
// step is sealed and the next WAL round writes it. At least once still holds — an ack a
// crash takes back only makes its message come again. What a crash can redeliver: the
// messages whose acks were answered after the last completed WAL round began (at most one
// round's worth, a few milliseconds of acks). A commit, or anything answered after its own
// sync, makes every earlier ack durable too (the WAL writes steps in order).
//
// Records do not stay in memory: once a partition holds more than `archiveKeepBytes` (1 MiB) of
// durable records in the WAL's map, the oldest go to the record archive (record-archive.ts:
// appended and fsynced first, then one WAL step deletes them from the map and raises the
// partition's archived-through mark), and deliveries read them back from disk.
//
// Fault model: the process may be killed at any instant (the WAL recovers whole steps; what
// was in flight is delivered again). A disk failure fails the broker for good: `onFatal`
// runs once and every later call is refused with BrokerUnavailableError. Client input errors
// are BrokerErrors thrown before the step writes anything. Consumers may be slow (a sink
// that is not writable gets nothing until it drains; its deliveries time out to others),
// hang (session timeout) or vanish (the server calls leave when the stream ends).

import { join } from 'node:path';
import { type WalOptions, WalStorage } from '../../runtime/wal/index.js';
import type { TopicPartition } from './assign.js';
import { type BrokerConfig, brokerConfig, type MessageInput, type TopicConfig } from './config.js';
import { BrokerError, BrokerUnavailableError } from './errors.js';
import type { Delivery, Joined, JoinInput } from './groups.js';
import type { CheckRequest, EndResult, Outcome } from './halves.js';
import { archivedKey } from './keys.js';
import { BrokerMachine, type PartitionInfo, type Published } from './machine.js';
import { type ArchivedRecord, RecordArchive } from './record-archive.js';

/** Records moved to the archive per append (one fsync and one WAL step each). */
const ARCHIVE_CHUNK_BYTES = 4 * 1024 * 1024;

export interface ConsumerSink {
  /** Whether the consumer's connection can take more now (flow control). */
  writable(): boolean;
  deliver(deliveries: Delivery[]): void;
  assignment(
    memberId: string,
    generation: number,
    partitions: TopicPartition[],
    sessionTimeoutMs: number,
  ): void;
}

export interface CheckSink {
  check(request: CheckRequest): void;
}

export interface BrokerOptions {
  readonly config?: Partial<BrokerConfig>;
  readonly wal?: WalOptions;
  /** How often time-driven work runs (timeouts, retention by age, checks). */
  readonly tickMs?: number;
  /** The disk failed (or a bug): the broker has stopped. */
  readonly onFatal?: (error: unknown) => void;
  readonly now?: () => number;
  /** Bytes of each partition's newest records kept in memory (default 1 MiB; 0: none). */
  readonly archiveKeepBytes?: number;
}

export class Broker {
  private readonly consumers = new Map<string, ConsumerSink>();
  private readonly checkers = new Map<string, CheckSink[]>();
  private readonly timer: NodeJS.Timeout;
  private failed: unknown;
  private closed = false;
  private pumping = new Set<string>();
  private pumpQueued = false;
  /** `${topic}/${partition}` → the offset below which records are on disk (deliverable). */
  private readonly durableNext = new Map<string, number>();
  private archiving: Promise<void> | undefined;

  private constructor(
    private readonly storage: WalStorage,
    private readonly archive: RecordArchive,
    readonly machine: BrokerMachine,
    private readonly o: BrokerOptions,
    private readonly now: () => number,
  ) {
    this.timer = setInterval(() => void this.tick(), o.tickMs ?? 50);
    this.timer.unref();
    // Everything recovered was on disk.
    for (const t of machine.topicNames())
      for (const p of machine.partitions(t)) this.durableNext.set(`${t}/${p.partition}`, p.next);
  }

  static async open(dir: string, options: BrokerOptions = {}): Promise<Broker> {
    const config = brokerConfig(options.config);
    const storage = await WalStorage.open(dir, options.wal);
    const archive = await RecordArchive.open(
      join(dir, 'archive'),
      (t, p) => storage.get<number>(archivedKey(t, p)) ?? 0,
    );
    const now = options.now ?? Date.now;
    const machine = new BrokerMachine(storage, config, now(), archive);
    storage.endStep();
    await storage.sync();
    return new Broker(storage, archive, machine, options, now);
  }

  get config(): BrokerConfig {
    return this.machine.config;
  }

  /** WAL fsyncs so far (group commit: many calls per fsync). */
  get fsyncs(): number {
    return this.storage.fsyncs;
  }

  createTopic(name: string, config: Partial<TopicConfig>): Promise<TopicConfig> {
    return this.step(() => this.machine.createTopic(name, config, this.now()));
  }

  describeTopic(name: string): { config: TopicConfig; partitions: PartitionInfo[] } {
    const partitions = this.machine.partitions(name); // Throws UnknownTopicError.
    return { config: this.machine.topicConfig(name) as TopicConfig, partitions };
  }

  async publish(topic: string, messages: readonly MessageInput[]): Promise<Published[]> {
    const out = await this.step(() => this.machine.publish(topic, messages, this.now()));
    for (const p of out) this.durable(topic, p.partition, p.offset);
    this.schedulePump(this.machine.groups.membersReading(topic));
    return out;
  }

  prepare(producerGroup: string, topic: string, message: MessageInput): Promise<string> {
    return this.step(() => this.machine.prepare(producerGroup, topic, message, this.now()));
  }

  async endTransaction(txId: string, outcome: Outcome): Promise<EndResult> {
    const r = await this.step(() => this.machine.endTransaction(txId, outcome, this.now()));
    const half = r.partition !== undefined;
    if (half) this.schedulePump([...this.consumers.keys()]);
    return r;
  }

  /** The committed offsets once every ack applied so far is on disk (what a crash keeps). */
  async committedDurable(group: string, topic: string): Promise<(number | undefined)[]> {
    this.committed(group, topic); // Throws UnknownTopicError before waiting.
    try {
      await this.storage.sync();
    } catch (error) {
      this.fail(error);
      throw new BrokerUnavailableError('broker storage failed', { cause: error });
    }
    return this.committed(group, topic);
  }

  committed(group: string, topic: string): (number | undefined)[] {
    return this.machine
      .partitions(topic)
      .map((p) => this.machine.groups.committedOf(group, topic, p.partition));
  }

  async join(input: JoinInput, sink: ConsumerSink): Promise<Joined> {
    const joined = await this.step(() => this.machine.groups.join(input, this.now()));
    this.consumers.set(joined.memberId, sink);
    this.announce([input.group]);
    return joined;
  }

  /** The member's stream ended; what it held is delivered again to others. */
  async leave(memberId: string): Promise<void> {
    this.consumers.delete(memberId);
    if (this.closed || !this.machine.groups.has(memberId)) return;
    const group = await this.step(() => this.machine.groups.leave(memberId));
    this.announce([group]);
  }

  heartbeat(memberId: string): void {
    this.check();
    this.machine.groups.heartbeat(memberId, this.now());
  }

  /** Applied at once; durable with the next WAL round, not awaited (see the header). */
  ack(memberId: string, positions: readonly TopicPartitionOffset[]): void {
    this.settle(memberId, positions, (p) =>
      this.machine.groups.ack(memberId, p.topic, p.partition, p.offset),
    );
  }

  nack(memberId: string, positions: readonly TopicPartitionOffset[]): void {
    const group = this.machine.groups.groupNameOf(memberId); // Throws UnknownMemberError.
    try {
      this.settle(memberId, positions, (p) =>
        this.machine.groups.nack(memberId, p.topic, p.partition, p.offset),
      );
    } finally {
      this.schedulePump(this.machine.groups.membersOf(group));
    }
  }

  async commit(memberId: string, generation: number, p: TopicPartitionOffset): Promise<void> {
    await this.step(() =>
      this.machine.groups.commit(memberId, generation, p.topic, p.partition, p.offset),
    );
  }

  registerChecker(producerGroup: string, sink: CheckSink): () => void {
    this.check();
    this.machine.halves.registerChecker(producerGroup);
    this.checkers.set(producerGroup, [...(this.checkers.get(producerGroup) ?? []), sink]);
    return () => {
      const left = (this.checkers.get(producerGroup) ?? []).filter((s) => s !== sink);
      if (left.length > 0) this.checkers.set(producerGroup, left);
      else this.checkers.delete(producerGroup);
      this.machine.halves.unregisterChecker(producerGroup);
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    this.consumers.clear();
    await this.archiving;
    await this.storage.close().catch(() => {});
    await this.archive.close();
  }

  /**
   * Applies `f` to each position in one step, sealed but not awaited; the first failure is
   * thrown after the others were applied (an ack batch is not all-or-nothing: each ack
   * stands alone).
   */
  private settle<P>(memberId: string, ps: readonly P[], f: (p: P) => void): void {
    let first: unknown;
    this.check();
    try {
      this.machine.groups.heartbeat(memberId, this.now());
      for (const p of ps)
        try {
          f(p);
        } catch (e) {
          if (!(e instanceof BrokerError)) throw e;
          first ??= e;
        }
    } catch (error) {
      if (error instanceof BrokerError) throw error; // An unknown member: nothing written.
      this.fail(error);
      throw new BrokerUnavailableError('broker failed', { cause: error });
    }
    this.storage.endStep();
    this.storage.sync().catch((error: unknown) => this.fail(error));
    this.schedulePump([memberId]);
    if (first !== undefined) throw first;
  }

  /** The record at `offset` of topic/partition is on disk. */
  private durable(topic: string, partition: number, offset: number): void {
    const key = `${topic}/${partition}`;
    if ((this.durableNext.get(key) ?? 0) <= offset) this.durableNext.set(key, offset + 1);
  }

  private allDurable(ds: readonly Delivery[]): boolean {
    for (const d of ds)
      if ((this.durableNext.get(`${d.topic}/${d.partition}`) ?? 0) <= d.offset) return false;
    return true;
  }

  /** Runs one step of the machine and resolves once it is durable. */
  private async step<T>(f: () => T): Promise<T> {
    this.check();
    let out: T;
    try {
      out = f();
    } catch (error) {
      if (error instanceof BrokerError) throw error; // Thrown before any write.
      this.fail(error);
      throw new BrokerUnavailableError('broker failed', { cause: error });
    }
    this.storage.endStep();
    try {
      await this.storage.sync();
    } catch (error) {
      this.fail(error);
      throw new BrokerUnavailableError('broker storage failed', { cause: error });
    }
    return out;
  }

  private check(): void {
    if (this.closed || this.failed !== undefined)
      throw new BrokerUnavailableError(this.closed ? 'broker closed' : 'broker failed');
  }

  private fail(error: unknown): void {
    if (this.failed !== undefined) return;
    this.failed = error;
    clearInterval(this.timer);
    this.o.onFatal?.(error);
  }

  /** Tells every member of `groups` its (new) assignment, then feeds them. */
  private announce(groups: readonly string[]): void {
    const ids: string[] = [];
    for (const g of groups)
      for (const id of this.machine.groups.membersOf(g)) {
        const sink = this.consumers.get(id);
        if (sink === undefined) continue;
        const g = this.machine.groups;
        sink.assignment(id, g.generationOf(id), g.assignmentOf(id), g.sessionTimeoutOf(id));
        ids.push(id);
      }
    this.schedulePump(ids);
  }

  private async tick(): Promise<void> {
    if (this.closed || this.failed !== undefined) return;
    let t: ReturnType<BrokerMachine['tick']>;
    try {
      t = await this.step(() => this.machine.tick(this.now()));
    } catch {
      return; // Failed: reported through onFatal.
    }
    for (const c of t.checks) {
      const sinks = this.checkers.get(c.producerGroup) ?? [];
      // Any producer of the group may answer (RocketMQ): spread checks over them.
      const sink = sinks[Number(c.txId.slice(-6)) % Math.max(1, sinks.length)];
      sink?.check(c);
    }
    if (t.rebalanced.length > 0) this.announce(t.rebalanced);
    if (t.requeued > 0) this.schedulePump([...this.consumers.keys()]);
    this.archiving ??= this.archiveAll().finally(() => {
      this.archiving = undefined;
    });
  }

  /** Moves what each partition holds beyond `archiveKeepBytes` to the archive. */
  private async archiveAll(): Promise<void> {
    try {
      for (const t of this.machine.topicNames())
        for (const p of this.machine.partitions(t)) {
          if (this.closed || this.failed !== undefined) return;
          await this.archivePartition(t, p.partition, p.start);
        }
    } catch (error) {
      if (!this.closed) this.fail(error);
    }
  }

  private async archivePartition(topic: string, partition: number, start: number): Promise<void> {
    const m = this.machine;
    const durable = this.durableNext.get(`${topic}/${partition}`) ?? 0;
    const through = m.archivable(topic, partition, durable, this.o.archiveKeepBytes ?? 1 << 20);
    let upTo = Math.max(m.archivedThrough(topic, partition), start);
    if (upTo < through) {
      const records: ArchivedRecord[] = [];
      for (let bytes = 0; upTo < through && bytes < ARCHIVE_CHUNK_BYTES; upTo++) {
        const r = m.record(topic, partition, upTo);
        if (r === undefined) continue; // Retention deleted it meanwhile.
        records.push({ offset: upTo, key: r.k, value: r.v, time: r.t });
        bytes += r.v.length;
      }
      if (records.length === 0) return;
      await this.archive.append(topic, partition, records);
      if (this.closed || this.failed !== undefined) return;
      await this.step(() => m.markArchived(topic, partition, upTo));
    }
    await this.archive.dropBelow(topic, partition, start);
  }

  /** Feeds the members once this turn's steps are durable (several wakes, one pass). */
  schedulePump(ids: readonly string[]): void {
    for (const id of ids) this.pumping.add(id);
    if (this.pumpQueued || this.pumping.size === 0) return;
    this.pumpQueued = true;
    setImmediate(() => {
      this.pumpQueued = false;
      const ids = [...this.pumping];
      this.pumping.clear();
      for (const id of ids) this.pump(id);
    });
  }

  private pump(memberId: string): void {
    const sink = this.consumers.get(memberId);
    if (sink === undefined || this.closed || this.failed !== undefined) return;
    if (!this.machine.groups.has(memberId) || !sink.writable()) return;
    let ds: Delivery[];
    try {
      ds = this.machine.groups.pull(memberId, this.now());
    } catch (error) {
      return this.fail(error); // An archive read failed (the disk): the broker stops.
    }
    // A pull may write (a committed offset moved past records retention deleted).
    this.storage.endStep();
    if (ds.length === 0) return;
    if (this.allDurable(ds)) return sink.deliver(ds);
    // Records published in steps not yet durable (a commit, or a check that kept a half
    // message, appends outside publish) are released only after they are.
    this.storage.sync().then(
      () => {
        if (this.consumers.get(memberId) === sink) sink.deliver(ds);
      },
      (error: unknown) => this.fail(error),
    );
  }
}

export interface TopicPartitionOffset {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}
