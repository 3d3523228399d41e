// One write-ahead-log record on disk:
//
//   u32 LE  payload length
//   u32 LE  CRC32C of the 8 sequence bytes and the payload
//   u64 LE  sequence number (1, 2, 3, … with no gaps across segments)
//   …       payload: the shared codec (msgpack) of the storage operation
//
// The checksum covers the sequence number so a record copied to the wrong place is caught.
//
// Fault model: a crash can leave the last record torn (short, or with garbage); a disk can
// flip bits anywhere. `readRecord` reports either as `bad` and never throws.

import { crc32c } from '@node-rs/crc32';
import { decode, encode } from '../../core/codec.js';

export const HEADER_BYTES = 16;
/** A record larger than this is treated as corrupt (a length field gone wrong). */
export const MAX_PAYLOAD_BYTES = 64 * 1024 * 1024;

export type WalOp = readonly ['set', string, unknown] | readonly ['delete', string];

export interface WalRecord {
  readonly seq: number;
  readonly op: WalOp;
}

export function encodeRecord(seq: number, op: WalOp): Buffer {
  const payload = encode(op);
  const out = Buffer.alloc(HEADER_BYTES + payload.length);
  out.writeUInt32LE(payload.length, 0);
  out.writeBigUInt64LE(BigInt(seq), 8);
  out.set(payload, HEADER_BYTES);
  out.writeUInt32LE(crc32c(out.subarray(8)), 4);
  return out;
}

export type ReadResult =
  | { readonly kind: 'ok'; readonly record: WalRecord; readonly next: number }
  | { readonly kind: 'end' }
  | { readonly kind: 'bad'; readonly why: string };

function isOp(x: unknown): x is WalOp {
  if (!Array.isArray(x) || typeof x[1] !== 'string') return false;
  return (x[0] === 'set' && x.length === 3) || (x[0] === 'delete' && x.length === 2);
}

/** The record starting at `offset` of `buf`. */
export function readRecord(buf: Buffer, offset: number): ReadResult {
  if (offset === buf.length) return { kind: 'end' };
  if (buf.length - offset < HEADER_BYTES) return { kind: 'bad', why: 'short header' };
  const length = buf.readUInt32LE(offset);
  if (length > MAX_PAYLOAD_BYTES) return { kind: 'bad', why: `length ${length} too large` };
  const end = offset + HEADER_BYTES + length;
  if (end > buf.length) return { kind: 'bad', why: 'short payload' };
  if (crc32c(buf.subarray(offset + 8, end)) !== buf.readUInt32LE(offset + 4))
    return { kind: 'bad', why: 'checksum mismatch' };
  const seq = Number(buf.readBigUInt64LE(offset + 8));
  let op: unknown;
  try {
    op = decode(buf.subarray(offset + HEADER_BYTES, end));
  } catch {
    return { kind: 'bad', why: 'undecodable payload' };
  }
  if (!isOp(op)) return { kind: 'bad', why: 'not a storage operation' };
  return { kind: 'ok', record: { seq, op }, next: end };
}

/** Whether a valid record of a sequence number above `afterSeq` starts anywhere past `from`. */
export function validRecordAfter(buf: Buffer, from: number, afterSeq: number): boolean {
  for (let at = from + 1; at + HEADER_BYTES <= buf.length; at++) {
    const r = readRecord(buf, at);
    if (r.kind === 'ok' && r.record.seq > afterSeq) return true;
  }
  return false;
}
