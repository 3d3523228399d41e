// The three brokers `cohort bench comm` measures, started for the run on 127.0.0.1 with their
// data in temporary directories on the same disk: `cohort broker` (this checkout, through the
// CLI's own argv), RabbitMQ and NATS JetStream (the launchers in src/runtime/launcher, which
// the tests use too). Each is reached through the MessageBroker API (src/comm/broker/
// adapter.ts) and sampled for the CPU time and RSS of its server process.
//
// Durability, the same principle for all: an acknowledged publish is on disk. Cohort fsyncs
// its WAL step before it answers (group commit); RabbitMQ's quorum queues fsync their log
// before the publisher confirm; NATS 2.9's file store writes before its PubAck but fsyncs
// only every two minutes — the weaker promise is stated beside its figures.
//
// Fault model: a server may fail to start: a port taken meanwhile (between freePort and its
// bind) is tried again on fresh ports (startOnFreshPorts, here and in the launchers); anything
// else throws (with its log's tail) and what was started is stopped. Only pids started here
// are signalled; directories are removed.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { BrokerSystem, MessageBroker } from '../src/comm/broker/adapter.js';
import { connectCohort } from '../src/comm/broker/cohort-adapter.js';
import { connectNats } from '../src/comm/broker/nats.js';
import { connectRabbitMq } from '../src/comm/broker/rabbitmq.js';
import {
  messageMentions,
  type PortChooser,
  startOnFreshPorts,
} from '../src/runtime/launcher/free-port.js';
import { NatsServer } from '../src/runtime/launcher/nats.js';
import { NodeProcess } from '../src/runtime/launcher/node-process.js';
import { RabbitMqServer } from '../src/runtime/launcher/rabbitmq.js';
import { processTreeCpuMs } from './proc-tree-cpu.js';

export const BROKER_SYSTEMS = [
  'cohort',
  'rabbitmq',
  'nats',
] as const satisfies readonly BrokerSystem[];

export interface BrokerServer {
  readonly system: BrokerSystem;
  /** What runs, for the report (version and durability setting). */
  readonly description: string;
  readonly pid: number;
  connect(): Promise<MessageBroker>;
  stop(): Promise<void>;
}

export interface ServerSample {
  readonly cpuMs: number;
  readonly rssBytes: number;
}

/** The server's CPU time so far (itself and its children) and its resident set now. */
export function sampleServer(pid: number): ServerSample {
  let rssBytes = 0;
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    rssBytes = Number(status.match(/VmRSS:\s+(\d+) kB/)?.[1] ?? 0) * 1024;
  } catch {
    // Not Linux, or gone: reported as 0.
  }
  return { cpuMs: processTreeCpuMs([pid]) ?? 0, rssBytes };
}

export interface StartOptions {
  /** How to run this checkout's CLI (node and its arguments). */
  readonly cohortArgv: readonly string[];
  /** Cohort only: write the broker's V8 CPU profile here (node --cpu-prof). */
  readonly cpuProfileDir?: string;
}

function startCohort(o: StartOptions): Promise<BrokerServer> {
  // The broker's listen error (in its log) names EADDRINUSE when the port was taken.
  return startOnFreshPorts((choose) => startCohortOn(o, choose), messageMentions('EADDRINUSE'));
}

async function startCohortOn(o: StartOptions, choose: PortChooser): Promise<BrokerServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-bench-broker-'));
  const address = `127.0.0.1:${await choose()}`;
  const [node, ...rest] = o.cohortArgv as [string, ...string[]];
  const profile =
    o.cpuProfileDir === undefined
      ? []
      : ['--cpu-prof', '--cpu-prof-dir', o.cpuProfileDir, '--cpu-prof-name', 'broker.cpuprofile'];
  const argv = [node, ...profile, ...rest, 'broker', '--listen', address];
  const proc = new NodeProcess(
    [...argv, '--data-dir', path.join(dir, 'data'), '--log-level', 'warn'],
    path.join(dir, 'broker.log'),
  );
  const stop = async () => {
    if (proc.alive) {
      proc.child.kill('SIGTERM'); // Clean: the CPU profile is written on exit.
      await proc.exited;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await proc.ready;
  } catch (error) {
    const log = fs.readFileSync(path.join(dir, 'broker.log'), 'utf8').slice(-4000);
    await stop();
    throw new Error(`${(error as Error).message}\n${log}`);
  }
  return {
    system: 'cohort',
    description:
      'cohort broker (records fsynced to their segment before every publish answer, group commit)',
    pid: proc.child.pid as number,
    connect: async () => connectCohort(address),
    stop,
  };
}

async function startRabbitMq(): Promise<BrokerServer> {
  const server = await RabbitMqServer.start();
  const version = (await server.ctl('version').catch(() => '?')).trim();
  return {
    system: 'rabbitmq',
    description: `RabbitMQ ${version} (publisher confirms, persistent, durable quorum queues)`,
    pid: server.pid as number,
    connect: () => connectRabbitMq(server.url),
    stop: () => server.close(),
  };
}

async function startNats(): Promise<BrokerServer> {
  const server = await NatsServer.start();
  return {
    system: 'nats',
    description: `nats-server ${await server.version()} JetStream (file storage; written before PubAck, fsync every 2 min)`,
    pid: server.pid as number,
    connect: () => connectNats(server.url),
    stop: () => server.close(),
  };
}

export function startBrokerServer(system: BrokerSystem, o: StartOptions): Promise<BrokerServer> {
  if (system === 'cohort') return startCohort(o);
  if (system === 'rabbitmq') return startRabbitMq();
  return startNats();
}
