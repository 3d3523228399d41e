// The broker's client: producers (publish, transactional prepare/commit/rollback and a check
// handler), consumers (a group member that receives deliveries and acknowledges them), and a
// plain FIFO queue on top (one shared group: competing consumers). Talks gRPC to `cohort
// broker` (proto/cohort/broker.proto). Typed errors come back as the same BrokerError codes
// the broker threw (errors.ts).
//
//   const client = new BrokerClient('127.0.0.1:7070');
//   await client.createTopic('orders', { partitions: 3 });
//   await client.publish('orders', [{ key: 'o-1', value: Buffer.from('paid') }]);
//   const consumer = client.subscribe({ group: 'billing', topics: ['orders'] });
//   for await (const m of consumer) { handle(m.value); await m.ack(); }
//
// Fault model: the broker may restart or be unreachable. Unary calls reject with
// BrokerUnavailableError (retryable: a publish retried after a lost reply may store the
// messages twice — at-least-once). A consumer or check handler whose stream breaks joins
// again with backoff (a new member: deliveries held by the old one are delivered again, so
// their acks are refused and need not be retried). Memory is bounded: the broker never sends
// a consumer more than its maxInFlight unacknowledged deliveries.

import { type ClientDuplexStream, credentials, type ServiceError } from '@grpc/grpc-js';
import type { Assignor, TopicPartition } from './assign.js';
import type { MessageInput, TopicConfig } from './config.js';
import {
  BrokerError,
  BrokerUnavailableError,
  brokerErrorFromCode,
  NotLeaderError,
} from './errors.js';
import type { GroupMode } from './groups.js';
import type { Outcome } from './halves.js';
import type { PartitionInfo, Published } from './machine.js';
import { brokerService } from './proto.js';
import type { BrokerMetadata, FetchResult } from './replicated-types.js';
import { ERROR_CODE_KEY, LEADER_KEY, messageToWire } from './wire.js';

export interface Message {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly key: string | null;
  readonly value: Buffer;
  readonly timestamp: number;
  /** 1 on the first delivery; more when it was delivered before without an ack. */
  readonly attempt: number;
  /** Done with it: it will not be delivered to this group again. */
  ack(): Promise<void>;
  /** Not done: deliver it again (to any member that may take it). */
  nack(): Promise<void>;
}

export interface SubscribeOptions {
  readonly group: string;
  readonly topics: readonly string[];
  readonly mode?: GroupMode;
  readonly assignor?: Assignor;
  readonly maxInFlight?: number;
  readonly sessionTimeoutMs?: number;
  readonly from?: 'earliest' | 'latest';
  /** Join again after the stream breaks (default true). */
  readonly reconnect?: boolean;
}

export interface CheckInfo {
  readonly txId: string;
  readonly topic: string;
  readonly key: string | null;
  readonly value: Buffer;
  readonly preparedAt: number;
  readonly attempt: number;
}

export type CheckAnswer = Outcome | 'unknown';

type Call = (req: unknown, cb: (e: ServiceError | null, res: unknown) => void) => void;

const RECONNECT_MS_MIN = 50;
const FLOW_CONTROL_WINDOW_BYTES = 8 * 1024 * 1024;
const RECONNECT_MS_MAX = 2000;

export function errorFromGrpc(e: ServiceError): BrokerError {
  const code = e.metadata?.get(ERROR_CODE_KEY)[0];
  if (code === 'not-leader') {
    const hint = Number(e.metadata?.get(LEADER_KEY)[0] ?? Number.NaN);
    const leader = Number.isSafeInteger(hint) && hint >= 1 ? hint : null;
    return new NotLeaderError(e.details.replace(/^not the leader of (\S+);.*$/, '$1'), leader);
  }
  if (typeof code === 'string') return brokerErrorFromCode(code, e.details);
  return new BrokerUnavailableError(`broker unreachable: ${e.details || e.message}`, { cause: e });
}

const toBytes = (v: Uint8Array | string) => (typeof v === 'string' ? Buffer.from(v) : v);

export class BrokerClient {
  /** The gRPC client (a @grpc/grpc-js Client built from broker.proto). */
  readonly grpc: Record<string, unknown> & { close(): void };

  constructor(readonly address: string) {
    const Service = brokerService();
    this.grpc = new Service(address, credentials.createInsecure(), {
      'grpc.max_receive_message_length': -1,
      'grpc.max_send_message_length': -1,
      // HTTP/2's default 64 KiB window lets the broker send 16 deliveries of 4 KiB before it
      // waits a round trip for our WINDOW_UPDATE; a consumer's deliveries are bounded by its
      // maxInFlight anyway, so the window only has to hold them.
      'grpc-node.flow_control_window': FLOW_CONTROL_WINDOW_BYTES,
    }) as unknown as BrokerClient['grpc'];
  }

  async createTopic(topic: string, config: Partial<TopicConfig> = {}): Promise<TopicConfig> {
    const r = (await this.call('CreateTopic', {
      topic,
      partitions: config.partitions ?? 1,
      retentionBytes: config.retentionBytes ?? 0,
      retentionMs: config.retentionMs ?? 0,
    })) as TopicConfig;
    return {
      partitions: r.partitions,
      retentionBytes: r.retentionBytes,
      retentionMs: r.retentionMs,
    };
  }

  async describeTopic(topic: string): Promise<TopicConfig & { partitionInfo: PartitionInfo[] }> {
    return (await this.call('DescribeTopic', { topic })) as TopicConfig & {
      partitionInfo: PartitionInfo[];
    };
  }

  /** Resolves once every message is durable on the broker (all or none). */
  async publish(
    topic: string,
    messages: readonly (Omit<MessageInput, 'value'> & { value: Uint8Array | string })[],
  ): Promise<Published[]> {
    const wire = messages.map((m) => messageToWire({ ...m, value: toBytes(m.value) }));
    const r = (await this.call('Publish', { topic, messages: wire })) as { positions: Published[] };
    return r.positions.map((p) => ({ partition: p.partition, offset: p.offset }));
  }

  /** Stores a half message: durable, not delivered until `commit(txId)`. */
  async prepare(
    producerGroup: string,
    topic: string,
    message: Omit<MessageInput, 'value'> & { value: Uint8Array | string },
  ): Promise<string> {
    const wire = messageToWire({ ...message, value: toBytes(message.value) });
    const r = (await this.call('Prepare', { producerGroup, topic, message: wire })) as {
      txId: string;
    };
    return r.txId;
  }

  /** Ends a transaction; resolves with what happened to it (a repeat gets the first answer). */
  async endTransaction(txId: string, outcome: Outcome): Promise<Outcome> {
    const r = (await this.call('EndTransaction', { txId, outcome })) as { outcome: Outcome };
    return r.outcome;
  }

  commit(txId: string): Promise<Outcome> {
    return this.endTransaction(txId, 'commit');
  }

  rollback(txId: string): Promise<Outcome> {
    return this.endTransaction(txId, 'rollback');
  }

  /** Per partition, the group's committed offset (undefined: none). */
  async groupOffsets(group: string, topic: string): Promise<(number | undefined)[]> {
    const r = (await this.call('GroupOffsets', { group, topic })) as { committed: number[] };
    return r.committed.map((c) => (c < 0 ? undefined : c));
  }

  /**
   * Replicated mode: committed records of one partition from `offset` on. Only the
   * partition's leader answers (else NotLeaderError; replicated-client.ts routes for you).
   */
  async fetch(
    topic: string,
    partition: number,
    offset: number,
    limits: { maxMessages?: number; maxBytes?: number } = {},
  ): Promise<FetchResult> {
    const r = (await this.call('Fetch', {
      topic,
      partition,
      offset,
      maxMessages: limits.maxMessages ?? 0,
      maxBytes: limits.maxBytes ?? 0,
    })) as { start: number; next: number; records: WireDelivery[] };
    const records = r.records.map((d) => ({
      offset: d.offset,
      key: d.hasKey ? d.key : null,
      value: d.value,
      timestamp: d.timestamp,
    }));
    return { start: r.start, next: r.next, records };
  }

  /** Replicated mode: stores the group's committed offset for the partition (its leader). */
  async commitOffset(group: string, topic: string, partition: number, offset: number) {
    await this.call('CommitOffset', { group, topic, partition, offset });
  }

  /** Replicated mode: the group's committed offset for the partition (undefined: none). */
  async committedOffset(group: string, topic: string, partition: number) {
    const r = (await this.call('CommittedOffset', { group, topic, partition })) as {
      offset: number;
    };
    return r.offset < 0 ? undefined : r.offset;
  }

  /** Replicated mode: this broker's id and who it believes leads the metadata and `topic`. */
  async metadata(topic = ''): Promise<BrokerMetadata> {
    const r = (await this.call('Metadata', { topic })) as {
      brokerId: number;
      metaLeader: number;
      leaders: { partition: number; leader: number }[];
    };
    const orNull = (id: number) => (id === 0 ? null : id);
    return {
      brokerId: r.brokerId,
      metaLeader: orNull(r.metaLeader),
      leaders: r.leaders.map((l) => orNull(l.leader)),
    };
  }

  subscribe(options: SubscribeOptions): Consumer {
    return new Consumer(this, options);
  }

  /**
   * Answers the broker's check-backs for half messages of `producerGroup` whose outcome never
   * arrived (this process or another of the group prepared them). Stays registered across
   * broker restarts until `close()`.
   */
  onCheck(
    producerGroup: string,
    handler: (c: CheckInfo) => Promise<CheckAnswer>,
  ): { close(): void } {
    return new CheckHandler(this, producerGroup, handler);
  }

  /** A FIFO queue: a one-partition topic read by one shared group (competing consumers). */
  queue(name: string) {
    return {
      create: () => this.createTopic(name, { partitions: 1 }),
      send: async (value: Uint8Array | string) => (await this.publish(name, [{ value }]))[0],
      consume: (o: { maxInFlight?: number; sessionTimeoutMs?: number } = {}) =>
        this.subscribe({ group: name, topics: [name], mode: 'shared', ...o }),
    };
  }

  close(): void {
    this.grpc.close();
  }

  /** @internal */
  call(method: string, req: unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      (this.grpc[method] as Call).call(this.grpc, req, (e, res) =>
        e === null ? resolve(res) : reject(errorFromGrpc(e)),
      );
    });
  }

  /** @internal */
  stream(method: 'Consume' | 'Checks'): ClientDuplexStream<unknown, unknown> {
    return (this.grpc[method] as () => ClientDuplexStream<unknown, unknown>).call(this.grpc);
  }
}

interface WireDelivery {
  topic: string;
  partition: number;
  offset: number;
  hasKey: boolean;
  key: string;
  value: Buffer;
  timestamp: number;
  attempt: number;
}

/** One session of a consumer: a stream and the member it joined as. */
interface Session {
  readonly stream: ClientDuplexStream<unknown, unknown>;
  readonly results: Map<number, { resolve(): void; reject(e: unknown): void }>;
  ended: boolean;
}

interface PendingAck {
  readonly session: Session;
  readonly position: TopicPartition & { offset: number };
  resolve(): void;
  reject(e: unknown): void;
}

export class Consumer implements AsyncIterable<Message> {
  memberId: string | undefined;
  generation = 0;
  assignment: TopicPartition[] = [];
  /** Called after every (re)join and rebalance. */
  onAssignment: ((partitions: TopicPartition[], generation: number) => void) | undefined;
  private session: Session | undefined;
  private ref = 0;
  private readonly buffered: Message[] = [];
  private waiter: ((m: Message | undefined) => void) | undefined;
  private closed = false;
  private heartbeat: NodeJS.Timeout | undefined;
  private readonly joined: { promise: Promise<void>; resolve: () => void };
  private backoffMs = RECONNECT_MS_MIN;

  constructor(
    private readonly client: BrokerClient,
    private readonly o: SubscribeOptions,
  ) {
    let resolve = () => {};
    this.joined = { promise: new Promise<void>((r) => (resolve = r)), resolve };
    this.connect();
  }

  /** Resolves once the consumer joined its group (the first time). */
  ready(): Promise<void> {
    return this.joined.promise;
  }

  /** The next delivery; undefined once closed. */
  next(): Promise<Message | undefined> {
    const m = this.buffered.shift();
    if (m !== undefined || this.closed) return Promise.resolve(m);
    return new Promise((resolve) => {
      this.waiter = resolve;
    });
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Message> {
    for (;;) {
      const m = await this.next();
      if (m === undefined) return;
      yield m;
    }
  }

  /** Kafka's offset commit (partitioned groups): everything below `offset` is done. */
  commitOffset(topic: string, partition: number, offset: number): Promise<void> {
    const position = { topic, partition, offset };
    return this.request({ commit: { generation: this.generation, position } });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.heartbeat);
    this.session?.stream.end();
    this.waiter?.(undefined);
    this.waiter = undefined;
  }

  private connect(): void {
    const stream = this.client.stream('Consume');
    const s: Session = { stream, results: new Map(), ended: false };
    this.session = s;
    stream.on('data', (ev: Record<string, unknown>) => this.onEvent(s, ev));
    const broken = (error?: unknown) => this.onBroken(s, error);
    stream.on('error', broken);
    stream.on('end', () => broken());
    const o = this.o;
    const join = {
      group: o.group,
      topics: o.topics,
      mode: o.mode ?? '',
      assignor: o.assignor ?? '',
      maxInFlight: o.maxInFlight ?? 0,
      sessionTimeoutMs: o.sessionTimeoutMs ?? 0,
      from: o.from ?? '',
    };
    this.request({ join }, s).then(
      () => {
        this.backoffMs = RECONNECT_MS_MIN;
        this.joined.resolve();
      },
      (error: unknown) => {
        // A refused join (bad options) is final: surface it by ending the iteration.
        if (error instanceof BrokerError && error.code !== 'unavailable') {
          this.joinError = error;
          this.close();
        }
      },
    );
    this.heartbeatEvery(o.sessionTimeoutMs ?? 10_000);
  }

  /** Heartbeats three times per session timeout (the broker's, once it told us). */
  private heartbeatEvery(sessionTimeoutMs: number): void {
    const every = Math.max(20, Math.floor(sessionTimeoutMs / 3));
    if (every === this.heartbeatMs && this.heartbeat !== undefined) return;
    this.heartbeatMs = every;
    clearInterval(this.heartbeat);
    this.heartbeat = setInterval(() => {
      if (this.memberId !== undefined) void this.request({ heartbeat: {} }).catch(() => {});
    }, every);
    this.heartbeat.unref();
  }

  private heartbeatMs = 0;

  /** Why the consumer could not join (it is closed then). */
  joinError: BrokerError | undefined;

  private onEvent(s: Session, ev: Record<string, unknown>): void {
    if (s !== this.session) return;
    if (ev.event === 'assignment') {
      const a = ev.assignment as {
        memberId: string;
        generation: number;
        partitions: TopicPartition[];
        sessionTimeoutMs: number;
      };
      if (a.sessionTimeoutMs > 0) this.heartbeatEvery(a.sessionTimeoutMs);
      this.memberId = a.memberId;
      this.generation = a.generation;
      this.assignment = a.partitions.map((p) => ({ topic: p.topic, partition: p.partition }));
      this.onAssignment?.(this.assignment, this.generation);
    } else if (ev.event === 'deliveries') {
      const ds = (ev.deliveries as { deliveries: WireDelivery[] }).deliveries;
      for (const d of ds) this.push(this.message(s, d));
    } else if (ev.event === 'result') {
      const r = ev.result as { ref: number; errorCode: string; errorMessage: string };
      const waiting = s.results.get(r.ref);
      s.results.delete(r.ref);
      if (r.errorCode === '') waiting?.resolve();
      else waiting?.reject(brokerErrorFromCode(r.errorCode, r.errorMessage));
    }
  }

  private message(s: Session, d: WireDelivery): Message {
    const position = { topic: d.topic, partition: d.partition, offset: d.offset };
    return {
      ...position,
      key: d.hasKey ? d.key : null,
      value: d.value,
      timestamp: d.timestamp,
      attempt: d.attempt,
      ack: () => this.ackSoon(s, position),
      nack: () => this.request({ nack: { positions: [position] } }, s),
    };
  }

  /**
   * Acks issued in the same tick leave as one request (one stream message and one result
   * instead of one each: the consumer's cost per message). When the broker refuses the
   * batch (a stale delivery among them), each is sent again alone so that only that one fails.
   */
  private ackSoon(s: Session, position: TopicPartition & { offset: number }): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const first = this.acks.length === 0;
      this.acks.push({ session: s, position, resolve, reject });
      if (first) setImmediate(() => this.flushAcks());
    });
  }

  private flushAcks(): void {
    const batch = this.acks.splice(0);
    const one = (a: PendingAck) => this.request({ ack: { positions: [a.position] } }, a.session);
    const s = (batch[0] as PendingAck).session;
    // Alone, or across a rejoin (each session's acks must go to its own stream).
    if (batch.length === 1 || batch.some((a) => a.session !== s)) {
      for (const a of batch) one(a).then(a.resolve, a.reject);
      return;
    }
    this.request({ ack: { positions: batch.map((a) => a.position) } }, s).then(
      () => {
        for (const a of batch) a.resolve();
      },
      () => {
        for (const a of batch) one(a).then(a.resolve, a.reject);
      },
    );
  }

  private readonly acks: PendingAck[] = [];

  private push(m: Message): void {
    const w = this.waiter;
    this.waiter = undefined;
    if (w !== undefined) w(m);
    else this.buffered.push(m);
  }

  private request(body: Record<string, unknown>, s = this.session): Promise<void> {
    if (s === undefined || s.ended || this.closed)
      return Promise.reject(new BrokerUnavailableError('consumer is not connected'));
    this.ref += 1;
    const ref = this.ref;
    return new Promise<void>((resolve, reject) => {
      s.results.set(ref, { resolve, reject });
      s.stream.write({ ref, ...body });
    });
  }

  private onBroken(s: Session, error?: unknown): void {
    if (s.ended) return;
    s.ended = true;
    const why = new BrokerUnavailableError('consumer stream ended', { cause: error });
    for (const w of s.results.values()) w.reject(why);
    s.results.clear();
    if (s !== this.session) return;
    // What the old member held goes to others (or to this consumer as a new member).
    this.buffered.length = 0;
    this.memberId = undefined;
    if (this.closed || this.o.reconnect === false) return this.close();
    const wait = this.backoffMs;
    this.backoffMs = Math.min(RECONNECT_MS_MAX, this.backoffMs * 2);
    setTimeout(() => {
      if (!this.closed) this.connect();
    }, wait).unref();
  }
}

class CheckHandler {
  private stream: ClientDuplexStream<unknown, unknown> | undefined;
  private closed = false;
  private backoffMs = RECONNECT_MS_MIN;

  constructor(
    private readonly client: BrokerClient,
    private readonly group: string,
    private readonly handler: (c: CheckInfo) => Promise<CheckAnswer>,
  ) {
    this.connect();
  }

  close(): void {
    this.closed = true;
    this.stream?.end();
    this.stream?.cancel();
  }

  private connect(): void {
    const stream = this.client.stream('Checks');
    this.stream = stream;
    let ended = false;
    stream.on('data', (c: WireDelivery & { txId: string; preparedAt: number }) => {
      this.backoffMs = RECONNECT_MS_MIN;
      const info: CheckInfo = {
        txId: c.txId,
        topic: c.topic,
        key: c.hasKey ? c.key : null,
        value: c.value,
        preparedAt: c.preparedAt,
        attempt: c.attempt,
      };
      this.handler(info).then(
        (outcome) => {
          if (!ended) stream.write({ resolution: { txId: c.txId, outcome } });
        },
        () => {}, // The handler failed: the broker asks again later.
      );
    });
    const broken = () => {
      if (ended) return;
      ended = true;
      if (this.closed) return;
      const wait = this.backoffMs;
      this.backoffMs = Math.min(RECONNECT_MS_MAX, this.backoffMs * 2);
      setTimeout(() => {
        if (!this.closed) this.connect();
      }, wait).unref();
    };
    stream.on('error', broken);
    stream.on('end', broken);
    stream.write({ register: this.group });
  }
}
