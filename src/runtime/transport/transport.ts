// TCP (or TLS) between the nodes of one cluster: a listening socket for inbound links and
// one dialled `PeerLink` per peer for outbound messages. Inbound connections must first
// authenticate (handshake.ts, peer-auth.ts); after that every frame must be a message (an
// object with a string `type`), handed to `onMessage` in arrival order.
//
// Fault model: anything may connect and send anything. Garbage, an oversized frame, a wrong
// cluster id, an unknown node id, a failed MAC or certificate, or a connection that has not
// authenticated within the handshake timeout closes THAT connection with a warn log line
// naming the remote address and the reason (counted in `stats().rejected`); the node keeps
// running. Before authentication a connection costs at most one handshake-sized frame
// (inbound.ts), and at most `maxUnauthenticated` connections may be authenticating at once
// (more are closed on arrival). A peer's newer connection replaces its older one only once
// it has authenticated (a restarted peer reconnects; an impostor evicts nobody).
//
// Peers may change at runtime (a coordination-server member added, moved or removed):
// `addPeer` starts dialling a new one (or re-dials a known one at a new address),
// `removePeer` stops dialling it, drops its queue and closes its inbound connection; from
// then on its hellos are refused as an unknown node's.

import net from 'node:net';
import tls from 'node:tls';
import type { Logger } from 'pino';
import type { Message, NodeId } from '../../core/process.js';
import { DEFAULT_MAX_FRAME_BYTES, encodeFrame, FrameError } from './frame.js';
import type { RejectReason } from './handshake.js';
import { Inbound, type InboundContext } from './inbound.js';
import {
  handshakeKey,
  type PeerAuth,
  peerCertificateNodeId,
  tlsServerOptions,
} from './peer-auth.js';
import { type Address, type BackoffOptions, DEFAULT_BACKOFF, PeerLink } from './peer-link.js';
import { DEFAULT_QUEUE_LIMITS, type SendQueueLimits } from './send-queue.js';

export type { PeerAuth } from './peer-auth.js';

/** Connections allowed to be authenticating at once (a cluster needs one per peer). */
export const DEFAULT_MAX_UNAUTHENTICATED = 64;

export interface TransportOptions {
  readonly cluster: string;
  readonly self: NodeId;
  /** Where to reach every other node (this node's own entry, if present, is ignored). */
  readonly peers: ReadonlyMap<NodeId, Address>;
  readonly listen: Address;
  readonly onMessage: (from: NodeId, message: Message) => void;
  readonly log: Logger;
  readonly maxFrameBytes?: number;
  readonly queue?: SendQueueLimits;
  readonly backoff?: BackoffOptions;
  /** How peers prove who they are (peer-auth.ts); both sides of a link must agree. */
  readonly auth: PeerAuth;
  /** Covers the whole handshake, TLS included. */
  readonly handshakeTimeoutMs?: number;
  readonly maxUnauthenticated?: number;
}

export interface TransportStats {
  /** Frames dropped by full send queues, per peer. */
  readonly dropped: Record<number, number>;
  readonly queued: Record<number, number>;
  /** Inbound connections closed for a reason, in all and by reason. */
  readonly rejected: number;
  readonly rejectedBy: Partial<Record<RejectReason, number>>;
}

/** One accepted TCP connection until it authenticates (or dies). */
interface Pending {
  readonly raw: net.Socket;
  readonly timer: NodeJS.Timeout;
  conn?: Inbound;
}

export class Transport {
  private readonly server: net.Server;
  private readonly tlsServer: tls.Server | undefined;
  private readonly links = new Map<NodeId, PeerLink>();
  private readonly addresses = new Map<NodeId, Address>();
  private readonly inbound = new Map<NodeId, Inbound>();
  private readonly pending = new Map<string, Pending>();
  private readonly sockets = new Set<net.Socket>();
  private readonly context: InboundContext;
  /** The ids whose hellos are accepted: this node and its current peers. */
  private readonly known: Set<NodeId>;
  private started = false;
  private closed = false;
  private readonly key: Buffer | undefined;
  private readonly maxFrameBytes: number;
  private readonly handshakeTimeoutMs: number;
  private rejected = 0;
  private readonly rejectedBy: Partial<Record<RejectReason, number>> = {};

  constructor(private readonly o: TransportOptions) {
    this.maxFrameBytes = o.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    this.handshakeTimeoutMs = o.handshakeTimeoutMs ?? 5_000;
    const key = o.auth.kind === 'secret' ? handshakeKey(o.auth.secret) : undefined;
    this.key = key;
    this.known = new Set([o.self, ...o.peers.keys()]);
    this.context = {
      cluster: o.cluster,
      self: o.self,
      known: this.known,
      key,
      maxFrameBytes: this.maxFrameBytes,
      authenticated: (conn) => this.adopt(conn),
      onMessage: o.onMessage,
      reject: (conn, reason, detail) => this.reject(conn.remote, reason, detail, conn),
    };
    this.server = net.createServer((socket) => this.accept(socket));
    if (o.auth.kind === 'tls') {
      // Sockets reach it only through emit('connection') (accept); it never listens.
      const server = tls.createServer(tlsServerOptions(o.auth));
      server.on('secureConnection', (socket) => this.secured(socket));
      server.on('tlsClientError', (error, socket) =>
        this.reject(remoteOf(socket), 'tls-error', error.message),
      );
      this.tlsServer = server;
    }
    for (const [peer, address] of o.peers) {
      if (peer !== o.self) this.links.set(peer, this.link(peer, address));
    }
  }

  private link(peer: NodeId, address: Address): PeerLink {
    this.addresses.set(peer, address);
    return new PeerLink({
      cluster: this.o.cluster,
      self: this.o.self,
      peer,
      address,
      maxFrameBytes: this.maxFrameBytes,
      queue: this.o.queue ?? DEFAULT_QUEUE_LIMITS,
      backoff: this.o.backoff ?? DEFAULT_BACKOFF,
      handshakeTimeoutMs: this.handshakeTimeoutMs,
      auth: this.o.auth,
      key: this.key,
      log: this.o.log,
    });
  }

  /**
   * Adds a peer (or moves a known one to `address`): its hellos are accepted and, once the
   * transport has started, it is dialled. A move drops what was queued for the old address.
   */
  addPeer(peer: NodeId, address: Address): void {
    if (peer === this.o.self || this.closed) return;
    const old = this.links.get(peer);
    const at = this.addresses.get(peer);
    if (old !== undefined && at !== undefined && sameAddress(at, address)) return;
    old?.close();
    this.known.add(peer);
    const link = this.link(peer, address);
    this.links.set(peer, link);
    if (this.started) link.start();
  }

  /** Forgets a peer: no more dialling, its queue dropped, its inbound connection closed. */
  removePeer(peer: NodeId): void {
    if (peer === this.o.self) return;
    this.links.get(peer)?.close();
    this.links.delete(peer);
    this.addresses.delete(peer);
    this.known.delete(peer);
    this.inbound.get(peer)?.stream.destroy();
    this.inbound.delete(peer);
  }

  /** The peers this transport dials, with their addresses. */
  peers(): Map<NodeId, Address> {
    return new Map(this.addresses);
  }

  /** Listens, then starts dialling every peer; resolves with the bound port. */
  async start(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.o.listen.port, this.o.listen.host, () => resolve());
    });
    this.started = true;
    for (const link of this.links.values()) link.start();
    return (this.server.address() as net.AddressInfo).port;
  }

  /** Queues `message` for `to`; false when `to` is not a peer (or the frame is too large). */
  send(to: NodeId, message: Message): boolean {
    const link = this.links.get(to);
    if (link === undefined) return false;
    let frame: Buffer;
    try {
      frame = encodeFrame(message, this.maxFrameBytes);
    } catch (error) {
      if (!(error instanceof FrameError)) throw error;
      this.o.log.error({ to, type: message.type, detail: error.message }, 'message not sent');
      return false;
    }
    link.send(frame);
    return true;
  }

  stats(): TransportStats {
    const dropped: Record<number, number> = {};
    const queued: Record<number, number> = {};
    for (const [peer, link] of this.links) {
      dropped[peer] = link.queue.dropped;
      queued[peer] = link.queue.length;
    }
    return { dropped, queued, rejected: this.rejected, rejectedBy: { ...this.rejectedBy } };
  }

  isConnected(peer: NodeId): boolean {
    return this.links.get(peer)?.connected === true;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const link of this.links.values()) link.close();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(raw: net.Socket): void {
    const remote = remoteOf(raw);
    const limit = this.o.maxUnauthenticated ?? DEFAULT_MAX_UNAUTHENTICATED;
    if (this.pending.size >= limit) {
      raw.destroy();
      return this.reject(remote, 'too-many-unauthenticated', `${limit} are authenticating`);
    }
    raw.setNoDelay(true);
    const timer = setTimeout(() => {
      const conn = this.pending.get(remote)?.conn;
      this.reject(remote, 'handshake-timeout', 'not authenticated in time', conn);
      raw.destroy();
    }, this.handshakeTimeoutMs);
    this.pending.set(remote, { raw, timer });
    this.track(raw, () => this.settle(remote));
    if (this.tlsServer === undefined) this.open(raw, undefined);
    else this.tlsServer.emit('connection', raw);
  }

  /** TLS: the handshake verified the peer's certificate against the cluster's CA. */
  private secured(socket: tls.TLSSocket): void {
    const node = peerCertificateNodeId(socket.getPeerCertificate()) ?? null;
    this.open(socket, node);
  }

  private open(stream: net.Socket, certificateNode: NodeId | null | undefined): void {
    const remote = remoteOf(stream);
    const pending = this.pending.get(remote);
    if (pending === undefined) return void stream.destroy(); // Timed out meanwhile.
    const conn = new Inbound(stream, remote, this.context, certificateNode);
    pending.conn = conn;
    if (stream !== pending.raw) this.track(stream, () => this.settle(remote));
    stream.on('data', (chunk: Buffer) => conn.onData(chunk));
    stream.on('close', () => {
      const from = conn.from;
      if (from !== undefined && this.inbound.get(from) === conn) this.inbound.delete(from);
    });
  }

  private track(socket: net.Socket, onClose: () => void): void {
    this.sockets.add(socket);
    socket.on('error', () => {}); // 'close' follows.
    socket.on('close', () => {
      this.sockets.delete(socket);
      onClose();
    });
  }

  /** The connection from `remote` authenticated or closed: it no longer counts as pending. */
  private settle(remote: string): void {
    const pending = this.pending.get(remote);
    if (pending === undefined) return;
    clearTimeout(pending.timer);
    this.pending.delete(remote);
  }

  /** The newest AUTHENTICATED connection from a peer wins: its old one is half-open or dead. */
  private adopt(conn: Inbound): void {
    this.settle(conn.remote);
    const from = conn.from as NodeId;
    const old = this.inbound.get(from);
    if (old !== undefined && old !== conn) old.stream.destroy();
    this.inbound.set(from, conn);
  }

  private reject(remote: string, reason: RejectReason, detail: string, conn?: Inbound): void {
    this.rejected++;
    this.rejectedBy[reason] = (this.rejectedBy[reason] ?? 0) + 1;
    this.o.log.warn({ remote, from: conn?.claimed, reason, detail }, 'closing connection');
    if (conn !== undefined) {
      conn.stream.destroy();
      this.pending.get(remote)?.raw.destroy();
    }
  }
}

function sameAddress(a: Address, b: Address): boolean {
  return a.host === b.host && a.port === b.port;
}

function remoteOf(socket: net.Socket): string {
  return `${socket.remoteAddress}:${socket.remotePort}`;
}
