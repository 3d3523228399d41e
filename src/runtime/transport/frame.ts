// Length-prefixed frames on a byte stream: a 4-byte big-endian payload length, then the
// payload in the shared codec (core/codec.ts, MessagePack). The decoder checks the length
// BEFORE buffering the payload, so an oversized (or garbage) header costs nothing but the
// connection — a peer cannot make us allocate more than `maxFrameBytes`.
//
// Fault model: the bytes may be anything (a buggy or hostile peer, a port scanner). Every
// malformed input becomes a `FrameError` naming the reason; the caller closes that one
// connection and keeps running.

import { decode, encode } from '../../core/codec.js';

export const FRAME_HEADER_BYTES = 4;
/** The default bound on one frame's payload: generous for Raft batches and snapshots. */
export const DEFAULT_MAX_FRAME_BYTES = 16 * 1024 * 1024;

export type FrameErrorReason = 'oversized' | 'empty' | 'undecodable';

export class FrameError extends Error {
  override readonly name = 'FrameError';
  constructor(
    readonly reason: FrameErrorReason,
    message: string,
  ) {
    super(message);
  }
}

/** The frame carrying `value`: header and payload in one buffer (one socket write). */
export function encodeFrame(value: unknown, maxFrameBytes = DEFAULT_MAX_FRAME_BYTES): Buffer {
  const payload = encode(value);
  if (payload.length > maxFrameBytes) {
    throw new FrameError('oversized', `frame of ${payload.length} bytes > ${maxFrameBytes}`);
  }
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.length);
  frame.writeUInt32BE(payload.length, 0);
  frame.set(payload, FRAME_HEADER_BYTES);
  return frame;
}

/**
 * Splits a byte stream into raw payloads, checking each length against the bound. The bound
 * may change between frames (`maxFrameBytes`): the transport raises it once a peer has
 * authenticated, so frames are taken one at a time with `next()`.
 */
export class FrameSplitter {
  private chunks: Buffer[] = [];
  private buffered = 0;

  constructor(public maxFrameBytes = DEFAULT_MAX_FRAME_BYTES) {}

  /** Feeds bytes and returns the complete payloads they finish. Throws FrameError. */
  push(chunk: Buffer): Buffer[] {
    this.feed(chunk);
    const payloads: Buffer[] = [];
    for (let p = this.next(); p !== undefined; p = this.next()) payloads.push(p);
    return payloads;
  }

  feed(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
  }

  /** The next complete payload, if the bytes fed hold one. Throws FrameError. */
  next(): Buffer | undefined {
    if (this.buffered < FRAME_HEADER_BYTES) return undefined;
    const length = this.peek(FRAME_HEADER_BYTES).readUInt32BE(0);
    if (length === 0) throw new FrameError('empty', 'empty frame');
    if (length > this.maxFrameBytes) {
      throw new FrameError('oversized', `frame of ${length} bytes > ${this.maxFrameBytes}`);
    }
    if (this.buffered < FRAME_HEADER_BYTES + length) return undefined;
    return this.take(FRAME_HEADER_BYTES + length).subarray(FRAME_HEADER_BYTES);
  }

  /**
   * Copies the pending bytes out of the socket's chunks, so a partial frame holds only its
   * own bytes and not the (up to 64 KiB) chunk it arrived in.
   */
  compact(): void {
    if (this.buffered > 0) this.chunks = [Buffer.concat(this.chunks)]; // Always a copy.
  }

  /** Bytes held for a frame not yet complete. */
  get pendingBytes(): number {
    return this.buffered;
  }

  private peek(bytes: number): Buffer {
    if ((this.chunks[0]?.length ?? 0) < bytes) this.chunks = [Buffer.concat(this.chunks)];
    return this.chunks[0] as Buffer;
  }

  private take(bytes: number): Buffer {
    const all = this.chunks.length === 1 ? (this.chunks[0] as Buffer) : Buffer.concat(this.chunks);
    this.chunks = all.length > bytes ? [all.subarray(bytes)] : [];
    this.buffered -= bytes;
    return all.subarray(0, bytes);
  }
}

/** Decodes one payload; garbage becomes a FrameError, never an exception of the codec's. */
export function decodePayload(payload: Buffer): unknown {
  try {
    return decode(payload);
  } catch (error) {
    throw new FrameError('undecodable', `undecodable payload (${(error as Error).message})`);
  }
}
