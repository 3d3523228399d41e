// `cohort bench transport`: Cohort's node-to-node TCP transport against a raw socket in the
// same run, on loopback: node 1 sends N messages with a payload of 100 B or 4 KiB to node 2,
// keeping at most WINDOW unacknowledged (node 2 acknowledges every ACK_EVERY-th, as a
// protocol's replies would), and the clock stops when node 2 has received them all.
// - Cohort: two Transport instances (handshake, msgpack frames, bounded send queues);
// - raw: one net.Socket pair carrying the same payloads as length-prefixed frames, no codec.
// Both endpoints live in this process; the sockets are real loopback TCP.

import net from 'node:net';
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

async function cohortLink(payloadBytes: number, count: number): Promise<TransportBenchRow> {
  const log = pino({ level: 'silent' });
  const body = 'x'.repeat(payloadBytes);
  const peers = new Map([
    [1, { host: '127.0.0.1', port: await freePort() }],
    [2, { host: '127.0.0.1', port: await freePort() }],
  ]);
  let received = 0;
  let acked = 0;
  const ack = signal();
  const receiver: Transport = new Transport({
    cluster: 'bench',
    self: 2,
    peers,
    listen: peers.get(2) as { host: string; port: number },
    log,
    onMessage: () => {
      received++;
      if (received % ACK_EVERY === 0 || received === count)
        receiver.send(1, { type: 'Ack', n: received } as Message);
    },
  });
  const sender = new Transport({
    cluster: 'bench',
    self: 1,
    peers,
    listen: peers.get(1) as { host: string; port: number },
    log,
    onMessage: (_from, m) => {
      acked = Math.max(acked, (m as unknown as { n: number }).n);
      ack.fire();
    },
  });
  await receiver.start();
  await sender.start();
  const started = performance.now();
  await pump(
    count,
    (i) => sender.send(2, { type: 'Data', i, body } as Message),
    () => acked,
    ack.wait,
  );
  const seconds = (performance.now() - started) / 1000;
  await sender.close();
  await receiver.close();
  return rowOf(payloadBytes, 'cohort', count, seconds);
}

async function rawLink(payloadBytes: number, count: number): Promise<TransportBenchRow> {
  const payload = Buffer.alloc(payloadBytes, 'x');
  const frame = Buffer.alloc(4 + payloadBytes);
  frame.writeUInt32LE(payloadBytes, 0);
  payload.copy(frame, 4);
  let acked = 0;
  const ack = signal();
  const server = net.createServer((socket) => {
    let pending = Buffer.alloc(0);
    let received = 0;
    socket.on('data', (chunk) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      let at = 0;
      while (pending.length - at >= 4 && pending.length - at >= 4 + pending.readUInt32LE(at)) {
        at += 4 + pending.readUInt32LE(at);
        received++;
        if (received % ACK_EVERY === 0 || received === count) {
          const out = Buffer.alloc(4);
          out.writeUInt32LE(received, 0);
          socket.write(out);
        }
      }
      pending = pending.subarray(at);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as net.AddressInfo).port;
  const client = net.connect(port, '127.0.0.1');
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
  await new Promise<void>((r) => server.close(() => r()));
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
