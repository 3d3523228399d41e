// Peer authentication (handshake.ts, peer-auth.ts) against a raw socket that plays the
// dialer byte by byte: a cluster secret's challenge–response is mutual and cannot be
// replayed, a wrong secret or certificate is refused, nothing past a handshake-sized frame is
// buffered before authentication, unauthenticated connections are capped, and one that has
// not authenticated evicts nobody. Mutual TLS: the happy path, a certificate naming another
// node, one from another CA, and TLS through the chaos layer's proxy.

import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { decode } from '../../core/codec.js';
import type { Message, NodeId } from '../../core/process.js';
import { LinkProxy } from '../chaos/link-proxy.js';
import { freePort } from '../launcher/free-port.js';
import { makeTestPki, type TestPki } from '../testing/certs.js';
import { type LogLine, recordingLogger, until } from '../testing/wait.js';
import { encodeFrame, FrameSplitter } from './frame.js';
import { freshNonce, handshakeMac, PROTOCOL_VERSION, type Welcome } from './handshake.js';
import { handshakeKey, type PeerAuth } from './peer-auth.js';
import type { Address } from './peer-link.js';
import { Transport } from './transport.js';

const SECRET = Buffer.alloc(32, 'k');
const open: Transport[] = [];
const raws: RawPeer[] = [];
const proxies: LinkProxy[] = [];

afterEach(async () => {
  for (const r of raws.splice(0)) r.socket.destroy();
  await Promise.all(open.splice(0).map((t) => t.close()));
  await Promise.all(proxies.splice(0).map((p) => p.close()));
});

interface Node {
  readonly t: Transport;
  readonly got: { from: NodeId; message: Message }[];
  readonly lines: LogLine[];
}

async function node(
  self: NodeId,
  addresses: readonly number[],
  auth: PeerAuth = { kind: 'secret', secret: SECRET },
  extra: { maxUnauthenticated?: number; listen?: number } = {},
): Promise<Node> {
  const peers = new Map<NodeId, Address>(
    addresses.map((port, i) => [i + 1, { host: '127.0.0.1', port }]),
  );
  const got: Node['got'] = [];
  const { log, lines } = recordingLogger();
  const t = new Transport({
    cluster: 'test',
    self,
    peers,
    listen: { host: '127.0.0.1', port: extra.listen ?? (addresses[self - 1] as number) },
    onMessage: (from, message) => got.push({ from, message }),
    log,
    auth,
    backoff: { initialMs: 10, maxMs: 100 },
    handshakeTimeoutMs: 20_000,
    ...(extra.maxUnauthenticated !== undefined && { maxUnauthenticated: extra.maxUnauthenticated }),
  });
  await t.start();
  open.push(t);
  return { t, got, lines };
}

/** A hand-driven dialer: writes whatever the test says, decodes what comes back. */
class RawPeer {
  readonly frames: unknown[] = [];
  closed = false;
  private readonly splitter = new FrameSplitter(1024);

  constructor(readonly socket: net.Socket) {
    socket.on('data', (chunk: Buffer) => {
      for (const p of this.splitter.push(chunk)) this.frames.push(decode(p));
    });
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
    });
    raws.push(this);
  }

  static async connect(port: number): Promise<RawPeer> {
    const socket = net.connect({ host: '127.0.0.1', port });
    await new Promise((r) => socket.once('connect', r));
    return new RawPeer(socket);
  }

  async welcome(): Promise<Welcome> {
    await until(() => this.frames.length > 0 || this.closed, 'a welcome');
    return this.frames[0] as Welcome;
  }
}

function hello(from: NodeId, nonce: Buffer): Buffer {
  const h = { kind: 'hello', protocol: PROTOCOL_VERSION, cluster: 'test', from, to: 1, nonce };
  return encodeFrame(h);
}

function transcript(dialerNonce: Buffer, w: Welcome) {
  return { cluster: 'test', dialer: 2, acceptor: 1, dialerNonce, acceptorNonce: w.nonce };
}

function reasons(lines: readonly LogLine[]): (string | undefined)[] {
  return lines.filter((l) => l.msg === 'closing connection').map((l) => l.reason);
}

const ping = (i: number): Message => ({ type: 'Ping', i }) as Message;
const pinged = (n: Node, i: number) =>
  n.got.some((g) => (g.message as unknown as { i?: number }).i === i);

describe('cluster secret', () => {
  it('is a mutual challenge–response: a recorded hello and proof cannot be replayed', async () => {
    const ports = [await freePort(), await freePort()];
    const a = await node(1, ports);
    const key = handshakeKey(SECRET);
    const nonce = freshNonce();
    const first = await RawPeer.connect(ports[0] as number);
    first.socket.write(hello(2, nonce));
    const w1 = await first.welcome();
    // The acceptor proved it knows the secret, for this hello's nonce.
    expect(Buffer.from(w1.mac as Uint8Array)).toEqual(
      handshakeMac(key, 'acceptor', transcript(nonce, w1)),
    );
    const proof = encodeFrame({
      kind: 'proof',
      mac: handshakeMac(key, 'dialer', transcript(nonce, w1)),
    });
    first.socket.write(Buffer.concat([proof, encodeFrame(ping(1))]));
    await until(() => pinged(a, 1), 'the authenticated ping');
    // Replayed byte for byte on a new connection: the acceptor's nonce is new.
    const replay = await RawPeer.connect(ports[0] as number);
    replay.socket.write(hello(2, nonce));
    const w2 = await replay.welcome();
    expect(Buffer.from(w2.nonce).equals(Buffer.from(w1.nonce))).toBe(false);
    replay.socket.write(Buffer.concat([proof, encodeFrame(ping(2))]));
    await until(() => replay.closed, 'the replay to be refused');
    expect(reasons(a.lines)).toEqual(['bad-mac']);
    // The authenticated connection was not evicted by the replay.
    first.socket.write(encodeFrame(ping(3)));
    await until(() => pinged(a, 3), 'a ping after the replay');
    expect(pinged(a, 2)).toBe(false);
    expect(a.t.stats().rejectedBy).toEqual({ 'bad-mac': 1 });
  });

  it('refuses a wrong secret at both ends and delivers nothing', async () => {
    const ports = [await freePort(), await freePort()];
    const a = await node(1, ports);
    const b = await node(2, ports, { kind: 'secret', secret: Buffer.alloc(32, 'x') });
    b.t.send(1, ping(1));
    a.t.send(2, ping(2));
    // Each side, dialling, finds the other's welcome MAC wrong and hangs up.
    await until(() => reasons(a.lines).includes('bad-mac'), 'a refusing b');
    await until(() => reasons(b.lines).includes('bad-mac'), 'b refusing a');
    // A dialer with the wrong key that sends its proof anyway is refused by the acceptor.
    const nonce = freshNonce();
    const raw = await RawPeer.connect(ports[0] as number);
    raw.socket.write(hello(2, nonce));
    const w = await raw.welcome();
    const wrong = handshakeMac(handshakeKey(Buffer.alloc(32, 'x')), 'dialer', transcript(nonce, w));
    raw.socket.write(
      Buffer.concat([encodeFrame({ kind: 'proof', mac: wrong }), encodeFrame(ping(3))]),
    );
    await until(() => raw.closed, 'the wrong proof to be refused');
    expect(a.t.stats().rejectedBy['bad-mac']).toBe(1);
    expect(a.got).toEqual([]);
    expect(b.got).toEqual([]);
    expect(a.t.isConnected(2) || b.t.isConnected(1)).toBe(false);
  });

  it('closes on an oversized frame before authentication, from its header alone', async () => {
    const ports = [await freePort(), await freePort()];
    const a = await node(1, ports);
    const header = (bytes: number) => {
      const h = Buffer.alloc(4);
      h.writeUInt32BE(bytes, 0);
      return h;
    };
    // 2 KiB is far below the normal bound (16 MiB) but above the handshake's.
    const first = await RawPeer.connect(ports[0] as number);
    first.socket.write(header(2048));
    await until(() => first.closed, 'the oversized hello to be refused');
    const second = await RawPeer.connect(ports[0] as number);
    second.socket.write(hello(2, freshNonce()));
    await second.welcome();
    second.socket.write(header(16 << 20)); // Header only: nothing else was ever sent.
    await until(() => second.closed, 'the oversized proof to be refused');
    expect(reasons(a.lines)).toEqual(['oversized-frame', 'oversized-frame']);
    // After authentication the normal bound applies: a 64 KiB message goes through.
    const key = handshakeKey(SECRET);
    const nonce = freshNonce();
    const good = await RawPeer.connect(ports[0] as number);
    good.socket.write(hello(2, nonce));
    const w = await good.welcome();
    const mac = handshakeMac(key, 'dialer', transcript(nonce, w));
    const big = { type: 'Big', i: 7, blob: 'b'.repeat(64 << 10) };
    good.socket.write(Buffer.concat([encodeFrame({ kind: 'proof', mac }), encodeFrame(big)]));
    await until(() => pinged(a, 7), 'the big message after authentication');
  });

  it('caps unauthenticated connections; a freed slot admits the next', async () => {
    const ports = [await freePort(), await freePort()];
    const a = await node(1, ports, undefined, { maxUnauthenticated: 3 });
    const waiting: RawPeer[] = [];
    for (let i = 0; i < 3; i++) {
      const raw = await RawPeer.connect(ports[0] as number);
      raw.socket.write(hello(2, freshNonce()));
      await raw.welcome(); // Accepted, and now waiting for a proof it will never send.
      waiting.push(raw);
    }
    const fourth = await RawPeer.connect(ports[0] as number);
    await until(() => fourth.closed, 'the fourth connection to be refused');
    expect(reasons(a.lines)).toEqual(['too-many-unauthenticated']);
    waiting[0]?.socket.destroy();
    await until(async () => {
      const next = await RawPeer.connect(ports[0] as number);
      next.socket.write(hello(2, freshNonce()));
      return (await next.welcome()) !== undefined;
    }, 'a connection admitted into the freed slot');
    // The real peer, once the attackers go, authenticates as usual.
    for (const raw of waiting) raw.socket.destroy();
    for (const raw of raws) raw.socket.destroy();
    const b = await node(2, ports);
    b.t.send(1, ping(1));
    await until(() => pinged(a, 1), 'the real peer');
  });

  it('an unauthenticated connection claiming a peer does not evict it', async () => {
    const ports = [await freePort(), await freePort()];
    const a = await node(1, ports);
    const b = await node(2, ports);
    b.t.send(1, ping(1));
    await until(() => pinged(a, 1), 'the first ping');
    const impostor = await RawPeer.connect(ports[0] as number);
    impostor.socket.write(hello(2, freshNonce()));
    await impostor.welcome(); // It claimed node 2 and now sits in the handshake.
    b.t.send(1, ping(2));
    await until(() => pinged(a, 2), 'a ping while the impostor waits');
    impostor.socket.write(encodeFrame({ kind: 'proof', mac: Buffer.alloc(32) }));
    await until(() => impostor.closed, 'the impostor to be refused');
    b.t.send(1, ping(3));
    await until(() => pinged(a, 3), 'a ping after the impostor');
    expect(b.lines.filter((l) => l.msg === 'link down; reconnecting')).toEqual([]);
    expect(b.lines.filter((l) => l.msg === 'link up').length).toBe(1);
  });
});

describe('mutual TLS', () => {
  let pki: TestPki | undefined;
  const tlsAuth = (name: string, from: TestPki): PeerAuth => {
    const c = from.issue(name);
    return { kind: 'tls', cert: c.cert, key: c.key, ca: (pki as TestPki).ca };
  };

  it('connects nodes whose certificates name them, also through the chaos proxy', async () => {
    pki = makeTestPki();
    const ports = [await freePort(), await freePort()];
    // b reaches a through a proxy, which sees only TLS records.
    const proxy = new LinkProxy(2, 1, { host: '127.0.0.1', port: ports[0] as number });
    proxies.push(proxy);
    const viaProxy = await proxy.listen();
    const a = await node(1, ports, tlsAuth('node-1', pki));
    const b = await node(2, [viaProxy, ports[1] as number], tlsAuth('node-2', pki));
    for (let i = 0; i < 20; i++) b.t.send(1, ping(i));
    a.t.send(2, ping(100));
    await until(() => a.got.length === 20 && b.got.length === 1, 'messages both ways');
    expect(a.got.map((g) => (g.message as unknown as { i: number }).i)).toEqual(
      Array.from({ length: 20 }, (_, i) => i),
    );
    expect(proxy.counters.forwarded).toBeGreaterThan(0);
    proxy.set({ blocked: false, dropPpm: 0, delayMs: [5, 20] });
    b.t.send(1, ping(21));
    await until(() => pinged(a, 21), 'a delayed message through the proxy');
    expect(a.t.stats().rejected).toBe(0);
  });

  it('refuses a certificate naming another node, and one from another CA', async () => {
    pki = makeTestPki();
    const ports = [await freePort(), await freePort()];
    const a = await node(1, ports, tlsAuth('node-1', pki));
    const b = await node(2, ports, tlsAuth('node-3', pki)); // Signed by the CA, but node-3.
    b.t.send(1, ping(1));
    await until(() => reasons(a.lines).includes('wrong-certificate'), 'the wrong node refused');
    await b.t.close();
    open.splice(open.indexOf(b.t), 1);
    const other = makeTestPki();
    const c = await node(2, ports, tlsAuth('node-2', other)); // node-2, by a stranger CA.
    c.t.send(1, ping(2));
    await until(() => reasons(a.lines).includes('tls-error'), 'the stranger CA refused');
    expect(a.got).toEqual([]);
    expect(a.t.isConnected(2)).toBe(false);
  });
});
