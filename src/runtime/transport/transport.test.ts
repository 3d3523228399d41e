// The transport under bad peers: garbage, oversized frames, a wrong cluster id or an unknown
// node close only that connection (logged with its reason) while real peers keep talking;
// a dead or slow peer's queue stays within its bound; a restarted peer is reconnected;
// peers added, moved and removed at runtime are dialled, re-dialled and refused.
// (Authentication itself: peer-auth.test.ts.)

import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { Message, NodeId } from '../../core/process.js';
import { freePort } from '../launcher/free-port.js';
import { type LogLine, recordingLogger, until } from '../testing/wait.js';
import { encodeFrame } from './frame.js';
import { freshNonce, PROTOCOL_VERSION } from './handshake.js';
import type { Address } from './peer-link.js';
import { Transport } from './transport.js';

const open: Transport[] = [];
const servers: net.Server[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((t) => t.close()));
  for (const s of servers.splice(0)) s.close();
});

interface Node {
  readonly t: Transport;
  readonly got: { from: NodeId; message: Message }[];
  readonly lines: LogLine[];
}

const TEST_SECRET = Buffer.alloc(32, 's');

async function node(
  self: NodeId,
  ports: readonly number[],
  extra: Partial<ConstructorParameters<typeof Transport>[0]> = {},
): Promise<Node> {
  const peers = new Map<NodeId, Address>(
    ports.map((port, i) => [i + 1, { host: '127.0.0.1', port }]),
  );
  const got: Node['got'] = [];
  const { log, lines } = recordingLogger();
  const t = new Transport({
    cluster: 'test',
    self,
    peers,
    listen: { host: '127.0.0.1', port: ports[self - 1] as number },
    onMessage: (from, message) => got.push({ from, message }),
    log,
    auth: { kind: 'secret', secret: TEST_SECRET },
    backoff: { initialMs: 10, maxMs: 100 },
    ...extra,
  });
  await t.start();
  open.push(t);
  return { t, got, lines };
}

/** Connects to `port`, writes `bytes`, resolves when the other side closes the socket. */
function rawSession(port: number, bytes: Buffer): Promise<void> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port }, () => socket.write(bytes));
    socket.on('data', () => {});
    socket.on('error', () => {});
    socket.on('close', () => resolve());
  });
}

function hello(fields: Record<string, unknown>): Buffer {
  const base = {
    kind: 'hello',
    protocol: PROTOCOL_VERSION,
    cluster: 'test',
    from: 2,
    to: 1,
    nonce: freshNonce(),
  };
  return encodeFrame({ ...base, ...fields });
}

/** A message with fields beyond `type`. */
function m(x: { type: string } & Record<string, unknown>): Message {
  return x;
}

function reasons(lines: readonly LogLine[]): (string | undefined)[] {
  return lines.filter((l) => l.msg === 'closing connection').map((l) => l.reason);
}

describe('transport', () => {
  it('delivers in order both ways and survives every kind of bad connection', async () => {
    const ports = [await freePort(), await freePort()];
    const a = await node(1, ports, { maxFrameBytes: 4096, handshakeTimeoutMs: 500 });
    const b = await node(2, ports);
    for (let i = 0; i < 50; i++) b.t.send(1, m({ type: 'Ping', i }));
    await until(() => a.got.length === 50, 'pings');
    expect(a.got.map((g) => (g.message as unknown as { i: number }).i)).toEqual(
      Array.from({ length: 50 }, (_, i) => i),
    );
    const oversized = Buffer.alloc(4);
    oversized.writeUInt32BE(1 << 30, 0);
    const afterHello = Buffer.concat([hello({ from: 2 }), encodeFrame([1, 2, 3])]);
    await rawSession(ports[0] as number, Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n'));
    await rawSession(ports[0] as number, oversized);
    await rawSession(ports[0] as number, hello({ cluster: 'other' }));
    await rawSession(ports[0] as number, hello({ from: 9 }));
    await rawSession(ports[0] as number, hello({ to: 3 }));
    await rawSession(ports[0] as number, afterHello);
    await rawSession(ports[0] as number, Buffer.alloc(0)); // Says nothing: timed out.
    expect(reasons(a.lines)).toEqual([
      'oversized-frame', // "GET " read as a big-endian length is over 1 GB.
      'oversized-frame',
      'wrong-cluster',
      'unknown-node',
      'wrong-node',
      'bad-handshake', // Without the secret, the frame after the hello is not a proof.
      'handshake-timeout',
    ]);
    // The real peer was never disconnected (the raw session that claimed to be node 2 did
    // not authenticate); messages flow both ways.
    a.t.send(2, { type: 'Pong' });
    b.t.send(1, m({ type: 'Ping', i: 50 }));
    await until(() => b.got.length === 1, 'pong');
    await until(() => a.got.some((g) => (g.message as unknown as { i?: number }).i === 50), 'ping');
    expect(b.lines.filter((l) => l.msg === 'link down; reconnecting')).toEqual([]);
    expect(a.t.stats().rejected).toBe(7);
    expect(a.t.stats().rejectedBy).toEqual({
      'oversized-frame': 2,
      'wrong-cluster': 1,
      'unknown-node': 1,
      'wrong-node': 1,
      'bad-handshake': 1,
      'handshake-timeout': 1,
    });
  });

  it('bounds the queue for a dead peer by dropping the oldest frames', async () => {
    const ports = [await freePort(), await freePort()];
    const a = await node(1, ports, { queue: { maxFrames: 100, maxBytes: 1 << 20 } });
    for (let i = 0; i < 10_000; i++) a.t.send(2, m({ type: 'Ping', i }));
    expect(a.t.stats().queued[2]).toBe(100);
    expect(a.t.stats().dropped[2]).toBe(9_900);
    // The peer comes up: it gets the newest 100, in order.
    const b = await node(2, ports);
    await until(() => b.got.length === 100, 'the queued frames');
    const first = b.got[0]?.message as unknown as { i: number };
    expect(first.i).toBe(9_900);
  });

  it('bounds memory for a slow peer that handshakes and then never reads', async () => {
    const ports = [await freePort(), await freePort()];
    const stuck = net.createServer((socket) => {
      socket.once('data', () => {
        socket.write(
          encodeFrame({
            kind: 'welcome',
            protocol: PROTOCOL_VERSION,
            cluster: 'test',
            node: 2,
            nonce: freshNonce(),
          }),
        );
        socket.pause(); // Never read again: the kernel buffers fill, then ours.
      });
    });
    servers.push(stuck);
    await new Promise<void>((r) => stuck.listen(ports[1], '127.0.0.1', () => r()));
    const maxBytes = 1 << 20;
    const a = await node(1, ports, {
      queue: { maxFrames: 1_000_000, maxBytes },
      auth: { kind: 'none' }, // The stuck peer answers with a bare welcome.
    });
    await until(() => a.t.isConnected(2), 'the handshake with the stuck peer');
    const blob = 'z'.repeat(16 * 1024);
    for (let round = 0; round < 40; round++) {
      for (let i = 0; i < 64; i++) a.t.send(2, m({ type: 'Blob', blob }));
      await new Promise((r) => setImmediate(r));
    }
    // 40 MiB were offered; the queue holds at most its byte bound and the rest was dropped.
    const link = (a.t as unknown as { links: Map<number, { queue: { bytes: number } }> }).links;
    expect(link.get(2)?.queue.bytes).toBeLessThanOrEqual(maxBytes);
    expect(a.t.stats().dropped[2]).toBeGreaterThan(0);
  });

  it('reconnects to a peer that restarts on the same port', async () => {
    const ports = [await freePort(), await freePort()];
    const a = await node(1, ports);
    const b1 = await node(2, ports);
    a.t.send(2, { type: 'One' });
    await until(() => b1.got.length === 1, 'the first message');
    await b1.t.close();
    open.splice(open.indexOf(b1.t), 1);
    await until(() => !a.t.isConnected(2), 'the link to go down');
    const b2 = await node(2, ports);
    a.t.send(2, { type: 'Two' });
    await until(() => b2.got.some((g) => g.message.type === 'Two'), 'the message after restart');
    expect(a.lines.filter((l) => l.msg === 'link up').length).toBe(2);
  });

  it('adds, moves and removes peers at runtime', async () => {
    const ports = [await freePort(), await freePort(), await freePort()];
    // Node 1 starts knowing only itself; node 3 joins later at a port of its own.
    const a = await node(1, ports.slice(0, 1));
    const c = await node(3, ports);
    c.t.send(1, { type: 'Early' });
    await until(() => a.t.stats().rejectedBy['unknown-node'] !== undefined, 'an unknown hello');
    expect(a.got).toEqual([]);
    expect(a.t.send(3, { type: 'Nobody' })).toBe(false);
    a.t.addPeer(3, { host: '127.0.0.1', port: ports[2] as number });
    expect(a.t.send(3, { type: 'Hello3' })).toBe(true);
    await until(() => c.got.some((g) => g.message.type === 'Hello3'), 'a message to the new peer');
    c.t.send(1, { type: 'Back' });
    await until(() => a.got.some((g) => g.message.type === 'Back'), 'its hellos are accepted');
    // Node 3 moves to another port: node 1 re-dials it there.
    await c.t.close();
    open.splice(open.indexOf(c.t), 1);
    const moved = await freePort();
    const c2 = await node(3, [...ports.slice(0, 2), moved]);
    a.t.addPeer(3, { host: '127.0.0.1', port: moved });
    expect(a.t.peers().get(3)).toEqual({ host: '127.0.0.1', port: moved });
    a.t.send(3, { type: 'Moved' });
    await until(() => c2.got.some((g) => g.message.type === 'Moved'), 'the moved peer');
    // Removed: nothing is sent to it, its connection is closed and its hellos refused.
    const refusedBefore = a.t.stats().rejectedBy['unknown-node'] ?? 0;
    a.t.removePeer(3);
    expect(a.t.send(3, { type: 'Gone' })).toBe(false);
    expect(a.t.peers().has(3)).toBe(false);
    await until(() => !c2.t.isConnected(1) || c2.t.stats().queued[1] === 0, 'settled');
    c2.t.send(1, { type: 'AfterRemoval' });
    await until(
      () => (a.t.stats().rejectedBy['unknown-node'] ?? 0) > refusedBefore,
      'the removed peer refused',
    );
    expect(a.got.some((g) => g.message.type === 'AfterRemoval')).toBe(false);
  });
});
