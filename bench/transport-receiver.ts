// The receiving process of `cohort bench transport` (bench/transport.ts spawns it): it
// listens, prints `ready <port>`, counts the messages of node 1, acknowledges every
// ACK_EVERY-th and the last, and exits once all have arrived.
//   node transport-receiver.js raw|cohort COUNT ACK_EVERY [SENDER_PORT LISTEN_PORT SECRET_HEX]

import net from 'node:net';
import pino from 'pino';
import type { Message } from '../src/core/process.js';
import { Transport } from '../src/runtime/transport/transport.js';

const [mode, countText, ackText, senderText] = process.argv.slice(2);
const count = Number(countText);
const ackEvery = Number(ackText);

function due(received: number): boolean {
  return received % ackEvery === 0 || received === count;
}

async function raw(): Promise<void> {
  const server = net.createServer((socket) => {
    let pending = Buffer.alloc(0);
    let received = 0;
    socket.on('data', (chunk) => {
      pending = pending.length === 0 ? chunk : Buffer.concat([pending, chunk]);
      let at = 0;
      while (pending.length - at >= 4 && pending.length - at >= 4 + pending.readUInt32LE(at)) {
        at += 4 + pending.readUInt32LE(at);
        received++;
        if (due(received)) {
          const out = Buffer.alloc(4);
          out.writeUInt32LE(received, 0);
          socket.write(out);
        }
      }
      pending = pending.subarray(at);
      if (received === count) socket.end(() => process.exit(0));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  process.stdout.write(`ready ${(server.address() as net.AddressInfo).port}\n`);
}

async function cohort(): Promise<void> {
  const listen = { host: '127.0.0.1', port: Number(process.argv[6] ?? 0) };
  let received = 0;
  const transport: Transport = new Transport({
    cluster: 'bench',
    self: 2,
    peers: new Map([
      [1, { host: '127.0.0.1', port: Number(senderText) }],
      [2, listen],
    ]),
    listen,
    auth: { kind: 'secret', secret: Buffer.from(process.argv[7] ?? '', 'hex') },
    log: pino({ level: 'silent' }),
    onMessage: () => {
      received++;
      if (due(received)) transport.send(1, { type: 'Ack', n: received } as Message);
      if (received === count) setTimeout(() => process.exit(0), 200);
    },
  });
  const port = await transport.start();
  process.stdout.write(`ready ${port}\n`);
}

await (mode === 'raw' ? raw() : cohort());
