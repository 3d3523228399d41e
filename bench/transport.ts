// `cohort bench transport`: Cohort's node-to-node TCP transport against a raw socket in the
// same run, on loopback: node 1 sends N messages with a payload of 100 B or 4 KiB to node 2,
// keeping at most WINDOW unacknowledged (node 2 acknowledges every ACK_EVERY-th, as a
// protocol's replies would), and the clock stops when node 2 has received them all.
// - Cohort: two Transport instances (the cluster-secret handshake, as `cohort cluster up`
//   runs them; msgpack frames; bounded send queues);
// - raw: one net.Socket pair carrying the same payloads as length-prefixed frames, no codec.
// The receiver is a second process (bench/transport-receiver.ts).

import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import net from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pino from 'pino';
import type { Message } from '../src/core/process.js';
import { freePort } from '../src/runtime/launcher/free-port.js';
import { Transport } from '../src/runtime/transport/transport.js';

export interface TransportBenchRow {
  readonly payloadBytes: number;
  readonly link: 'cohort' | 'raw';
  readonly messages: number;
  readonly messagesPerSecond: number;
  readonly megabytesPerSecond: number;
}

const WINDOW = 1024;
const ACK_EVERY = 64;

function rowOf(
  payloadBytes: number,
  link: TransportBenchRow['link'],
  messages: number,
  seconds: number,
): TransportBenchRow {
  const perSecond = messages / seconds;
  return {
    payloadBytes,
    link,
    messages,
    messagesPerSecond: Math.round(perSecond),
    megabytesPerSecond: Math.round(((perSecond * payloadBytes) / 1e6) * 100) / 100,
  };
}

/** Sends `count` messages through `send`, never more than WINDOW ahead of the acks. */
async function pump(
  count: number,
  send: (i: number) => void,
  acked: () => number,
  waitForAck: () => Promise<void>,
): Promise<void> {
  for (let i = 1; i <= count; i++) {
    while (i - acked() > WINDOW) await waitForAck();
    send(i);
  }
  while (acked() < count) await waitForAck();
}

function signal(): { wait(): Promise<void>; fire(): void } {
  let resolve: (() => void) | undefined;
  return {
    wait: () =>
      new Promise<void>((r) => {
        resolve = r;
      }),
    fire: () => {
      const r = resolve;
      resolve = undefined;
      r?.();
    },
  };
}

/** Starts the receiving process; resolves with it once it listens (and on which port). */
async function receiver(args: readonly string[]): Promise<{ child: ChildProcess; port: number }> {
  const here = dirname(fileURLToPath(import.meta.url));
  const js = join(here, 'transport-receiver.js');
  const script = existsSync(js) ? js : join(here, 'transport-receiver.ts');
  const child = spawn(process.execPath, [...process.execArgv, script, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      const m = /ready (\d+)/.exec(chunk.toString());
      if (m !== null) resolve(Number(m[1]));
    });
    child.once('exit', (code) => reject(new Error(`the receiver exited with ${code}`)));
  });
  return { child, port };
}

const exited = (child: ChildProcess) =>
  new Promise<void>((r) => (child.exitCode !== null ? r() : child.once('exit', () => r())));

async function cohortLink(payloadBytes: number, count: number): Promise<TransportBenchRow> {
  const body = 'x'.repeat(payloadBytes);
  const self = { host: '127.0.0.1', port: await freePort() };
  const other = await freePort();
  const secret = randomBytes(32);
  const peer = await receiver([
    'cohort',
    String(count),
    String(ACK_EVERY),
    String(self.port),
    String(other),
    secret.toString('hex'),
  ]);
  let acked = 0;
  const ack = signal();
  const sender = new Transport({
    cluster: 'bench',
    self: 1,
    peers: new Map([
      [1, self],
      [2, { host: '127.0.0.1', port: peer.port }],
    ]),
    listen: self,
    auth: { kind: 'secret', secret },
    log: pino({ level: 'silent' }),
    onMessage: (_from, m) => {
      acked = Math.max(acked, (m as unknown as { n: number }).n);
      ack.fire();
    },
  });
  await sender.start();
  const started = performance.now();
  await pump(
    count,
    (i) => sender.send(2, { type: 'Data', i, body } as Message),
    () => acked,
    ack.wait,
  );
  const seconds = (performance.now() - started) / 1000;
  await exited(peer.child);
  await sender.close();
  return rowOf(payloadBytes, 'cohort', count, seconds);
}

async function rawLink(payloadBytes: number, count: number): Promise<TransportBenchRow> {
  const frame = Buffer.alloc(4 + payloadBytes, 'x');
  frame.writeUInt32LE(payloadBytes, 0);
  const peer = await receiver(['raw', String(count), String(ACK_EVERY)]);
  let acked = 0;
  const ack = signal();
  const client = net.connect(peer.port, '127.0.0.1');
  await new Promise<void>((r) => client.once('connect', r));
  client.setNoDelay(true);
  let acks = Buffer.alloc(0);
  client.on('data', (chunk) => {
    acks = Buffer.concat([acks, chunk]);
    while (acks.length >= 4) {
      acked = Math.max(acked, acks.readUInt32LE(0));
      acks = acks.subarray(4);
    }
    ack.fire();
  });
  const started = performance.now();
  await pump(
    count,
    () => client.write(frame),
    () => acked,
    ack.wait,
  );
  const seconds = (performance.now() - started) / 1000;
  client.destroy();
  await exited(peer.child);
  return rowOf(payloadBytes, 'raw', count, seconds);
}

export async function benchTransport(
  opts: { messages?: number; onProgress?: (text: string) => void } = {},
): Promise<TransportBenchRow[]> {
  const count = opts.messages ?? 50_000;
  const rows: TransportBenchRow[] = [];
  for (const size of [100, 4096]) {
    opts.onProgress?.(`bench transport: ${size} B, raw socket`);
    rows.push(await rawLink(size, count));
    opts.onProgress?.(`bench transport: ${size} B, Cohort transport`);
    rows.push(await cohortLink(size, count));
  }
  return rows;
}
