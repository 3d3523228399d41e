// The broker's Prometheus metrics (prom-client, as the coordination server's src/server/http.ts
// does) and the loopback HTTP endpoint that serves them (`cohort broker --metrics-port`).
// Counters per topic for messages produced, consumed (every delivery), redelivered (attempt > 1)
// and acknowledged, and the bytes produced and consumed; WAL fsyncs; produce and ack latency
// (request in → durable answer out); consumer lag per group and partition (the partition's
// next offset minus the group's committed offset); open client connections (gRPC's channelz
// count of HTTP/2 sessions); and the process's default metrics.
//
// Fault model: anyone who reaches the port may read; nothing here changes state, request
// bodies are never read, and the server listens on 127.0.0.1 only. Label values are topic and
// group names the broker has already validated and holds; a topic's series appear only after
// the broker accepted something for it, so clients cannot grow the label space with names the
// broker refused. Groups are remembered from joins (a group that only existed before a
// restart has no lag series until one of its members joins again).

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { getChannelzHandlers, type Server } from '@grpc/grpc-js';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Broker, TopicPartitionOffset } from './broker.js';
import type { Delivery } from './groups.js';

/** Seconds: fsync-bound calls take from tens of microseconds to a slow disk's seconds. */
const LATENCY_BUCKETS = [0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5, 1, 5];

export class BrokerMetrics {
  readonly registry = new Registry();
  /** group → the topics its members read. */
  private readonly groups = new Map<string, Set<string>>();
  private readonly produced: Counter<'topic'>;
  private readonly producedBytes: Counter<'topic'>;
  private readonly consumed: Counter<'topic'>;
  private readonly consumedBytes: Counter<'topic'>;
  private readonly redelivered: Counter<'topic'>;
  private readonly acknowledged: Counter<'topic'>;
  private readonly produceSeconds: Histogram;
  private readonly ackSeconds: Histogram;

  constructor(broker: Broker, server: Server) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry });
    const perTopic = (name: string, help: string) =>
      new Counter({ name, help, labelNames: ['topic'] as const, registers });
    this.produced = perTopic('cohort_broker_messages_produced_total', 'Messages published.');
    this.producedBytes = perTopic('cohort_broker_bytes_produced_total', 'Value bytes published.');
    this.consumed = perTopic(
      'cohort_broker_messages_consumed_total',
      'Messages delivered to consumers (redeliveries included).',
    );
    this.consumedBytes = perTopic(
      'cohort_broker_bytes_consumed_total',
      'Value bytes delivered to consumers.',
    );
    this.redelivered = perTopic(
      'cohort_broker_messages_redelivered_total',
      'Deliveries of a message delivered before (ack timeout, nack, a consumer gone).',
    );
    this.acknowledged = perTopic(
      'cohort_broker_messages_acknowledged_total',
      'Messages acknowledged by consumers (durably).',
    );
    const latency = (name: string, help: string) =>
      new Histogram({ name, help, buckets: LATENCY_BUCKETS, registers });
    this.produceSeconds = latency(
      'cohort_broker_produce_latency_seconds',
      'From a publish request to its durable answer.',
    );
    this.ackSeconds = latency(
      'cohort_broker_ack_latency_seconds',
      'From an acknowledgement request to its durable answer.',
    );
    new Counter({
      name: 'cohort_broker_fsyncs_total',
      help: 'Write-ahead log fsyncs (group commit: many requests share one).',
      registers,
      collect() {
        this.reset();
        this.inc(broker.fsyncs);
      },
    });
    const groups = this.groups;
    new Gauge({
      name: 'cohort_broker_consumer_lag',
      help: "Messages in a partition past its group's committed offset.",
      labelNames: ['group', 'topic', 'partition'] as const,
      registers,
      collect() {
        this.reset();
        for (const [group, topics] of groups)
          for (const topic of topics)
            for (const { lag, ...labels } of lagOf(broker, group, topic)) this.set(labels, lag);
      },
    });
    new Gauge({
      name: 'cohort_broker_open_connections',
      help: 'Client connections (HTTP/2 sessions) open to the gRPC server.',
      registers,
      async collect() {
        this.set(await openConnections(server));
      },
    });
  }

  published(topic: string, values: readonly { value: Uint8Array }[], startedNs: bigint): void {
    this.produceSeconds.observe(secondsSince(startedNs));
    this.produced.inc({ topic }, values.length);
    let bytes = 0;
    for (const m of values) bytes += m.value.length;
    this.producedBytes.inc({ topic }, bytes);
  }

  delivered(ds: readonly Delivery[]): void {
    for (const d of ds) {
      const topic = d.topic;
      this.consumed.inc({ topic });
      this.consumedBytes.inc({ topic }, d.value.length);
      if (d.attempt > 1) this.redelivered.inc({ topic });
    }
  }

  /** An ack request answered: all its positions were acknowledged (a refused one: none). */
  acked(positions: readonly TopicPartitionOffset[], startedNs: bigint): void {
    this.ackSeconds.observe(secondsSince(startedNs));
    for (const p of positions) this.acknowledged.inc({ topic: p.topic });
  }

  /** A member of `group` joined, reading `topics`: its lag is exported from now on. */
  joined(group: string, topics: readonly string[]): void {
    const known = this.groups.get(group) ?? new Set<string>();
    for (const t of topics) known.add(t);
    this.groups.set(group, known);
  }

  /** Serves GET /metrics on 127.0.0.1:`port` (0: a free port); resolves with the server. */
  async listen(port: number): Promise<http.Server> {
    const server = http.createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://metrics').pathname;
      if (req.method !== 'GET' && req.method !== 'HEAD')
        return reply(res, 405, 'Method Not Allowed');
      if (path !== '/metrics') return reply(res, 404, 'Not Found');
      this.registry.metrics().then(
        (text) => {
          res.writeHead(200, { 'content-type': this.registry.contentType });
          res.end(text);
        },
        () => reply(res, 500, 'metrics failed'),
      );
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve();
      });
    });
    return server;
  }
}

/** The port a listening server got. */
export function portOf(server: http.Server): number {
  return (server.address() as AddressInfo).port;
}

function reply(res: http.ServerResponse, code: number, text: string): void {
  res.writeHead(code, { 'content-type': 'text/plain' });
  res.end(`${text}\n`);
}

function secondsSince(startedNs: bigint): number {
  return Number(process.hrtime.bigint() - startedNs) / 1e9;
}

function lagOf(broker: Broker, group: string, topic: string) {
  let partitions: ReturnType<Broker['describeTopic']>['partitions'];
  let committed: (number | undefined)[];
  try {
    partitions = broker.describeTopic(topic).partitions;
    committed = broker.committed(group, topic);
  } catch {
    return []; // The topic is gone (or was never created): no series.
  }
  return partitions.map((p, i) => ({
    group,
    topic,
    partition: String(p.partition),
    // No commit yet: everything still retained is unconsumed.
    lag: Math.max(0, p.next - (committed[i] ?? p.start)),
  }));
}

/** HTTP/2 sessions open on `server`, from grpc-js's channelz (on unless disabled). */
function openConnections(server: Server): Promise<number> {
  const handlers = getChannelzHandlers();
  const request = {
    server_id: String(server.getChannelzRef().id),
    start_socket_id: '0',
    max_results: '1000000',
  };
  return new Promise((resolve) => {
    // The handler is a plain function over a call's request: called directly, no channelz
    // service is exposed to clients.
    handlers.GetServerSockets({ request } as never, (error, response) =>
      resolve(error === null ? (response?.socket_ref?.length ?? 0) : 0),
    );
  });
}
