// The chaos layer between real processes: one TCP proxy per directed link i → j. Node i's
// peer list points at the proxy, which forwards to node j's real port. Because the
// transport sends i → j traffic only on i's own connection (transport/handshake.ts), a proxy
// per directed link can cut, slow or thin one direction without touching the other.
//
// The proxy understands frames (transport/frame.ts), so faults act on whole messages, as
// in the simulator: `blocked` closes the link's connections and refuses new ones (a
// partition or one-way block); `dropPpm` loses data frames (never the dialer's hello and
// proof, the first two: transport/handshake.ts); `delayMs` holds each frame for a uniform
// time in the range, keeping TCP's FIFO order (a later frame never overtakes an earlier
// one — unlike the simulator, real TCP links do not reorder).
// It forwards the bytes of each frame unchanged, so the handshake's MACs still match. A
// TLS link (its first byte opens a TLS handshake record) is opaque: the proxy forwards the
// chunks it reads, delayed in order; a drop cannot be hidden from TLS (records are
// authenticated and numbered), so there it resets the connection — the messages in flight
// are lost and the dialer reconnects, which the algorithms tolerate as they do loss.
//
// Fault model of the proxy itself: it is the launcher's, trusted; bytes that are not frames
// close both sides of that connection.

import net from 'node:net';
import { FRAME_HEADER_BYTES, FrameSplitter } from '../transport/frame.js';
import type { Address } from '../transport/peer-link.js';

export interface LinkFaults {
  readonly blocked: boolean;
  /** Data frames lost, in parts per million. */
  readonly dropPpm: number;
  /** Added latency per frame, uniform in [min, max] ms. */
  readonly delayMs: readonly [number, number];
}

export const NO_FAULTS: LinkFaults = { blocked: false, dropPpm: 0, delayMs: [0, 0] };

const PPM = 1_000_000;
/** The first byte of a TLS stream: a handshake record (RFC 8446 §5.1). */
const TLS_HANDSHAKE_RECORD = 0x16;
/** Frames of the dialer's handshake (hello, proof): never dropped, like the simulator's. */
const HANDSHAKE_FRAMES = 2;

export class LinkProxy {
  private readonly server: net.Server;
  private readonly pairs = new Set<{ client: net.Socket; upstream: net.Socket }>();
  private faults: LinkFaults = NO_FAULTS;
  readonly counters = { forwarded: 0, dropped: 0, refused: 0 };

  constructor(
    readonly from: number,
    readonly to: number,
    private readonly target: Address,
    private readonly random: () => number = Math.random,
  ) {
    this.server = net.createServer((client) => this.accept(client));
  }

  async listen(port = 0): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => resolve());
    });
    return this.port;
  }

  /** The port the proxy listens on (after `listen`). */
  get port(): number {
    return (this.server.address() as net.AddressInfo).port;
  }

  get current(): LinkFaults {
    return this.faults;
  }

  set(faults: LinkFaults): void {
    this.faults = faults;
    if (faults.blocked) {
      for (const { client, upstream } of this.pairs) {
        client.destroy();
        upstream.destroy();
      }
    }
  }

  async close(): Promise<void> {
    this.set({ ...NO_FAULTS, blocked: true });
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: net.Socket): void {
    if (this.faults.blocked) {
      this.counters.refused++;
      client.destroy();
      return;
    }
    const upstream = net.connect(this.target);
    const pair = { client, upstream };
    this.pairs.add(pair);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    const closeBoth = () => {
      this.pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', closeBoth).on('close', closeBoth);
    upstream.on('error', closeBoth).on('close', closeBoth);
    upstream.pipe(client); // The acceptor's side carries only its handshake.
    const splitter = new FrameSplitter();
    let tls: boolean | undefined;
    let units = 0;
    let dueMs = 0;
    /** Drops, delays or forwards one frame (or, with TLS, one chunk). */
    const pass = (unit: Buffer) => {
      const f = this.faults;
      if (units++ >= HANDSHAKE_FRAMES && f.dropPpm > 0 && this.random() * PPM < f.dropPpm) {
        this.counters.dropped++;
        if (tls === true) closeBoth();
        return;
      }
      this.counters.forwarded++;
      const [lo, hi] = f.delayMs;
      if (hi <= 0 && dueMs <= Date.now()) {
        upstream.write(unit);
        return;
      }
      dueMs = Math.max(dueMs, Date.now() + lo + this.random() * (hi - lo));
      setTimeout(() => upstream.destroyed || upstream.write(unit), dueMs - Date.now());
    };
    client.on('data', (chunk: Buffer) => {
      tls ??= chunk[0] === TLS_HANDSHAKE_RECORD;
      if (tls) return pass(chunk);
      let payloads: Buffer[];
      try {
        payloads = splitter.push(chunk);
      } catch {
        return closeBoth();
      }
      for (const payload of payloads) {
        const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.length);
        frame.writeUInt32BE(payload.length, 0);
        frame.set(payload, FRAME_HEADER_BYTES);
        pass(frame);
        if (client.destroyed) return;
      }
    });
  }
}
