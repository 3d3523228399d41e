// TCP between the nodes of one cluster: a listening socket for inbound links and one
// dialled `PeerLink` per peer for outbound messages. Inbound connections must open with a
// valid `Hello`; after that every frame must be a message (an object with a string `type`),
// handed to `onMessage` in arrival order.
//
// Fault model: anything may connect and send anything. Garbage, an oversized frame, a wrong
// cluster id, an unknown node id or a silent connection (no hello within the timeout)
// closes THAT connection with a structured log line naming the reason; the node keeps
// running. A peer that reconnects replaces its previous inbound connection.

import net from 'node:net';
import type { Logger } from 'pino';
import type { Message, NodeId } from '../../core/process.js';
import {
  DEFAULT_MAX_FRAME_BYTES,
  decodePayload,
  encodeFrame,
  FrameError,
  FrameSplitter,
} from './frame.js';
import {
  checkHello,
  isMessage,
  PROTOCOL_VERSION,
  type RejectReason,
  type Welcome,
} from './handshake.js';
import { type Address, type BackoffOptions, DEFAULT_BACKOFF, PeerLink } from './peer-link.js';
import { DEFAULT_QUEUE_LIMITS, type SendQueueLimits } from './send-queue.js';

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
  readonly handshakeTimeoutMs?: number;
}

export interface TransportStats {
  /** Frames dropped by full send queues, per peer. */
  readonly dropped: Record<number, number>;
  readonly queued: Record<number, number>;
  readonly rejected: number;
}

export class Transport {
  private readonly server: net.Server;
  private readonly links = new Map<NodeId, PeerLink>();
  private readonly inbound = new Map<NodeId, net.Socket>();
  private readonly sockets = new Set<net.Socket>();
  private readonly known: ReadonlySet<NodeId>;
  private readonly maxFrameBytes: number;
  private rejected = 0;

  constructor(private readonly o: TransportOptions) {
    this.maxFrameBytes = o.maxFrameBytes ?? DEFAULT_MAX_FRAME_BYTES;
    this.known = new Set([o.self, ...o.peers.keys()]);
    this.server = net.createServer((socket) => this.accept(socket));
    for (const [peer, address] of o.peers) {
      if (peer === o.self) continue;
      const link = new PeerLink({
        cluster: o.cluster,
        self: o.self,
        peer,
        address,
        maxFrameBytes: this.maxFrameBytes,
        queue: o.queue ?? DEFAULT_QUEUE_LIMITS,
        backoff: o.backoff ?? DEFAULT_BACKOFF,
        handshakeTimeoutMs: o.handshakeTimeoutMs ?? 5_000,
        log: o.log,
      });
      this.links.set(peer, link);
    }
  }

  /** Listens, then starts dialling every peer; resolves with the bound port. */
  async start(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.o.listen.port, this.o.listen.host, () => resolve());
    });
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
    return { dropped, queued, rejected: this.rejected };
  }

  isConnected(peer: NodeId): boolean {
    return this.links.get(peer)?.connected === true;
  }

  async close(): Promise<void> {
    for (const link of this.links.values()) link.close();
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(socket: net.Socket): void {
    this.sockets.add(socket);
    socket.setNoDelay(true);
    const remote = `${socket.remoteAddress}:${socket.remotePort}`;
    const splitter = new FrameSplitter(this.maxFrameBytes);
    let from: NodeId | undefined;
    const reject = (reason: RejectReason, detail: string) => {
      this.rejected++;
      this.o.log.warn({ remote, from, reason, detail }, 'closing connection');
      socket.destroy();
    };
    const timeout = setTimeout(
      () => reject('handshake-timeout', 'no hello'),
      this.o.handshakeTimeoutMs ?? 5_000,
    );
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const payload of splitter.push(chunk)) {
          if (socket.destroyed) return;
          const value = decodePayload(payload);
          if (from === undefined) {
            const checked = checkHello(value, this.o.cluster, this.o.self, this.known);
            if (!checked.ok) return reject(checked.reason, checked.detail);
            clearTimeout(timeout);
            from = checked.value.from;
            this.adopt(from, socket);
          } else if (!isMessage(value)) {
            return reject('not-a-message', 'frame without a string type');
          } else {
            this.o.onMessage(from, value);
          }
        }
      } catch (error) {
        if (!(error instanceof FrameError)) throw error;
        reject(error.reason === 'oversized' ? 'oversized-frame' : 'garbage', error.message);
      }
    });
    socket.on('error', () => {}); // 'close' follows.
    socket.on('close', () => {
      clearTimeout(timeout);
      this.sockets.delete(socket);
      if (from !== undefined && this.inbound.get(from) === socket) this.inbound.delete(from);
    });
  }

  /** The newest connection from a peer wins: its old one is half-open or about to die. */
  private adopt(from: NodeId, socket: net.Socket): void {
    const old = this.inbound.get(from);
    if (old !== undefined && old !== socket) old.destroy();
    this.inbound.set(from, socket);
    const welcome: Welcome = {
      kind: 'welcome',
      protocol: PROTOCOL_VERSION,
      cluster: this.o.cluster,
      node: this.o.self,
    };
    socket.write(encodeFrame(welcome));
  }
}
