// The dialling side of one directed link (this node → one peer): connect (TCP, or TLS with
// the peer's certificate checked to name it), handshake (handshake.ts: hello, the acceptor's
// welcome checked — with its MAC in secret mode — and our proof), drain the bounded send
// queue into the socket, and reconnect after any failure with exponential backoff and full
// jitter (so restarted nodes do not reconnect in lockstep).
//
// Fault model: the peer may be down, slow, restarted, or not Cohort at all (or an impostor
// listening on its port: it cannot produce the welcome's MAC or a certificate naming the
// peer, and it can make us buffer at most one handshake-sized frame). Frames queued
// while the link is down wait (up to the queue's bound, then the oldest go); frames already
// handed to a socket that then breaks are lost — the algorithms tolerate loss. Backpressure:
// we stop writing when `socket.write` returns false and resume on 'drain', so at most one
// socket high-water mark of bytes sits in the kernel path beyond the bounded queue.

import net from 'node:net';
import tls from 'node:tls';
import type { Logger } from 'pino';
import type { NodeId } from '../../core/process.js';
import { decodePayload, encodeFrame, FrameError, FrameSplitter } from './frame.js';
import {
  checkWelcome,
  freshNonce,
  HANDSHAKE_MAX_FRAME_BYTES,
  type Hello,
  handshakeMac,
  macMatches,
  PROTOCOL_VERSION,
  type Proof,
  type Welcome,
} from './handshake.js';
import { type PeerAuth, tlsClientOptions } from './peer-auth.js';
import { SendQueue, type SendQueueLimits } from './send-queue.js';

export interface Address {
  readonly host: string;
  readonly port: number;
}

export interface BackoffOptions {
  readonly initialMs: number;
  readonly maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 50, maxMs: 2_000 };

/** The wait before reconnect attempt `attempt` (0-based): full jitter in [cap/2, cap]. */
export function backoffMs(attempt: number, o: BackoffOptions, random = Math.random): number {
  const cap = Math.min(o.maxMs, o.initialMs * 2 ** Math.min(attempt, 30));
  return Math.round(cap / 2 + random() * (cap / 2));
}

export interface PeerLinkOptions {
  readonly cluster: string;
  readonly self: NodeId;
  readonly peer: NodeId;
  readonly address: Address;
  readonly maxFrameBytes: number;
  readonly queue: SendQueueLimits;
  readonly backoff: BackoffOptions;
  readonly handshakeTimeoutMs: number;
  readonly auth: PeerAuth;
  /** The handshake MAC key (secret mode only). */
  readonly key: Buffer | undefined;
  readonly log: Logger;
}

export class PeerLink {
  readonly queue: SendQueue;
  private socket: net.Socket | undefined;
  private ready = false;
  private attempt = 0;
  private retry: NodeJS.Timeout | undefined;
  private closed = false;
  private loggedDown = false;
  private lastError: string | undefined;
  private flushScheduled = false;

  constructor(private readonly o: PeerLinkOptions) {
    this.queue = new SendQueue(o.queue);
  }

  start(): void {
    this.connect();
  }

  /** Queues a frame (dropping the oldest beyond the bound) and writes what the socket takes. */
  send(frame: Buffer): void {
    if (this.closed) return;
    const dropped = this.queue.push(frame);
    if (dropped > 0 && this.queue.dropped === dropped) {
      this.o.log.warn(
        { peer: this.o.peer, queued: this.queue.length },
        'send queue full: dropping oldest',
      );
    }
    // One flush per turn of the event loop: the frames every step of this turn sends to
    // this peer leave in one writev system call instead of one write each.
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => {
      this.flushScheduled = false;
      this.flush();
    });
  }

  get connected(): boolean {
    return this.ready;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.retry);
    this.socket?.destroy();
  }

  private connect(): void {
    if (this.closed) return;
    const { host, port } = this.o.address;
    const auth = this.o.auth;
    const socket =
      auth.kind === 'tls'
        ? tls.connect({ host, port, ...tlsClientOptions(auth, this.o.peer) })
        : net.connect({ host, port });
    this.socket = socket;
    socket.setNoDelay(true);
    // The acceptor sends nothing but its welcome: a handshake-sized bound for good.
    const splitter = new FrameSplitter(HANDSHAKE_MAX_FRAME_BYTES);
    const nonce = freshNonce();
    const timeout = setTimeout(
      () => this.fail(socket, 'handshake-timeout'),
      this.o.handshakeTimeoutMs,
    );
    socket.on(auth.kind === 'tls' ? 'secureConnect' : 'connect', () => {
      const hello: Hello = {
        kind: 'hello',
        protocol: PROTOCOL_VERSION,
        cluster: this.o.cluster,
        from: this.o.self,
        to: this.o.peer,
        nonce,
      };
      socket.write(encodeFrame(hello));
    });
    socket.on('data', (chunk: Buffer) => {
      try {
        for (const payload of splitter.push(chunk)) {
          if (this.ready) return this.fail(socket, 'garbage', 'acceptor sent data after welcome');
          const checked = checkWelcome(decodePayload(payload), this.o.cluster, this.o.peer);
          if (!checked.ok) return this.fail(socket, checked.reason, checked.detail);
          if (!this.prove(socket, nonce, checked.value)) return;
          clearTimeout(timeout);
          this.opened();
        }
      } catch (error) {
        if (!(error instanceof FrameError)) throw error;
        this.fail(
          socket,
          error.reason === 'oversized' ? 'oversized-frame' : 'garbage',
          error.message,
        );
      }
    });
    socket.on('drain', () => this.flush());
    socket.on('error', (error) => {
      this.lastError = error.message; // 'close' follows; logged with the link going down.
    });
    socket.on('close', () => {
      clearTimeout(timeout);
      if (this.socket === socket) this.down();
    });
  }

  /** Secret mode: checks the acceptor's MAC and sends ours (handshake.ts). */
  private prove(socket: net.Socket, nonce: Buffer, welcome: Welcome): boolean {
    const key = this.o.key;
    if (key === undefined) return true;
    const t = {
      cluster: this.o.cluster,
      dialer: this.o.self,
      acceptor: this.o.peer,
      dialerNonce: nonce,
      acceptorNonce: welcome.nonce,
    };
    if (!macMatches(welcome.mac, handshakeMac(key, 'acceptor', t))) {
      this.fail(socket, 'bad-mac', 'the welcome does not match the cluster secret');
      return false;
    }
    const proof: Proof = { kind: 'proof', mac: handshakeMac(key, 'dialer', t) };
    socket.write(encodeFrame(proof));
    return true;
  }

  private opened(): void {
    this.ready = true;
    this.attempt = 0;
    this.loggedDown = false;
    this.lastError = undefined;
    this.o.log.info({ peer: this.o.peer, address: this.o.address }, 'link up');
    this.flush();
  }

  private flush(): void {
    const socket = this.socket;
    if (!this.ready || socket === undefined || socket.writableNeedDrain) return;
    socket.cork();
    try {
      for (let frame = this.queue.shift(); frame !== undefined; frame = this.queue.shift()) {
        if (!socket.write(frame)) return; // Resume on 'drain'.
      }
    } finally {
      socket.uncork();
    }
  }

  private fail(socket: net.Socket, reason: string, detail?: string): void {
    this.o.log.warn(
      { peer: this.o.peer, address: this.o.address, reason, detail },
      'closing connection',
    );
    socket.destroy();
  }

  private down(): void {
    const wasReady = this.ready;
    this.ready = false;
    this.socket = undefined;
    if (this.closed) return;
    if (wasReady || !this.loggedDown) {
      const { peer, address } = this.o;
      const error = this.lastError;
      this.o.log.info(
        { peer, address, queued: this.queue.length, error },
        'link down; reconnecting',
      );
      this.loggedDown = true;
    }
    const wait = backoffMs(this.attempt++, this.o.backoff);
    this.retry = setTimeout(() => this.connect(), wait);
  }
}
