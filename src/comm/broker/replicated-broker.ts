// The broker's replicated mode: every partition of every topic is a Raft group
// (replicated-machine.ts) hosted by replicated-groups.ts, beside one metadata group that
// agrees on the topics (replicated-meta.ts). This class is what the gRPC server
// (replicated-server.ts) calls: it validates client input, routes each call to its group and
// turns Raft's answers into the broker's typed errors.
//
// Who serves what. A partition's LEADER serves produce, fetch and offset commits for it; any
// other broker answers NotLeaderError naming the leader it believes in (null during an
// election), and the client (replicated-client.ts) asks that broker next. A produce is
// answered once its entry is committed (a majority has it on disk) and applied on the
// leader; a fetch is a Raft read (ReadIndex: the leader confirms with a majority that it
// still leads, then answers from its applied state), so consumers only ever see committed
// records and never see a committed offset or a record go away after a leader change.
//
// Consumer groups (Kafka's group coordinator, on Raft): membership lives in the metadata
// group (replicated-membership.ts), so its leader is the coordinator: JoinGroup, Heartbeat
// and LeaveGroup are proposals there, and on a tick the leader proposes the expiry of members
// whose deadline it sees passed. A member commits with the generation its assignment came
// from: before proposing the commit to the partition, its leader reads the fence from the
// metadata group (a ReadIndex read, forwarded to the coordinator), which refuses an old
// generation (IllegalGenerationError), a member that left or expired (UnknownMemberError) or
// a partition not assigned to it (NotAssignedError). The partition machine then refuses a
// generation older than one that has committed there, closing the race between the two
// groups (replicated-machine.ts's header).
//
// A publish batch is atomic per partition (one Raft entry), not across partitions: the client
// sends one call per partition. Keyed messages go to crc32c(key) mod partitions, as in
// single-broker mode; keyless ones rotate per broker.
//
// Fault model: a minority of brokers may crash (kill -9) or be cut off at any time; what a
// majority acknowledged survives. A call in flight when its leader dies may or may not have
// been applied (the client's retry can store it twice: at least once). Client input is
// untrusted (typed errors before anything is proposed).

import { crc32c } from '@node-rs/crc32';
import type { Logger } from 'pino';
import type { RaftOptions } from '../../algorithms/consensus/raft/options.js';
import type { NodeId } from '../../core/process.js';
import type { PeerAuth } from '../../runtime/transport/peer-auth.js';
import type { Address } from '../../runtime/transport/peer-link.js';
import type { TopicPartition } from './assign.js';
import {
  type BrokerConfig,
  brokerConfig,
  checkCount,
  checkMessage,
  checkName,
  checkTopicConfig,
  type MessageInput,
  type TopicConfig,
} from './config.js';
import {
  BrokerError,
  BrokerUnavailableError,
  brokerErrorFromCode,
  NotLeaderError,
  UnknownTopicError,
} from './errors.js';
import type { PartitionInfo, Published } from './machine.js';
import { type RaftGroup, RaftGroups } from './replicated-groups.js';
import {
  type PartitionMachine,
  type PartitionOp,
  type PartitionResult,
  partitionMachineDef,
} from './replicated-machine.js';
import { type MetaMachine, metaMachineDef } from './replicated-meta.js';

export interface ReplicatedBrokerOptions {
  readonly id: NodeId;
  readonly cluster: string;
  readonly peers: ReadonlyMap<NodeId, Address>;
  readonly peerAuth: PeerAuth;
  readonly dir: string;
  readonly log: Logger;
  readonly onFatal: (error: Error) => void;
  readonly config?: Partial<BrokerConfig>;
  readonly raft?: Partial<RaftOptions>;
}

export interface FetchedRecord {
  readonly offset: number;
  readonly key: string | null;
  readonly value: Uint8Array;
  readonly timestamp: number;
}

const META = 'meta';
/** How often the topics the metadata group holds are checked against the groups open. */
const RECONCILE_MS = 100;

/** A consumer group member's view of its group after a join or heartbeat. */
export interface GroupView {
  readonly generation: number;
  readonly partitions: readonly TopicPartition[];
  readonly sessionTimeoutMs: number;
}

/** Who commits: a member of a consumer group, with the generation it was assigned in. */
export interface CommitFence {
  readonly member: string;
  readonly generation: number;
}

export const partitionGroupName = (topic: string, partition: number) => `${topic}/${partition}`;

export class ReplicatedBroker {
  private readonly timer: NodeJS.Timeout;
  private rr = 0;
  private reconciling = false;
  private closed = false;
  private expiring = false;
  /** The metadata term this broker leads in, and since when (the expiry grace). */
  private led = { term: -1, sinceMs: 0 };

  private constructor(
    readonly groups: RaftGroups,
    readonly meta: RaftGroup,
    readonly config: BrokerConfig,
    readonly peerPort: number,
    private readonly o: ReplicatedBrokerOptions,
  ) {
    this.timer = setInterval(() => {
      void this.reconcile();
      void this.expire();
    }, RECONCILE_MS);
    this.timer.unref();
  }

  static async open(o: ReplicatedBrokerOptions): Promise<ReplicatedBroker> {
    const config = brokerConfig(o.config);
    const { groups, port } = await RaftGroups.start({ ...o, dir: o.dir });
    try {
      const meta = await groups.open(META, 'meta', metaMachineDef(config));
      const broker = new ReplicatedBroker(groups, meta, config, port, o);
      await broker.reconcile();
      return broker;
    } catch (error) {
      await groups.stop();
      throw error;
    }
  }

  get id(): NodeId {
    return this.o.id;
  }

  async createTopic(name: string, partial: Partial<TopicConfig>): Promise<TopicConfig> {
    checkName('topic', name);
    const config = checkTopicConfig(this.config, {
      partitions: partial.partitions ?? 1,
      retentionBytes: partial.retentionBytes ?? 0,
      retentionMs: partial.retentionMs ?? 0,
    });
    this.lead(this.meta, 'the topic metadata');
    const op = { type: 'create', topic: name, config };
    const r = this.result<{ config: TopicConfig }>(await this.ask(this.meta, op, false));
    await this.reconcile();
    return r.config;
  }

  /** The topic's configuration and this broker's (applied, maybe lagging) view of it. */
  describeTopic(name: string): { config: TopicConfig; partitions: PartitionInfo[] } {
    const config = this.topicConfig(name);
    const partitions = Array.from({ length: config.partitions }, (_, p) => {
      const m = this.group(name, p)?.raft.kv as PartitionMachine | undefined;
      const s = m?.state.log;
      return { partition: p, start: s?.start ?? 0, next: s?.next ?? 0, bytes: s?.bytes ?? 0 };
    });
    return { config, partitions };
  }

  /** Per partition, the leader this broker believes in (null: unknown here). */
  leaders(topic: string): (NodeId | null)[] {
    const config = this.topicConfig(topic);
    return Array.from(
      { length: config.partitions },
      (_, p) => this.group(topic, p)?.leader ?? null,
    );
  }

  /**
   * Appends `messages`, each to its partition (explicit, by key, or rotating); answered once
   * committed and applied. Every partition they go to must be led here (checked first).
   */
  async publish(topic: string, messages: readonly MessageInput[]): Promise<Published[]> {
    const config = this.topicConfig(checkName('topic', topic));
    if (!Array.isArray(messages)) throw new BrokerError('invalid-argument', 'messages: a list');
    checkCount('messages', messages.length, 1, this.config.maxBatchMessages);
    const byPartition = new Map<number, { index: number; m: MessageInput }[]>();
    messages.forEach((m, index) => {
      checkMessage(this.config, m);
      const p = this.partitionFor(config, m);
      byPartition.set(p, [...(byPartition.get(p) ?? []), { index, m }]);
    });
    const targets = [...byPartition].map(([p, ms]) => ({ p, ms, g: this.leadPartition(topic, p) }));
    const out: Published[] = new Array(messages.length);
    await Promise.all(
      targets.map(async ({ p, ms, g }) => {
        const op = {
          type: 'append',
          messages: ms.map(({ m }) => ({ k: m.key ?? null, v: m.value })),
        };
        const r = this.result<{ first: number }>(await this.ask(g, op, false));
        ms.forEach(({ index }, i) => {
          out[index] = { partition: p, offset: r.first + i };
        });
      }),
    );
    return out;
  }

  /** Committed records of one partition from `offset` on (the leader, after a ReadIndex). */
  async fetch(
    topic: string,
    partition: number,
    offset: number,
    limits: { max: number; maxBytes: number },
  ): Promise<{ start: number; next: number; records: FetchedRecord[] }> {
    checkCount('offset', offset, 0, Number.MAX_SAFE_INTEGER);
    const g = this.leadPartition(topic, partition);
    const op: PartitionOp = { type: 'fetch', from: offset, ...limits };
    const r = this.result<{
      start: number;
      next: number;
      records: [number, string | null, Uint8Array, number][];
    }>(await this.ask(g, op, true));
    const records = r.records.map(([o, key, value, timestamp]) => ({
      offset: o,
      key,
      value,
      timestamp,
    }));
    return { start: r.start, next: r.next, records };
  }

  /**
   * Stores the group's committed offset for the partition. With `fence`, a group member's
   * commit: refused unless the member is in the group's current generation and owns the
   * partition (see the header). Without, a manual commit: refused while the group has members
   * (as Kafka does; checked on this broker's applied view of the metadata).
   */
  async commitOffset(
    group: string,
    topic: string,
    partition: number,
    offset: number,
    fence?: CommitFence,
  ) {
    checkName('group', group);
    checkCount('offset', offset, 0, Number.MAX_SAFE_INTEGER);
    const g = this.leadPartition(topic, partition);
    if (fence === undefined) {
      const known = (this.meta.raft.kv as MetaMachine).membership.groups.get(group);
      if (known !== undefined && known.members.size > 0)
        throw new BrokerError('unknown-member', `group '${group}' has members: commit as one`);
      await this.ask(g, { type: 'commit', group, offset }, false).then((r) => this.result(r));
      return;
    }
    checkName('member', fence.member);
    checkCount('generation', fence.generation, 1, Number.MAX_SAFE_INTEGER);
    const query = { type: 'fence', group, topic, partition, ...fence };
    this.result(await this.ask(this.meta, query, true));
    const op = { type: 'commit', group, offset, generation: fence.generation };
    this.result(await this.ask(g, op, false));
  }

  /** Joins (or rejoins) `member` to `group`; the metadata leader only. */
  async joinGroup(
    group: string,
    member: string,
    topics: readonly string[],
    o: { sessionTimeoutMs: number; assignor?: 'range' | 'round-robin' },
  ): Promise<GroupView> {
    checkName('group', group);
    checkName('member', member);
    if (!Array.isArray(topics)) throw new BrokerError('invalid-argument', 'topics: a list');
    checkCount('topics', topics.length, 1, this.config.maxTopics);
    for (const t of topics) this.topicConfig(checkName('topic', t));
    const assignor = o.assignor ?? 'range';
    if (assignor !== 'range' && assignor !== 'round-robin')
      throw new BrokerError('invalid-argument', 'assignor: range or round-robin');
    const sessionTimeoutMs = checkCount(
      'sessionTimeoutMs',
      o.sessionTimeoutMs,
      this.config.minSessionTimeoutMs,
      this.config.maxSessionTimeoutMs,
    );
    const op = { type: 'join', group, member, topics: [...topics], sessionTimeoutMs, assignor };
    return this.groupCall(op);
  }

  /** Renews the member's session; answers its group's current generation and assignment. */
  heartbeat(group: string, member: string): Promise<GroupView> {
    return this.groupCall({ type: 'heartbeat', group: checkName('group', group), member });
  }

  leaveGroup(group: string, member: string): Promise<GroupView> {
    return this.groupCall({ type: 'leave', group: checkName('group', group), member });
  }

  /** The group's committed offset for the partition (-1: none). */
  async committedOffset(group: string, topic: string, partition: number): Promise<number> {
    checkName('group', group);
    const g = this.leadPartition(topic, partition);
    const r = await this.ask(g, { type: 'committed', group }, true);
    return this.result<{ offset: number }>(r).offset;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.timer);
    await this.groups.stop();
  }

  private async groupCall(op: { type: string; group: string; member: string }): Promise<GroupView> {
    checkName('member', op.member);
    this.lead(this.meta, 'the group coordinator (topic metadata)');
    const r = this.result<GroupView & { expired?: number }>(await this.ask(this.meta, op, false));
    if (r.expired !== undefined) return { generation: 0, partitions: [], sessionTimeoutMs: 0 };
    return {
      generation: r.generation,
      partitions: r.partitions,
      sessionTimeoutMs: r.sessionTimeoutMs,
    };
  }

  /**
   * The coordinator's tick: proposes the expiry of members whose deadline passed by this
   * leader's clock — after it has led for their session timeout (they could not heartbeat
   * while no leader was elected). The machine re-checks each deadline at the entry's log time.
   */
  private async expire(): Promise<void> {
    if (this.expiring || this.closed || !this.meta.isLeader) return;
    const term = this.meta.raft.term;
    const now = this.groups.clock();
    if (term !== this.led.term) this.led = { term, sinceMs: now };
    const overdue = (this.meta.raft.kv as MetaMachine).membership.overdue(now, this.led.sinceMs);
    if (overdue.length === 0) return;
    this.expiring = true;
    try {
      for (const { group, members } of overdue)
        await this.ask(this.meta, { type: 'expire', group, members }, false);
    } catch (error) {
      // Lost leadership or a timeout: the next leader's tick proposes it again.
      this.o.log.debug({ error: (error as Error).message }, 'group expiry not committed');
    } finally {
      this.expiring = false;
    }
  }

  private topicConfig(name: string): TopicConfig {
    const c = (this.meta.raft.kv as MetaMachine).topics.get(name);
    if (c === undefined) throw new UnknownTopicError(String(name).slice(0, 200));
    return c;
  }

  private group(topic: string, partition: number): RaftGroup | undefined {
    return this.groups.get(partitionGroupName(topic, partition));
  }

  private partitionFor(config: TopicConfig, m: MessageInput): number {
    if (m.partition !== undefined && m.partition !== null)
      return checkCount('partition', m.partition, 0, config.partitions - 1);
    if (m.key === undefined || m.key === null) return this.rr++ % config.partitions;
    return crc32c(m.key) % config.partitions;
  }

  /** The partition's group if this broker leads it, else NotLeaderError. */
  private leadPartition(topic: string, partition: number): RaftGroup {
    const config = this.topicConfig(checkName('topic', topic));
    checkCount('partition', partition, 0, config.partitions - 1);
    const g = this.group(topic, partition);
    const what = partitionGroupName(topic, partition);
    if (g === undefined) throw new NotLeaderError(what, null); // Opening here still.
    return this.lead(g, what);
  }

  private lead(g: RaftGroup, what: string): RaftGroup {
    if (!g.isLeader) throw new NotLeaderError(what, g.leader);
    return g;
  }

  /** Proposes through the group; Raft's timeouts and a stopped group become retryable errors. */
  private async ask(g: RaftGroup, op: unknown, read: boolean): Promise<unknown> {
    try {
      return await g.propose(op, read);
    } catch (error) {
      throw new BrokerUnavailableError(`${g.name}: ${(error as Error).message}`, { cause: error });
    }
  }

  /** A machine's success value, or its refusal thrown as the typed error. */
  private result<T>(r: unknown): T {
    const x = r as PartitionResult;
    if (!x.ok) throw brokerErrorFromCode(x.code, x.message);
    return x as T;
  }

  /** Opens a partition group for every partition the metadata group holds. */
  private async reconcile(): Promise<void> {
    if (this.reconciling || this.closed) return;
    this.reconciling = true;
    try {
      for (const [topic, c] of (this.meta.raft.kv as MetaMachine).topics)
        for (let p = 0; p < c.partitions; p++)
          if (this.group(topic, p) === undefined)
            await this.groups.open(
              partitionGroupName(topic, p),
              `p-${p}-${topic}`,
              partitionMachineDef(c, this.config),
            );
    } catch (error) {
      if (!this.closed) this.o.onFatal(error as Error); // A disk that cannot open a log.
    } finally {
      this.reconciling = false;
    }
  }
}
