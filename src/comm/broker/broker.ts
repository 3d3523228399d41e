// The broker host: the state machine (machine.ts) on the runtime's write-ahead log and the
// record segments (record-segments.ts), with real time, a tick timer, and the sinks of
// connected consumers and transaction checkers. Every call runs the machine synchronously
// (one step), seals the step, and answers only once what it wrote is durable: a publish once
// its records' flush resolved (a publish writes nothing else that matters: each record is
// written once, to its segment), a prepare, end of transaction or offset commit once the
// WAL's sync() resolved. Many calls share one write (both group-commit). Deliveries are
// released only once their records are durable, so a consumer never sees a record a crash
// could take back — and never waits for the fsync of steps that hold no record (acks).
//
// Acks (and nacks) are answered once applied, without waiting for their step's fsync: the
// step is sealed and the next WAL round writes it. At least once still holds — an ack a
// crash takes back only makes its message come again. What a crash can redeliver: the
// messages whose acks were answered after the last completed WAL round began (at most one
// round's worth, a few milliseconds of acks). A commit, or any other call answered after the
// WAL's sync (not a publish), makes every earlier ack durable too (the WAL writes steps in
// order).
//
// Records do not stay in memory once written: deliveries read them back from their segments
// (the last round's bytes without a system call). Retention's deletions are WAL steps; the
// segments they pass are removed after a tick's step made them durable.
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
import { BrokerMachine, type PartitionInfo, type Published } from './machine.js';
import { RecordSegments, type SegmentOptions } from './record-segments.js';

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
  readonly records?: SegmentOptions;
  /** How often time-driven work runs (timeouts, retention by age, checks). */
  readonly tickMs?: number;
  /** The disk failed (or a bug): the broker has stopped. */
  readonly onFatal?: (error: unknown) => void;
  readonly now?: () => number;
}

export class Broker {
  private readonly consumers = new Map<string, ConsumerSink>();
  private readonly checkers = new Map<string, CheckSink[]>();
  private readonly timer: NodeJS.Timeout;
  private failed: unknown;
  private closed = false;
  private pumping = new Set<string>();
  private pumpQueued = false;
  /** Per member, its last delivery still waiting for its records to be durable. */
  private readonly deferred = new Map<string, Promise<void>>();
  private dropping: Promise<void> | undefined;

  private constructor(
    private readonly storage: WalStorage,
    private readonly records: RecordSegments,
    readonly machine: BrokerMachine,
    private readonly o: BrokerOptions,
    private readonly now: () => number,
  ) {
    this.timer = setInterval(() => void this.tick(), o.tickMs ?? 50);
    this.timer.unref();
  }

  static async open(dir: string, options: BrokerOptions = {}): Promise<Broker> {
    const config = brokerConfig(options.config);
    const storage = await WalStorage.open(dir, options.wal);
    const records = await RecordSegments.open(join(dir, 'records'), options.records);
    const now = options.now ?? Date.now;
    const machine = new BrokerMachine(storage, config, now(), records);
    storage.endStep();
    // Recovery may append committed halves' records again: durable before their halves go.
    await records.flush();
    await storage.sync();
    return new Broker(storage, records, machine, options, now);
  }

  get config(): BrokerConfig {
    return this.machine.config;
  }

  /** WAL fsyncs and record writes so far (group commit: many calls per fsync). */
  get fsyncs(): number {
    return this.storage.fsyncs + this.records.writes;
  }

  createTopic(name: string, config: Partial<TopicConfig>): Promise<TopicConfig> {
    return this.step(() => this.machine.createTopic(name, config, this.now()));
  }

  describeTopic(name: string): { config: TopicConfig; partitions: PartitionInfo[] } {
    const partitions = this.machine.partitions(name); // Throws UnknownTopicError.
    return { config: this.machine.topicConfig(name) as TopicConfig, partitions };
  }

  async publish(topic: string, messages: readonly MessageInput[]): Promise<Published[]> {
    // The step holds at most retention's new start offsets: written with the next WAL round.
    const out = this.apply(() => this.machine.publish(topic, messages, this.now()));
    this.storage.sync().catch((error: unknown) => this.fail(error));
    await this.flushRecords();
    this.schedulePump(this.machine.groups.membersReading(topic));
    return out;
  }

  prepare(producerGroup: string, topic: string, message: MessageInput): Promise<string> {
    return this.step(() => this.machine.prepare(producerGroup, topic, message, this.now()));
  }

  async endTransaction(txId: string, outcome: Outcome): Promise<EndResult> {
    const r = await this.step(() => this.machine.endTransaction(txId, outcome, this.now()));
    if (r.partition === undefined) return r;
    // Committed now: its record is durable after the flush; then its half can go.
    await this.flushRecords();
    this.apply(() => this.machine.halves.forget(txId));
    this.storage.sync().catch((error: unknown) => this.fail(error));
    this.schedulePump([...this.consumers.keys()]);
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
    await this.dropping;
    await this.records.close();
    await this.storage.close().catch(() => {});
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
      this.machine.groups.batch(() => {
        for (const p of ps)
          try {
            f(p);
          } catch (e) {
            if (!(e instanceof BrokerError)) throw e;
            first ??= e;
          }
      });
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

  private allDurable(ds: readonly Delivery[]): boolean {
    for (const d of ds)
      if ((this.records.durableNext(d.topic, d.partition) ?? 0) <= d.offset) return false;
    return true;
  }

  /** Runs one step of the machine and seals it (not yet durable). */
  private apply<T>(f: () => T): T {
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
    return out;
  }

  /** Resolves once every record added so far is durable. */
  private async flushRecords(): Promise<void> {
    try {
      await this.records.flush();
    } catch (error) {
      this.fail(error);
      throw new BrokerUnavailableError('broker storage failed', { cause: error });
    }
  }

  /** Runs one step of the machine and resolves once it is durable. */
  private async step<T>(f: () => T): Promise<T> {
    const out = this.apply(f);
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
    let starts: { topic: string; partition: number; start: number }[] = [];
    try {
      t = await this.step(() => {
        const out = this.machine.tick(this.now());
        // Read in the step: once it is durable, so is every start offset read here.
        starts = this.machine
          .topicNames()
          .flatMap((topic) => this.machine.partitions(topic).map((p) => ({ topic, ...p })));
        return out;
      });
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
    this.dropping ??= this.dropPassed(starts).finally(() => {
      this.dropping = undefined;
    });
  }

  /** Removes the segments retention passed (their start offsets are durable). */
  private async dropPassed(starts: readonly { topic: string; partition: number; start: number }[]) {
    try {
      for (const { topic, partition, start } of starts) {
        if (this.closed || this.failed !== undefined) return;
        await this.records.dropBelow(topic, partition, start);
      }
    } catch (error) {
      if (!this.closed) this.fail(error);
    }
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
    // Half the consumer's window per turn: it takes (and acks) one half while the broker reads
    // the other, rather than the whole window and then nothing until its acks are back (4 KiB
    // deliveries, window 256, in a loop of 40,000: about 35,000 a second -> 46,000).
    const chunk = Math.ceil(this.machine.groups.windowOf(memberId) / 2);
    let ds: Delivery[];
    try {
      ds = this.machine.groups.pull(memberId, this.now(), chunk);
    } catch (error) {
      return this.fail(error); // A segment read failed (the disk): the broker stops.
    }
    // A pull may write (a committed offset moved past records retention deleted).
    this.storage.endStep();
    if (ds.length === 0) return;
    if (ds.length === chunk) this.schedulePump([memberId]); // Maybe more on the next turn.
    const durable = this.allDurable(ds);
    const prior = this.deferred.get(memberId);
    if (durable && prior === undefined) return sink.deliver(ds);
    // Records not yet durable (a publish's flush still writing, a commit) are released after
    // it, and every later delivery to the member after them, in order: flush() may wait for a
    // round later than the one that makes these durable, so a later chunk could otherwise
    // overtake this one (seen: a partition's offsets 64-127 delivered before 0-63).
    const ready = durable ? undefined : this.records.flush();
    const done = (prior ?? Promise.resolve())
      .then(() => ready)
      .then(
        () => {
          if (this.consumers.get(memberId) === sink) sink.deliver(ds);
        },
        (error: unknown) => this.fail(error),
      )
      .finally(() => {
        if (this.deferred.get(memberId) === done) this.deferred.delete(memberId);
      });
    this.deferred.set(memberId, done);
  }
}

export interface TopicPartitionOffset {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}
