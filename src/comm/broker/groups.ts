// Consumer groups: membership with session timeouts, rebalancing with a generation number,
// per-partition cursors with committed offsets, and at-least-once delivery — every delivery
// is in flight to one member until it is acknowledged, and goes back to be delivered again
// when its ack timeout passes, its member leaves or times out, or its partition moves to
// another member. Pure: time comes in as `now`, durable state goes through `Storage`.
//
// Two modes share the machinery:
// - partitioned (Kafka's consumer groups): each partition is owned by one member (assign.ts),
//   so first deliveries of a partition reach one consumer in offset order.
// - shared (a FIFO queue with competing consumers): any member takes the next message of any
//   partition, oldest first; redeliveries go before new messages.
// Every group sees every message of its topics (publish/subscribe fan-out across groups).
//
// Durable: each cursor's committed offset (every offset below it is done) and the acked
// offsets above it; everything else (members, in-flight deliveries) is lost in a crash, so
// after a restart everything from the committed offset on that was not acked is delivered
// again — at least once, never lost.
//
// Fault model: member input is untrusted (unknown ids, stale generations, acks for
// deliveries they do not hold): refused with typed errors before anything changes.

import type { Storage } from '../../core/process.js';
import { type Assignor, assign, type TopicPartition } from './assign.js';
import { type BrokerConfig, checkCount, checkName } from './config.js';
import {
  IllegalGenerationError,
  InvalidArgumentError,
  LimitExceededError,
  NotAssignedError,
  OffsetOutOfRangeError,
  StaleDeliveryError,
  UnknownMemberError,
  UnknownTopicError,
} from './errors.js';
import { ackKey, committedKey, type StoredRecord } from './keys.js';
import type { PartitionLog } from './partition-log.js';

export type GroupMode = 'partitioned' | 'shared';

export interface JoinInput {
  readonly group: string;
  readonly topics: readonly string[];
  readonly mode?: GroupMode;
  readonly assignor?: Assignor;
  readonly maxInFlight?: number;
  readonly sessionTimeoutMs?: number;
  /** Where a group with no committed offset for a partition starts. */
  readonly from?: 'earliest' | 'latest';
}

export interface Joined {
  readonly memberId: string;
  readonly generation: number;
  readonly assignment: TopicPartition[];
}

export interface Delivery {
  readonly group: string;
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: string | null;
  readonly value: Uint8Array;
  readonly timestamp: number;
  /** 1 for the first delivery, then one more for every redelivery in this incarnation. */
  readonly attempt: number;
}

interface Member {
  readonly id: string;
  readonly topics: readonly string[];
  readonly sessionTimeoutMs: number;
  readonly maxInFlight: number;
  lastSeen: number;
  /** Deliveries in flight to this member (across the group's cursors). */
  inflight: number;
  /** Rotates which partition a pull starts with, so no partition starves. */
  rr: number;
}

interface InFlight {
  readonly member: string;
  readonly deadline: number;
}

interface Cursor {
  readonly topic: string;
  readonly partition: number;
  /** Every offset below is done. Durable. */
  committed: number;
  /** The lowest offset not yet delivered since the cursor was loaded. */
  next: number;
  /** Acknowledged offsets ≥ committed (durable, ack keys). */
  readonly acked: Set<number>;
  /** Offsets in [committed, next) to deliver again, ascending: neither in flight nor acked. */
  redeliver: number[];
  readonly inflight: Map<number, InFlight>;
  /** Deliveries so far of offsets not yet done (the attempt number). */
  readonly attempts: Map<number, number>;
  /** The member that owns the partition (partitioned mode). */
  owner: string | undefined;
}

interface Group {
  readonly name: string;
  mode: GroupMode;
  assignor: Assignor;
  generation: number;
  readonly members: Map<string, Member>;
  /** `${topic}/${partition}` → cursor. */
  readonly cursors: Map<string, Cursor>;
}

export interface GroupsHost {
  readonly storage: Storage;
  readonly config: BrokerConfig;
  log(topic: string, partition: number): PartitionLog | undefined;
  /** The stored record at `offset` (from the record store). */
  record(topic: string, partition: number, offset: number): StoredRecord | undefined;
  partitionCount(topic: string): number | undefined;
  newMemberId(): string;
}

const cursorId = (topic: string, partition: number) => `${topic}/${partition}`;

function insertSorted(xs: number[], x: number): void {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((xs[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  xs.splice(lo, 0, x);
}

export class Groups {
  private readonly groups = new Map<string, Group>();
  private readonly memberGroup = new Map<string, Group>();

  /** Cursors (and their group's name) whose committed offset moved inside batch(): each
   *  written once, when it ends. */
  private unwritten: Map<Cursor, string> | undefined;

  constructor(private readonly h: GroupsHost) {}

  /**
   * Runs `f` (acks of one request), writing each moved committed offset once at the end
   * rather than once per ack: a consumer's batch of in-order acks then costs one write.
   */
  batch<T>(f: () => T): T {
    if (this.unwritten !== undefined) return f();
    const moved = new Map<Cursor, string>();
    this.unwritten = moved;
    try {
      return f();
    } finally {
      this.unwritten = undefined;
      for (const [c, group] of moved) this.writeCommitted(group, c);
    }
  }

  /** Recovery: a cursor's durable state. */
  restore(group: string, topic: string, partition: number, committed: number, acked: number[]) {
    if (this.h.log(topic, partition) === undefined) return; // Its topic is gone.
    const g = this.groupOrNew(group, 'partitioned', 'range');
    const c = this.newCursor(topic, partition, committed);
    for (const o of acked) if (o >= committed) c.acked.add(o);
    c.next = committed;
    g.cursors.set(cursorId(topic, partition), c);
  }

  join(input: JoinInput, now: number): Joined {
    const name = checkName('group', input.group);
    const mode = input.mode ?? 'partitioned';
    const assignor = input.assignor ?? 'range';
    if (mode !== 'partitioned' && mode !== 'shared')
      throw new InvalidArgumentError(`mode must be 'partitioned' or 'shared'`);
    if (assignor !== 'range' && assignor !== 'round-robin')
      throw new InvalidArgumentError(`assignor must be 'range' or 'round-robin'`);
    const c = this.h.config;
    if (!Array.isArray(input.topics) || input.topics.length === 0)
      throw new InvalidArgumentError('a member subscribes to at least one topic');
    checkCount('topics', input.topics.length, 1, c.maxTopics);
    const topics = [...new Set(input.topics.map((t) => checkName('topic', t)))].sort();
    for (const t of topics)
      if (this.h.partitionCount(t) === undefined) throw new UnknownTopicError(t);
    const maxInFlight = checkCount(
      'maxInFlight',
      input.maxInFlight ?? c.maxInFlightPerConsumer,
      1,
      c.maxInFlightPerConsumer,
    );
    const sessionTimeoutMs = checkCount(
      'sessionTimeoutMs',
      input.sessionTimeoutMs ?? c.sessionTimeoutMs,
      c.minSessionTimeoutMs,
      c.maxSessionTimeoutMs,
    );
    const from = input.from ?? 'earliest';
    if (from !== 'earliest' && from !== 'latest')
      throw new InvalidArgumentError(`from must be 'earliest' or 'latest'`);
    const existing = this.groups.get(name);
    if (existing === undefined && this.groups.size >= c.maxGroups)
      throw new LimitExceededError('groups', c.maxGroups);
    if (existing !== undefined && existing.members.size > 0 && existing.mode !== mode)
      throw new InvalidArgumentError(`group '${name}' is ${existing.mode}, not ${mode}`);
    if (existing !== undefined && existing.members.size >= c.maxMembersPerGroup)
      throw new LimitExceededError(`members in group '${name}'`, c.maxMembersPerGroup);
    // Validated: from here on nothing throws.
    const g = this.groupOrNew(name, mode, assignor);
    if (g.members.size === 0) {
      g.mode = mode;
      g.assignor = assignor;
    }
    for (const t of topics) this.ensureCursors(g, t, from);
    const id = this.h.newMemberId();
    g.members.set(id, {
      id,
      topics,
      sessionTimeoutMs,
      maxInFlight,
      lastSeen: now,
      inflight: 0,
      rr: 0,
    });
    this.memberGroup.set(id, g);
    this.rebalance(g);
    return { memberId: id, generation: g.generation, assignment: this.assignmentOf(id) };
  }

  leave(memberId: string): string {
    const g = this.groupOf(memberId);
    for (const c of g.cursors.values())
      for (const [offset, f] of c.inflight) if (f.member === memberId) this.requeue(g, c, offset);
    g.members.delete(memberId);
    this.memberGroup.delete(memberId);
    this.rebalance(g);
    return g.name;
  }

  heartbeat(memberId: string, now: number): void {
    const m = this.memberOf(memberId);
    m.lastSeen = now;
  }

  has(memberId: string): boolean {
    return this.memberGroup.has(memberId);
  }

  sessionTimeoutOf(memberId: string): number {
    return this.memberOf(memberId).sessionTimeoutMs;
  }

  /** Deliveries in flight to the member (unacknowledged). */
  inFlight(memberId: string): number {
    return this.memberOf(memberId).inflight;
  }

  groupNameOf(memberId: string): string {
    return this.groupOf(memberId).name;
  }

  generationOf(memberId: string): number {
    return this.groupOf(memberId).generation;
  }

  /** Members of `group` (to tell them of a rebalance). */
  membersOf(group: string): string[] {
    return [...(this.groups.get(group)?.members.keys() ?? [])];
  }

  /** Members whose group reads `topic` (to wake them when it gets a record). */
  membersReading(topic: string): string[] {
    const out: string[] = [];
    for (const g of this.groups.values())
      for (const m of g.members.values()) if (m.topics.includes(topic)) out.push(m.id);
    return out;
  }

  assignmentOf(memberId: string): TopicPartition[] {
    const g = this.groupOf(memberId);
    const m = this.memberOf(memberId);
    return this.cursorsFor(g, m).map((c) => ({ topic: c.topic, partition: c.partition }));
  }

  /** The most deliveries `memberId` may hold unacknowledged. */
  windowOf(memberId: string): number {
    return this.memberOf(memberId).maxInFlight;
  }

  /** Deliveries for `memberId`, up to its free credit, fairly across its partitions. */
  pull(memberId: string, now: number, limit = Number.MAX_SAFE_INTEGER): Delivery[] {
    const g = this.groupOf(memberId);
    const m = this.memberOf(memberId);
    const cursors = this.cursorsFor(g, m);
    const out: Delivery[] = [];
    let credit = Math.min(limit, m.maxInFlight - m.inflight);
    let progress = true;
    while (credit > 0 && progress && cursors.length > 0) {
      progress = false;
      for (let i = 0; i < cursors.length && credit > 0; i++) {
        const c = cursors[(m.rr + i) % cursors.length] as Cursor;
        const d = this.takeOne(g, c, m, now);
        if (d === undefined) continue;
        out.push(d);
        credit -= 1;
        progress = true;
      }
      m.rr += 1;
    }
    return out;
  }

  ack(memberId: string, topic: string, partition: number, offset: number): void {
    const g = this.groupOf(memberId);
    const c = this.heldBy(g, memberId, topic, partition, offset);
    this.release(g, c, offset);
    c.attempts.delete(offset);
    if (offset === c.committed) {
      // In order: the committed offset moves over it, and no ack key is ever written for it.
      c.committed += 1;
      this.advance(g, c);
    } else {
      c.acked.add(offset);
      this.h.storage.set(ackKey(g.name, topic, partition, offset), 1);
    }
  }

  /** A negative acknowledgement: deliver the message again now (to any eligible member). */
  nack(memberId: string, topic: string, partition: number, offset: number): void {
    const g = this.groupOf(memberId);
    const c = this.heldBy(g, memberId, topic, partition, offset);
    this.requeue(g, c, offset);
  }

  /**
   * Kafka's offset commit: everything below `offset` is done. Only from the partition's owner
   * in the current generation (a member that missed a rebalance is refused); forward only.
   */
  commit(memberId: string, generation: number, topic: string, p: number, offset: number): void {
    const g = this.groupOf(memberId);
    if (generation !== g.generation) throw new IllegalGenerationError(generation, g.generation);
    if (g.mode !== 'partitioned')
      throw new InvalidArgumentError('a shared (queue) group is committed by acknowledgements');
    const c = g.cursors.get(cursorId(topic, p));
    if (c === undefined || c.owner !== memberId) throw new NotAssignedError(topic, p);
    const log = this.h.log(topic, p) as PartitionLog;
    checkCount('offset', offset, 0, Number.MAX_SAFE_INTEGER);
    if (offset > log.next) throw new OffsetOutOfRangeError(offset, log.next);
    this.skipTo(g, c, offset);
  }

  committedOf(group: string, topic: string, partition: number): number | undefined {
    return this.groups.get(group)?.cursors.get(cursorId(topic, partition))?.committed;
  }

  /**
   * Time passes: members past their session timeout leave, deliveries past their ack
   * timeout go back to be delivered again. Returns the groups that rebalanced and whether
   * anything became deliverable.
   */
  tick(now: number): { rebalanced: string[]; requeued: number } {
    const rebalanced: string[] = [];
    let requeued = 0;
    for (const g of this.groups.values()) {
      for (const m of [...g.members.values()])
        if (now - m.lastSeen > m.sessionTimeoutMs) {
          this.leave(m.id);
          rebalanced.push(g.name);
        }
      for (const c of g.cursors.values())
        for (const [offset, f] of c.inflight)
          if (f.deadline <= now) {
            this.requeue(g, c, offset);
            requeued += 1;
          }
    }
    return { rebalanced: [...new Set(rebalanced)], requeued };
  }

  private groupOrNew(name: string, mode: GroupMode, assignor: Assignor): Group {
    let g = this.groups.get(name);
    if (g === undefined) {
      g = { name, mode, assignor, generation: 0, members: new Map(), cursors: new Map() };
      this.groups.set(name, g);
    }
    return g;
  }

  private newCursor(topic: string, partition: number, committed: number): Cursor {
    return {
      topic,
      partition,
      committed,
      next: committed,
      acked: new Set(),
      redeliver: [],
      inflight: new Map(),
      attempts: new Map(),
      owner: undefined,
    };
  }

  private ensureCursors(g: Group, topic: string, from: 'earliest' | 'latest'): void {
    const n = this.h.partitionCount(topic) as number;
    for (let p = 0; p < n; p++) {
      if (g.cursors.has(cursorId(topic, p))) continue;
      const log = this.h.log(topic, p) as PartitionLog;
      const start = from === 'earliest' ? log.start : log.next;
      g.cursors.set(cursorId(topic, p), this.newCursor(topic, p, start));
      this.h.storage.set(committedKey(g.name, topic, p), start);
    }
  }

  private groupOf(memberId: string): Group {
    const g = this.memberGroup.get(memberId);
    if (g === undefined) throw new UnknownMemberError(String(memberId).slice(0, 64));
    return g;
  }

  private memberOf(memberId: string): Member {
    return this.groupOf(memberId).members.get(memberId) as Member;
  }

  private cursorsFor(g: Group, m: Member): Cursor[] {
    const out: Cursor[] = [];
    for (const c of g.cursors.values()) {
      if (!m.topics.includes(c.topic)) continue;
      if (g.mode === 'partitioned' && c.owner !== m.id) continue;
      out.push(c);
    }
    return out;
  }

  private heldBy(g: Group, memberId: string, topic: string, p: number, offset: number): Cursor {
    const c = g.cursors.get(cursorId(String(topic), Number(p)));
    if (c === undefined || c.inflight.get(offset)?.member !== memberId)
      throw new StaleDeliveryError(String(topic).slice(0, 200), Number(p), Number(offset));
    return c;
  }

  private rebalance(g: Group): void {
    g.generation += 1;
    if (g.mode === 'shared') {
      for (const c of g.cursors.values()) c.owner = undefined;
      return;
    }
    const partitions = new Map<string, number>();
    for (const m of g.members.values())
      for (const t of m.topics) partitions.set(t, this.h.partitionCount(t) as number);
    const owners = new Map<string, string>();
    for (const [id, tps] of assign(g.assignor, [...g.members.values()], partitions))
      for (const tp of tps) owners.set(cursorId(tp.topic, tp.partition), id);
    for (const [key, c] of g.cursors) {
      const owner = owners.get(key);
      if (owner === c.owner) continue;
      // The partition moves: what the old owner holds is delivered again to the new one.
      for (const offset of [...c.inflight.keys()]) this.requeue(g, c, offset);
      c.owner = owner;
    }
  }

  /** Takes the partition's next deliverable offset for `m`, if any. */
  private takeOne(g: Group, c: Cursor, m: Member, now: number): Delivery | undefined {
    const log = this.h.log(c.topic, c.partition) as PartitionLog;
    if (log.start > c.committed) this.skipTo(g, c, log.start); // Retention overtook it.
    let offset = c.redeliver.shift();
    if (offset === undefined) {
      // Offsets acknowledged before a restart are not delivered again.
      while (c.acked.has(c.next)) c.next += 1;
      if (c.next >= log.next || c.next - c.committed >= this.h.config.maxWindow) return undefined;
      offset = c.next;
      c.next += 1;
    }
    const record = this.h.record(c.topic, c.partition, offset);
    if (record === undefined) return undefined; // Unreachable: skipTo keeps offsets ≥ start.
    const attempt = (c.attempts.get(offset) ?? 0) + 1;
    c.attempts.set(offset, attempt);
    c.inflight.set(offset, { member: m.id, deadline: now + this.h.config.ackTimeoutMs });
    m.inflight += 1;
    return {
      group: g.name,
      topic: c.topic,
      partition: c.partition,
      offset,
      key: record.k,
      value: record.v,
      timestamp: record.t,
      attempt,
    };
  }

  /** Takes `offset` out of flight (its member's credit comes back). */
  private release(g: Group, c: Cursor, offset: number): void {
    const f = c.inflight.get(offset);
    if (f === undefined) return;
    c.inflight.delete(offset);
    const m = g.members.get(f.member);
    if (m !== undefined) m.inflight -= 1;
  }

  private requeue(g: Group, c: Cursor, offset: number): void {
    this.release(g, c, offset);
    insertSorted(c.redeliver, offset);
  }

  /** Moves the committed offset over the acknowledged prefix, durably. */
  private advance(g: Group, c: Cursor): void {
    while (c.acked.has(c.committed)) {
      c.acked.delete(c.committed);
      this.h.storage.delete(ackKey(g.name, c.topic, c.partition, c.committed));
      c.committed += 1;
    }
    if (this.unwritten !== undefined) this.unwritten.set(c, g.name);
    else this.writeCommitted(g.name, c);
  }

  private writeCommitted(group: string, c: Cursor): void {
    this.h.storage.set(committedKey(group, c.topic, c.partition), c.committed);
  }

  /** Everything below `offset` is done (an offset commit, or retention deleted it). */
  private skipTo(g: Group, c: Cursor, offset: number): void {
    if (offset <= c.committed) return;
    for (const o of [...c.inflight.keys()]) if (o < offset) this.release(g, c, o);
    for (const o of [...c.attempts.keys()]) if (o < offset) c.attempts.delete(o);
    for (const o of [...c.acked])
      if (o < offset) {
        c.acked.delete(o);
        this.h.storage.delete(ackKey(g.name, c.topic, c.partition, o));
      }
    c.redeliver = c.redeliver.filter((o) => o >= offset);
    c.committed = offset;
    c.next = Math.max(c.next, offset);
    this.advance(g, c);
  }
}
