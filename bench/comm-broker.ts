// The `broker` workload of `cohort bench comm`: durable messages per second through Cohort's
// broker, RabbitMQ and NATS JetStream (comm-servers.ts), all through the same MessageBroker
// API, at each message size and producer concurrency:
// - produce: `concurrency` producers each publish one message at a time for `durationMs`,
//   awaiting its acknowledgement (durable: see comm-servers.ts) before the next; one
//   connection per system, as a client process would have. Latency is publish → ack.
// - consume: one member of a group subscribed before the produce run (so RabbitMQ keeps the
//   messages) reads every message the run produced, acking each (acks not awaited one by one;
//   the run ends when every ack has resolved). Prefetch CONSUME_PREFETCH. A run that produced
//   fewer than CONSUME_BACKLOG_PER_SECOND × the run's seconds (one producer) is first topped
//   up to that many, untimed, so that every system consumes the same backlog: a short read is
//   mostly ramp-up, so a faster producer's longer backlog would make its consume look faster.
// Every server runs for the whole benchmark (one at a time is busy). Each (size, concurrency)
// has one untimed warm-up per system, then `repeats` rounds that each time every system in
// turn (order rotated per round, so outside load on the shared machine falls on all alike);
// a system's row is its median run (by messages per second, produce and consume apart), on
// fresh topics. The server's CPU time and RSS are read from /proc around each run.
//
// Fault model: a failed publish counts as an error (the row says how many) and the run goes
// on; a consume that does not finish within its deadline fails the benchmark (a broker that
// loses acknowledged messages must not produce a figure).

import { randomBytes } from 'node:crypto';
import type { BrokerSystem, MessageBroker } from '../src/comm/broker/adapter.js';
import { newRound } from '../src/core/round.js';
import { within } from '../src/runtime/testing/wait.js';
import {
  BROKER_SYSTEMS,
  type BrokerServer,
  type ServerSample,
  sampleServer,
  startBrokerServer,
} from './comm-servers.js';
import { percentile } from './metrics.js';

export const BROKER_SIZES = [100, 4096] as const;
const CONSUME_PREFETCH = 256;
/** The fewest messages a consume run reads, per second of --duration (topped up when the
 *  produce run made fewer). */
const CONSUME_BACKLOG_PER_SECOND = 10_000;
/** Publishers of the untimed top-up. */
const TOP_UP_CONCURRENCY = 64;
const PARTITIONS = 1;
const KEYS = 64;
const WARM_UP_MS = 500;
const CONSUME_DEADLINE_MS = 300_000;

export interface BrokerBenchOptions {
  readonly cohortArgv: readonly string[];
  readonly systems?: readonly BrokerSystem[];
  readonly sizes?: readonly number[];
  readonly concurrency?: readonly number[];
  readonly durationMs: number;
  readonly repeats: number;
  readonly cpuProfileDir?: string;
  readonly onProgress: (text: string) => void;
}

export interface PhaseRun {
  readonly messages: number;
  readonly messagesPerSecond: number;
  /** Produce: publish → ack latency; consume: undefined (see the header). */
  readonly p50Ms?: number;
  readonly p99Ms?: number;
  readonly errors: number;
  /** Server CPU time per second of the run (1000: one core busy). */
  readonly serverCpuMsPerSecond: number;
  /** Server CPU time per message, in microseconds. */
  readonly serverCpuMicrosPerMessage: number;
  /** The server's RSS at the end of the run. */
  readonly serverRssMegabytes: number;
}

export interface BrokerBenchRow {
  readonly system: BrokerSystem;
  readonly messageBytes: number;
  readonly concurrency: number;
  /** The median runs. */
  readonly produce: PhaseRun;
  readonly consume: PhaseRun;
  readonly runs: readonly { readonly produce: PhaseRun; readonly consume: PhaseRun }[];
}

export interface BrokerBenchReport {
  readonly servers: Readonly<Record<string, string>>;
  readonly consumePrefetch: number;
  /** The fewest messages a consume run reads, per second of the run (see the header). */
  readonly consumeBacklogPerSecond: number;
  readonly rows: readonly BrokerBenchRow[];
}

const round = (x: number, digits: number) => Number(x.toFixed(digits));

function phaseOf(
  messages: number,
  seconds: number,
  before: ServerSample,
  after: ServerSample,
  extra: { errors: number; latencies?: Float64Array },
): PhaseRun {
  const cpuMs = after.cpuMs - before.cpuMs;
  const sorted = extra.latencies?.sort();
  return {
    messages,
    messagesPerSecond: Math.round(messages / seconds),
    ...(sorted !== undefined && {
      p50Ms: round(percentile(sorted, 50), 2),
      p99Ms: round(percentile(sorted, 99), 2),
    }),
    errors: extra.errors,
    serverCpuMsPerSecond: Math.round(cpuMs / seconds),
    serverCpuMicrosPerMessage: messages === 0 ? 0 : round((cpuMs * 1000) / messages, 1),
    serverRssMegabytes: round(after.rssBytes / 2 ** 20, 1),
  };
}

/** Producers publish for `durationMs`; then one member consumes all they stored. */
async function runOnce(
  server: BrokerServer,
  broker: MessageBroker,
  c: { topic: string; bytes: number; concurrency: number; durationMs: number },
): Promise<{ produce: PhaseRun; consume: PhaseRun }> {
  await broker.createTopic(c.topic, { partitions: PARTITIONS });
  const sub = await broker.subscribe(c.topic, 'bench', { maxInFlight: CONSUME_PREFETCH });
  const value = randomBytes(c.bytes);
  const latencies: number[] = [];
  let errors = 0;
  let before = sampleServer(server.pid);
  let started = performance.now();
  const end = started + c.durationMs;
  const producer = async (w: number) => {
    for (let i = 0; performance.now() < end; i++) {
      const t0 = performance.now();
      try {
        await broker.publish(c.topic, `key${(w + i) % KEYS}`, value);
        latencies.push(performance.now() - t0);
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: c.concurrency }, (_, w) => producer(w)));
  let seconds = (performance.now() - started) / 1000;
  const produce = phaseOf(latencies.length, seconds, before, sampleServer(server.pid), {
    errors,
    latencies: Float64Array.from(latencies),
  });
  const backlog = Math.round((CONSUME_BACKLOG_PER_SECOND * c.durationMs) / 1000);
  const produced = await topUp(broker, c.topic, value, latencies.length, backlog);
  // Consume everything acknowledged (at least once: a redelivery counts once more).
  before = sampleServer(server.pid);
  started = performance.now();
  let received = 0;
  let settled = 0;
  let ackErrors = 0;
  // Timed to the last ack's answer itself (polling would add up to a poll interval to short runs).
  const all = newRound();
  const settle = () => {
    if (++settled >= produced) all.resolve();
  };
  const reading = (async () => {
    for await (const m of sub) {
      received++;
      m.ack().then(settle, () => {
        ackErrors++;
        settle();
      });
      if (received >= produced) break;
    }
  })();
  if (produced === 0) all.resolve();
  // A failed read loop fails the run at once rather than at the deadline.
  reading.catch((error: unknown) => all.reject(error));
  await within(all.promise, CONSUME_DEADLINE_MS, `${server.system}: ${produced} messages consumed`);
  seconds = (performance.now() - started) / 1000;
  const consume = phaseOf(produced, seconds, before, sampleServer(server.pid), {
    errors: ackErrors,
  });
  await sub.close();
  await reading;
  return { produce, consume };
}

/** Publishes (untimed) until the topic holds `backlog` messages; returns how many it holds. */
async function topUp(
  broker: MessageBroker,
  topic: string,
  value: Buffer,
  produced: number,
  backlog: number,
): Promise<number> {
  let next = produced;
  const publisher = async () => {
    while (next < backlog) {
      const i = next++;
      await broker.publish(topic, `key${i % KEYS}`, value); // A failure fails the run.
    }
  };
  await Promise.all(Array.from({ length: TOP_UP_CONCURRENCY }, publisher));
  return Math.max(produced, backlog);
}

function medianBy(runs: readonly PhaseRun[]): PhaseRun {
  const sorted = [...runs].sort((a, b) => a.messagesPerSecond - b.messagesPerSecond);
  return sorted[Math.floor((sorted.length - 1) / 2)] as PhaseRun;
}

/** One system's server and connection for the whole run. */
interface Target {
  readonly system: BrokerSystem;
  readonly server: BrokerServer;
  readonly broker: MessageBroker;
}

async function startTarget(system: BrokerSystem, o: BrokerBenchOptions): Promise<Target> {
  o.onProgress(`${system}: starting`);
  const server = await startBrokerServer(system, {
    cohortArgv: o.cohortArgv,
    ...(o.cpuProfileDir !== undefined && { cpuProfileDir: o.cpuProfileDir }),
  });
  try {
    return { system, server, broker: await server.connect() };
  } catch (error) {
    await server.stop();
    throw error;
  }
}

/**
 * Every system's warm-up, then the timed runs interleaved: run r measures every system in
 * turn, in an order rotated by r, so that a burst of load from outside the benchmark (the
 * machine is shared) falls on all of them alike rather than on whichever ran then.
 */
async function benchConfiguration(
  targets: readonly Target[],
  o: BrokerBenchOptions,
  c: { bytes: number; concurrency: number; next: () => string },
): Promise<BrokerBenchRow[]> {
  const label = (t: Target) => `${t.system}, ${c.bytes} B, concurrency ${c.concurrency}`;
  const shape = { bytes: c.bytes, concurrency: c.concurrency };
  for (const t of targets) {
    o.onProgress(`${label(t)}, warm-up`);
    const warm = { ...shape, durationMs: Math.min(WARM_UP_MS, o.durationMs), topic: c.next() };
    await runOnce(t.server, t.broker, warm);
  }
  const runs = targets.map(() => [] as { produce: PhaseRun; consume: PhaseRun }[]);
  for (let r = 0; r < o.repeats; r++)
    for (let k = 0; k < targets.length; k++) {
      const i = (k + r) % targets.length;
      const t = targets[i] as Target;
      o.onProgress(`${label(t)}, run ${r + 1}/${o.repeats}`);
      const run = { ...shape, durationMs: o.durationMs, topic: c.next() };
      runs[i]?.push(await runOnce(t.server, t.broker, run));
    }
  return targets.map((t, i) => {
    const all = runs[i] ?? [];
    const produce = medianBy(all.map((r) => r.produce));
    const consume = medianBy(all.map((r) => r.consume));
    return {
      system: t.system,
      messageBytes: c.bytes,
      concurrency: c.concurrency,
      produce,
      consume,
      runs: all,
    };
  });
}

export async function benchBroker(o: BrokerBenchOptions): Promise<BrokerBenchReport> {
  const rows: BrokerBenchRow[] = [];
  const servers: Record<string, string> = {};
  const targets: Target[] = [];
  let n = 0;
  try {
    for (const system of o.systems ?? BROKER_SYSTEMS) {
      const t = await startTarget(system, o);
      targets.push(t);
      servers[system] = t.server.description;
    }
    for (const bytes of o.sizes ?? BROKER_SIZES)
      for (const concurrency of o.concurrency ?? [1, 64])
        rows.push(
          ...(await benchConfiguration(targets, o, {
            bytes,
            concurrency,
            next: () => `run${n++}`,
          })),
        );
  } finally {
    for (const t of targets) {
      await t.broker.close().catch(() => {});
      await t.server.stop();
    }
  }
  // Rows grouped by system, as the tables expect.
  const order = targets.map((t) => t.system);
  return {
    servers,
    consumePrefetch: CONSUME_PREFETCH,
    consumeBacklogPerSecond: CONSUME_BACKLOG_PER_SECOND,
    rows: rows.sort((a, b) => order.indexOf(a.system) - order.indexOf(b.system)),
  };
}
