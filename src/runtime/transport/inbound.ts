// The accepting side of one connection: the handshake (handshake.ts) and then the peer's
// messages, in arrival order. Until the peer has authenticated, every frame is bounded by
// HANDSHAKE_MAX_FRAME_BYTES (a larger length header closes the connection before its
// payload is buffered) and at most one such partial frame is held, copied out of the socket's
// chunk; only the hello and the proof are decoded. After it, frames get the transport's
// normal bound and must be messages.
//
// Fault model: the stream may carry anything. Every bad input closes this connection through
// `reject` with a reason; nothing here throws on peer input.

import type net from 'node:net';
import type { Message, NodeId } from '../../core/process.js';
import { decodePayload, encodeFrame, FrameError, FrameSplitter } from './frame.js';
import {
  checkHello,
  checkProof,
  freshNonce,
  HANDSHAKE_MAX_FRAME_BYTES,
  type Hello,
  handshakeMac,
  isMessage,
  PROTOCOL_VERSION,
  type RejectReason,
  type Welcome,
} from './handshake.js';

export interface InboundContext {
  readonly cluster: string;
  readonly self: NodeId;
  readonly known: ReadonlySet<NodeId>;
  /** The handshake MAC key (secret mode only). */
  readonly key: Buffer | undefined;
  readonly maxFrameBytes: number;
  /** Called once, when the peer has proved who it is. */
  readonly authenticated: (conn: Inbound) => void;
  readonly onMessage: (from: NodeId, message: Message) => void;
  readonly reject: (conn: Inbound, reason: RejectReason, detail: string) => void;
}

type Phase = 'hello' | 'proof' | 'open';

export class Inbound {
  private phase: Phase = 'hello';
  /** The node the hello claims to be; trusted only once `phase` is 'open'. */
  claimed: NodeId | undefined;
  private expectedProof: Buffer | undefined;
  private readonly splitter = new FrameSplitter(HANDSHAKE_MAX_FRAME_BYTES);

  /**
   * @param certificateNode with TLS, the node the peer's (verified) certificate names, or
   *   null when it names none; undefined without TLS.
   */
  constructor(
    readonly stream: net.Socket,
    readonly remote: string,
    private readonly c: InboundContext,
    private readonly certificateNode?: NodeId | null,
  ) {}

  /** The authenticated peer, or undefined before the handshake is complete. */
  get from(): NodeId | undefined {
    return this.phase === 'open' ? this.claimed : undefined;
  }

  onData(chunk: Buffer): void {
    try {
      this.splitter.feed(chunk);
      for (let p = this.splitter.next(); p !== undefined; p = this.splitter.next()) {
        if (this.stream.destroyed) return;
        this.onFrame(decodePayload(p));
      }
      if (this.phase !== 'open') this.splitter.compact();
    } catch (error) {
      if (!(error instanceof FrameError)) throw error;
      const reason = error.reason === 'oversized' ? 'oversized-frame' : 'garbage';
      this.c.reject(this, reason, error.message);
    }
  }

  private onFrame(value: unknown): void {
    if (this.phase === 'open') {
      if (!isMessage(value)) return this.c.reject(this, 'not-a-message', 'no string type');
      return this.c.onMessage(this.claimed as NodeId, value);
    }
    if (this.phase === 'hello') return this.onHello(value);
    const checked = checkProof(value, this.expectedProof as Buffer);
    if (!checked.ok) return this.c.reject(this, checked.reason, checked.detail);
    this.open();
  }

  private onHello(value: unknown): void {
    const c = this.c;
    const checked = checkHello(value, c.cluster, c.self, c.known);
    if (!checked.ok) return c.reject(this, checked.reason, checked.detail);
    const hello: Hello = checked.value;
    this.claimed = hello.from;
    if (this.certificateNode !== undefined && this.certificateNode !== hello.from) {
      const named = this.certificateNode ?? 'none';
      return c.reject(this, 'wrong-certificate', `certificate names node ${named}`);
    }
    const nonce = freshNonce();
    const welcome: Welcome = {
      kind: 'welcome',
      protocol: PROTOCOL_VERSION,
      cluster: c.cluster,
      node: c.self,
      nonce,
    };
    if (c.key === undefined) {
      this.open(); // TLS (the certificate matched) or no authentication at all.
      this.stream.write(encodeFrame(welcome));
      return;
    }
    const t = {
      cluster: c.cluster,
      dialer: hello.from,
      acceptor: c.self,
      dialerNonce: hello.nonce,
      acceptorNonce: nonce,
    };
    this.expectedProof = handshakeMac(c.key, 'dialer', t);
    this.phase = 'proof';
    this.stream.write(encodeFrame({ ...welcome, mac: handshakeMac(c.key, 'acceptor', t) }));
  }

  private open(): void {
    this.phase = 'open';
    this.splitter.maxFrameBytes = this.c.maxFrameBytes;
    this.c.authenticated(this);
  }
}
