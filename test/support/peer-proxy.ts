// A real network partition between `cohort serve` members: one TCP proxy in front of each
// member's peer port, which the other members dial instead (CohortServer.start's
// `peerFront`: --initial-cluster names the proxies, --listen-peer-urls the real ports, so
// every member derives the same member ids). The runtime's connections are one-way for
// messages (src/runtime/transport/handshake.ts: D's dialled connection to A carries D → A
// only), and each opens with the dialler's hello frame (frame.ts: a 4-byte length, then
// MessagePack) naming `from` and `to` — readable in secret mode, where only the welcome and
// the proof carry MACs. So the proxy reads the hello, learns who dials whom, and forwards
// every byte unchanged (the MACs still match). Members are named by their index in
// --initial-cluster; their Raft ids (serve.ts derives them from the peer URLs) are learned
// from the hellos: every hello reaching member i's proxy names i's id as `to`. A directed
// link `from → to` can be blocked:
// its connections are destroyed and new ones refused; `cut(a, b)` blocks both directions,
// `heal()` lifts every block. Unlike SIGSTOP, the members keep running and keep talking to
// whoever they still reach.
//
// Fault model of the proxy itself: it is the test's, trusted; a first frame that is not a
// hello (or bytes that are not frames) closes that connection.

import net from 'node:net';
import { decodePayload, FrameSplitter } from '../../src/runtime/transport/frame.js';
import { HANDSHAKE_MAX_FRAME_BYTES } from '../../src/runtime/transport/handshake.js';

interface Link {
  /** Raft ids, as the hello names them. */
  readonly from: number;
  readonly to: number;
  readonly sockets: readonly net.Socket[];
}

export class PeerProxy {
  private readonly listeners = new Map<number, net.Server>();
  private readonly targets = new Map<number, number>();
  private readonly links = new Set<Link>();
  /** Blocked directed links, `<from Raft id>-><to Raft id>`. */
  private readonly blocked = new Set<string>();
  /** Member index → its Raft id, as the hellos reaching its proxy name it. */
  private readonly raftIds = new Map<number, number>();
  readonly counters = { forwarded: 0, refused: 0, cut: 0 };

  /** Puts a proxy in front of member `index`'s `peerPort` (again: re-targets it). */
  async front(index: number, peerPort: number): Promise<number> {
    this.targets.set(index, peerPort);
    let listener = this.listeners.get(index);
    if (listener === undefined) {
      listener = net.createServer((socket) => this.accept(index, socket));
      this.listeners.set(index, listener);
      await new Promise<void>((resolve) => listener?.listen(0, '127.0.0.1', resolve));
    }
    return (listener.address() as net.AddressInfo).port;
  }

  /** Blocks the messages of member `from` to member `to` (indexes), one direction. */
  block(from: number, to: number): void {
    const key = `${this.raftIdOf(from)}->${this.raftIdOf(to)}`;
    this.blocked.add(key);
    for (const link of this.links) {
      if (`${link.from}->${link.to}` !== key) continue;
      this.counters.cut++;
      for (const s of link.sockets) s.destroy();
    }
  }

  /** Blocks both directions between members `a` and `b` (indexes). */
  cut(a: number, b: number): void {
    this.block(a, b);
    this.block(b, a);
  }

  /** Isolates member `index` from every other of `members`. */
  isolate(index: number, members: number): void {
    for (let other = 0; other < members; other++) if (other !== index) this.cut(index, other);
  }

  private raftIdOf(index: number): number {
    const id = this.raftIds.get(index);
    // A member no hello has reached yet could not be told apart when it dials.
    if (id === undefined) throw new Error(`no hello has reached member ${index} yet`);
    return id;
  }

  heal(): void {
    this.blocked.clear();
  }

  async close(): Promise<void> {
    for (const link of this.links) for (const s of link.sockets) s.destroy();
    await Promise.all(
      [...this.listeners.values()].map((l) => new Promise<void>((r) => l.close(() => r()))),
    );
  }

  /** A connection to member `to` (an index): read its hello, then forward or refuse. */
  private accept(to: number, client: net.Socket): void {
    const splitter = new FrameSplitter(HANDSHAKE_MAX_FRAME_BYTES);
    const early: Buffer[] = [];
    client.on('error', () => client.destroy());
    const onData = (chunk: Buffer) => {
      early.push(chunk);
      let hello: unknown;
      try {
        const payload = splitter.push(chunk)[0];
        if (payload === undefined) return; // The hello is not complete yet.
        hello = decodePayload(payload);
      } catch {
        client.destroy();
        return;
      }
      client.off('data', onData);
      const { from, to: toId } = hello as { from?: unknown; to?: unknown };
      if (typeof from !== 'number' || typeof toId !== 'number') {
        client.destroy();
        return;
      }
      this.raftIds.set(to, toId);
      if (this.blocked.has(`${from}->${toId}`)) {
        this.counters.refused++;
        client.destroy();
        return;
      }
      this.forward(from, toId, to, client, early);
    };
    client.on('data', onData);
  }

  private forward(from: number, to: number, index: number, client: net.Socket, early: Buffer[]) {
    client.pause();
    const upstream = net.connect({ host: '127.0.0.1', port: this.targets.get(index) as number });
    const link: Link = { from, to, sockets: [client, upstream] };
    this.links.add(link);
    this.counters.forwarded++;
    const close = () => {
      this.links.delete(link);
      client.destroy();
      upstream.destroy();
    };
    for (const s of link.sockets) s.on('error', close).on('close', close);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    upstream.write(Buffer.concat(early));
    client.pipe(upstream);
    upstream.pipe(client);
    client.resume();
  }
}
