// The broker's network server: gRPC (proto/cohort/broker.proto) on 127.0.0.1 by default.
//
// Why gRPC: @grpc/grpc-js and @grpc/proto-loader are already the coordination server's
// transport (src/server), so nothing new is added; HTTP/2 gives framing, per-stream flow
// control (a slow consumer's stream stops being writable, and the broker stops feeding it —
// the backpressure we need without inventing a protocol), cancellation that tells the broker
// at once when a consumer's connection dies (its leave, and its deliveries go to others),
// deadlines, a message-size limit enforced before anything is decoded, and a schema any
// language can generate a client from. The runtime's own TCP transport is built for
// Process peers (HMAC'd hellos between nodes), not for request/reply and streaming clients.
//
// Fault model: clients are untrusted — every request is validated by the machine (typed
// errors as gRPC statuses, the broker stays up); requests are bounded in size (gRPC refuses
// larger frames) and in number per stream (a stream is paused while 256 of its requests are
// in progress; acks are answered once applied, and each ack releases a delivery the broker
// gave, so what they write is bounded by what was delivered); a consumer whose stream dies
// leaves its group.

import {
  Server,
  ServerCredentials,
  type ServerDuplexStream,
  type ServerUnaryCall,
  type ServiceError,
  type sendUnaryData,
} from '@grpc/grpc-js';
import type { TopicPartition } from './assign.js';
import { Broker, type BrokerOptions, type TopicPartitionOffset } from './broker.js';
import { BrokerError, InvalidArgumentError, NotLeaderError } from './errors.js';
import type { Delivery, GroupMode, JoinInput } from './groups.js';
import type { Outcome } from './halves.js';
import { BrokerMetrics, portOf } from './metrics.js';
import { brokerService } from './proto.js';
import {
  type CreateTopicRequest,
  checkToWire,
  deliveryToWire,
  messageFromWire,
  statusOf,
  topicConfigFromWire,
  type WireMessage,
  type WirePosition,
} from './wire.js';

/** Requests of one stream being processed at once before the stream is paused. */
const MAX_PENDING_PER_STREAM = 256;

export interface BrokerServerOptions extends BrokerOptions {
  readonly host?: string;
  /** 0: a free port. */
  readonly port?: number;
  /** The largest request gRPC accepts (a publish batch), in bytes. */
  readonly maxRequestBytes?: number;
  /** Serve Prometheus metrics at http://127.0.0.1:<port>/metrics (0: a free port); off if unset. */
  readonly metricsPort?: number;
}

export interface BrokerServer {
  readonly broker: Broker;
  readonly port: number;
  /** The metrics endpoint's port, when it was asked for. */
  readonly metricsPort: number | undefined;
  close(): Promise<void>;
}

export function toServiceError(error: unknown): Partial<ServiceError> {
  if (error instanceof NotLeaderError) return statusOf(error.code, error.message, error.leader);
  if (error instanceof BrokerError) return statusOf(error.code, error.message);
  return statusOf('unavailable', error instanceof Error ? error.message : String(error));
}

export function unary<Req, Res>(f: (req: Req) => Promise<Res> | Res) {
  return (call: ServerUnaryCall<Req, Res>, done: sendUnaryData<Res>) => {
    Promise.resolve()
      .then(() => f(call.request))
      .then(
        (res) => done(null, res),
        (error: unknown) => done(toServiceError(error) as ServiceError),
      );
  };
}

const positionOut = (tp: TopicPartition, offset = 0) => ({ ...tp, offset });

function positionsIn(ps: { positions?: WirePosition[] } | undefined): TopicPartitionOffset[] {
  return (ps?.positions ?? []).map((p) => ({
    topic: p.topic,
    partition: p.partition,
    offset: p.offset,
  }));
}

interface ConsumerRequest {
  ref: number;
  request?: 'join' | 'ack' | 'nack' | 'commit' | 'heartbeat';
  join?: {
    group: string;
    topics: string[];
    mode: string;
    assignor: string;
    maxInFlight: number;
    sessionTimeoutMs: number;
    from: string;
  };
  ack?: { positions: WirePosition[] };
  nack?: { positions: WirePosition[] };
  commit?: { generation: number; position?: WirePosition };
}

function joinFromWire(j: NonNullable<ConsumerRequest['join']>): JoinInput {
  return {
    group: j.group,
    topics: j.topics,
    mode: (j.mode || 'partitioned') as GroupMode,
    assignor: (j.assignor || 'range') as JoinInput['assignor'] & string,
    ...(j.maxInFlight > 0 ? { maxInFlight: j.maxInFlight } : {}),
    ...(j.sessionTimeoutMs > 0 ? { sessionTimeoutMs: j.sessionTimeoutMs } : {}),
    from: (j.from || 'earliest') as 'earliest',
  };
}

/** One consumer's stream: its join, acks and commits in; assignments and deliveries out. */
function consume(
  broker: Broker,
  call: ServerDuplexStream<ConsumerRequest, unknown>,
  metrics: BrokerMetrics | undefined,
): void {
  let memberId: string | undefined;
  let writable = true;
  let pending = 0;
  let ended = false;
  let halfClosed = false;
  const sink = {
    writable: () => writable && !ended,
    deliver: (ds: Delivery[]) => {
      writable = call.write({ deliveries: { deliveries: ds.map(deliveryToWire) } });
      metrics?.delivered(ds);
    },
    assignment: (id: string, generation: number, tps: TopicPartition[], sessionMs: number) => {
      const partitions = tps.map((tp) => positionOut(tp));
      call.write({
        assignment: { memberId: id, generation, partitions, sessionTimeoutMs: sessionMs },
      });
    },
  };
  const result = (ref: number, error?: unknown) => {
    if (ended) return;
    const e = error === undefined ? undefined : toServiceError(error);
    const code = error instanceof BrokerError ? error.code : e === undefined ? '' : 'unavailable';
    call.write({ result: { ref, errorCode: code, errorMessage: e?.details ?? '' } });
  };
  const handle = async (req: ConsumerRequest): Promise<void> => {
    if (req.request === 'join') {
      if (memberId !== undefined) throw new InvalidArgumentError('this stream already joined');
      const input = joinFromWire(req.join as NonNullable<ConsumerRequest['join']>);
      const joined = await broker.join(input, sink);
      metrics?.joined(input.group, input.topics);
      memberId = joined.memberId;
      if (ended) await broker.leave(memberId); // The stream died while the join was stored.
      return;
    }
    if (memberId === undefined) throw new InvalidArgumentError('the first request must be a join');
    if (req.request === 'ack') {
      const started = process.hrtime.bigint();
      const positions = positionsIn(req.ack);
      broker.ack(memberId, positions); // Answered once applied (broker.ts: not awaited).
      return metrics?.acked(positions, started);
    }
    if (req.request === 'nack') return broker.nack(memberId, positionsIn(req.nack));
    if (req.request === 'heartbeat') return broker.heartbeat(memberId);
    if (req.request === 'commit') {
      const p = req.commit?.position;
      if (p === undefined || p === null) throw new InvalidArgumentError('commit needs a position');
      return broker.commit(memberId, req.commit?.generation ?? 0, p);
    }
    throw new InvalidArgumentError('empty request');
  };
  call.on('data', (req: ConsumerRequest) => {
    pending += 1;
    if (pending >= MAX_PENDING_PER_STREAM) call.pause();
    handle(req)
      .then(
        () => result(req.ref),
        (error: unknown) => result(req.ref, error),
      )
      .finally(() => {
        pending -= 1;
        if (call.isPaused() && pending < MAX_PENDING_PER_STREAM / 2) call.resume();
        if (halfClosed && pending === 0) finish();
      });
  });
  call.on('drain', () => {
    writable = true;
    if (memberId !== undefined) broker.schedulePump([memberId]);
  });
  const finish = () => {
    if (ended) return;
    ended = true;
    if (memberId !== undefined) void broker.leave(memberId).catch(() => {});
    call.end();
  };
  // The client closed its side: answer what it sent (its last acks), then leave.
  call.on('end', () => {
    halfClosed = true;
    if (pending === 0) finish();
  });
  call.on('cancelled', finish);
  call.on('error', finish);
}

interface PublishStreamRequest {
  ref: number;
  publish?: { topic: string; messages: WireMessage[] };
}

/** A producer's publish stream: batches in (by ref), each answered once durable. */
function publishes(
  broker: Broker,
  call: ServerDuplexStream<PublishStreamRequest, unknown>,
  metrics: BrokerMetrics | undefined,
): void {
  let pending = 0;
  let ended = false;
  let halfClosed = false;
  // Resolves once the answer is handed to the transport (its write callback): a request
  // stays pending until then, so a producer that sends and never reads is paused, not
  // buffered for without bound.
  const answer = (ref: number, out: { positions?: unknown[]; error?: unknown }): Promise<void> => {
    if (ended) return Promise.resolve();
    const e = out.error === undefined ? undefined : toServiceError(out.error);
    const code =
      out.error instanceof BrokerError ? out.error.code : e === undefined ? '' : 'unavailable';
    const positions = out.positions ?? [];
    const reply = { ref, positions, errorCode: code, errorMessage: e?.details ?? '' };
    return new Promise((resolve) => call.write(reply, () => resolve()));
  };
  const finish = () => {
    if (ended) return;
    ended = true;
    call.end();
  };
  call.on('data', (req: PublishStreamRequest) => {
    pending += 1;
    // Bounded work per stream, as for consumers: stop reading until half are answered.
    if (pending >= MAX_PENDING_PER_STREAM) call.pause();
    const started = process.hrtime.bigint();
    const topic = req.publish?.topic ?? '';
    const messages = (req.publish?.messages ?? []).map(messageFromWire);
    broker
      .publish(topic, messages)
      .then(
        (out) => {
          metrics?.published(topic, messages, started);
          return answer(req.ref, { positions: out.map((p) => ({ topic, ...p })) });
        },
        (error: unknown) => answer(req.ref, { error }),
      )
      .finally(() => {
        pending -= 1;
        if (call.isPaused() && pending < MAX_PENDING_PER_STREAM / 2) call.resume();
        if (halfClosed && pending === 0) finish();
      });
  });
  // The producer closed its side: what it sent is still answered, then the stream ends.
  call.on('end', () => {
    halfClosed = true;
    if (pending === 0) finish();
  });
  call.on('cancelled', finish);
  call.on('error', finish);
}

interface CheckAnswer {
  answer?: 'register' | 'resolution';
  register?: string;
  resolution?: { txId: string; outcome: string };
}

/** A producer's check handler: check requests out, resolutions in. */
function checks(broker: Broker, call: ServerDuplexStream<CheckAnswer, unknown>): void {
  let unregister: (() => void) | undefined;
  const finish = () => {
    unregister?.();
    unregister = undefined;
    call.end();
  };
  call.on('data', (a: CheckAnswer) => {
    try {
      if (a.answer === 'register' && unregister === undefined)
        unregister = broker.registerChecker(a.register as string, {
          check: (c) => call.write(checkToWire(c)),
        });
      else if (a.answer === 'resolution' && a.resolution !== undefined) {
        const { txId, outcome } = a.resolution;
        // 'unknown' (the producer cannot tell yet): the next check asks again.
        if (outcome === 'commit' || outcome === 'rollback')
          void broker.endTransaction(txId, outcome as Outcome).catch(() => {});
      }
    } catch (error) {
      // A bad registration: the stream ends with the typed error.
      call.emit('error', toServiceError(error));
      finish();
    }
  });
  call.on('end', finish);
  call.on('cancelled', finish);
  call.on('error', () => finish());
}

export async function startBrokerServer(
  dir: string,
  options: BrokerServerOptions = {},
): Promise<BrokerServer> {
  const broker = await Broker.open(dir, options);
  const maxBytes = options.maxRequestBytes ?? 16 * 1024 * 1024 + 64 * 1024;
  const server = new Server({
    'grpc.max_receive_message_length': maxBytes,
    'grpc.max_send_message_length': -1,
  });
  const metrics = options.metricsPort === undefined ? undefined : new BrokerMetrics(broker, server);
  server.addService(brokerService().service, {
    CreateTopic: unary(async (r: CreateTopicRequest) => {
      await broker.createTopic(r.topic, topicConfigFromWire(r));
      return topicInfo(broker, r.topic);
    }),
    DescribeTopic: unary((r: { topic: string }) => topicInfo(broker, r.topic)),
    Publish: unary(async (r: { topic: string; messages: WireMessage[] }) => {
      const started = process.hrtime.bigint();
      const messages = r.messages.map(messageFromWire);
      const out = await broker.publish(r.topic, messages);
      metrics?.published(r.topic, messages, started);
      return { positions: out.map((p) => ({ topic: r.topic, ...p })) };
    }),
    Prepare: unary(async (r: { producerGroup: string; topic: string; message: WireMessage }) => ({
      txId: await broker.prepare(r.producerGroup, r.topic, messageFromWire(r.message)),
    })),
    EndTransaction: unary(async (r: { txId: string; outcome: string }) => {
      const out = await broker.endTransaction(r.txId, r.outcome as Outcome);
      const at =
        out.partition === undefined ? undefined : { partition: out.partition, offset: out.offset };
      return { outcome: out.outcome, hasPosition: at !== undefined, position: at };
    }),
    // Durable offsets: acks are answered before their fsync (broker.ts), this waits for it.
    GroupOffsets: unary(async (r: { group: string; topic: string }) => ({
      committed: (await broker.committedDurable(r.group, r.topic)).map((c) => c ?? -1),
    })),
    PublishStream: (call: ServerDuplexStream<PublishStreamRequest, unknown>) =>
      publishes(broker, call, metrics),
    Consume: (call: ServerDuplexStream<ConsumerRequest, unknown>) => consume(broker, call, metrics),
    Checks: (call: ServerDuplexStream<CheckAnswer, unknown>) => checks(broker, call),
  });
  const host = options.host ?? '127.0.0.1';
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host}:${options.port ?? 0}`, ServerCredentials.createInsecure(), (e, p) =>
      e === null ? resolve(p) : reject(e),
    ),
  );
  const http =
    metrics === undefined
      ? undefined
      : await metrics.listen(options.metricsPort as number).catch(async (error: unknown) => {
          server.forceShutdown();
          await broker.close();
          throw error;
        });
  return {
    broker,
    port,
    metricsPort: http === undefined ? undefined : portOf(http),
    close: async () => {
      http?.closeAllConnections();
      http?.close();
      server.forceShutdown();
      await broker.close();
    },
  };
}

function topicInfo(broker: Broker, topic: string) {
  const { config, partitions } = broker.describeTopic(topic);
  return { topic, ...config, partitionInfo: partitions };
}
