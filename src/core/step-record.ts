// The write-ahead log's record format and its replay, as pure functions over bytes (no file
// system, no Node built-ins), so the simulator's storage fault model can reuse exactly the
// recovery the real WAL does. One record holds ALL the storage writes of one step, so a
// crash restores whole steps only (ARCHITECTURE.md: a step is one atomic unit on disk).
//
//   u8[4]   magic C0 48 57 and the format version, 02
//   u32 LE  payload length
//   u32 LE  CRC32C of everything after this field (sequence number and payload)
//   u64 LE  sequence number (one per step: 1, 2, 3, … with no gaps across segments)
//   …       payload: the shared codec (msgpack) of the step's list of operations,
//           ['set', key, value] or ['delete', key], in the order the step made them
//
// Format 1 (before issue 14) held one operation per record and began with its length; such
// a WAL is NOT readable by this version: opening one is refused, never cut as a torn tail.
//
// The checksum function is a parameter: the runtime passes the native `@node-rs/crc32`, a
// browser the pure `crc32cJs` (core/crc32c.ts); both compute the same CRC-32C.
//
// Fault model: a crash can leave the last record torn (short, or ending in garbage or
// zeros); a disk can flip bits anywhere. Reading reports either as `bad` and never throws.

import { decode, encode } from './codec.js';

export type Crc32c = (bytes: Uint8Array) => number;

export type WalOp = readonly ['set', string, unknown] | readonly ['delete', string];

export interface StepRecord {
  readonly seq: number;
  readonly ops: readonly WalOp[];
}

export const FORMAT_VERSION = 2;
const MAGIC = Uint8Array.of(0xc0, 0x48, 0x57, FORMAT_VERSION);
export const HEADER_BYTES = 20;
/** A record larger than this is treated as corrupt (a length field gone wrong). */
export const MAX_PAYLOAD_BYTES = 256 * 1024 * 1024;

// msgpack is concatenative: an array is its header followed by its elements' encodings, so a
// step's payload is assembled operation by operation, straight into the buffer that goes to
// the disk (the runtime encodes each operation as it is made; see `putSetOp`, `sealStep`).
const SET_PREFIX = Uint8Array.of(0x93, ...encode('set'));
const DELETE_PREFIX = Uint8Array.of(0x92, ...encode('delete'));

/** Bytes before a step's first operation: the header and a one-byte array header. */
export const STEP_START_BYTES = HEADER_BYTES + 1;
/** Bytes `sealStep` may need past the operations (a 5-byte array header moves them). */
export const SEAL_SLACK_BYTES = 4;

/** The length of msgpack's array header for `n` elements. */
const arrayHeaderBytes = (n: number) => (n < 16 ? 1 : n < 0x10000 ? 3 : 5);

/** Writes msgpack's array header for `n` elements at `at`; returns where it ends. */
function putArrayHeader(out: Uint8Array, at: number, n: number): number {
  if (n < 16) {
    out[at] = 0x90 | n;
    return at + 1;
  }
  if (n < 0x10000) {
    out.set([0xdc, n >>> 8, n & 0xff], at);
    return at + 3;
  }
  out.set([0xdd, n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff], at);
  return at + 5;
}

type WellFormed = string & { isWellFormed(): boolean }; // ES2024, in Node 20.

/** Whether the codec gives `s` back unchanged (a lone surrogate comes back as U+FFFD). */
export const isWellFormed = (s: string) => (s as WellFormed).isWellFormed();

const utf8 = new TextEncoder();

/** The length of msgpack's str header for `n` bytes. */
const strHeaderBytes = (n: number) => (n < 32 ? 1 : n < 0x100 ? 2 : n < 0x10000 ? 3 : 5);

/** At most the bytes `putString` writes (UTF-8 takes at most 3 bytes per UTF-16 unit). */
const stringRoom = (s: string) => 5 + 3 * s.length;

/**
 * Writes `s` as a msgpack str at `at` (room: stringRoom) and returns where it ends: the same
 * value the codec's encoding gives, without the codec's allocation per string.
 */
function putString(out: Uint8Array, at: number, s: string): number {
  if (s.length < 32) {
    // A short string (a key): ASCII is copied directly, with no allocation.
    let i = 0;
    for (; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0x80) break;
      out[at + 1 + i] = c;
    }
    if (i === s.length) {
      out[at] = 0xa0 | i;
      return at + 1 + i;
    }
  }
  if (!isWellFormed(s)) {
    const bytes = encode(s); // The codec's own rendering of a lone surrogate.
    out.set(bytes, at);
    return at + bytes.length;
  }
  const guess = strHeaderBytes(3 * s.length);
  const { read, written } = utf8.encodeInto(s, out.subarray(at + guess));
  if (read !== s.length) throw new Error('putString: no room (a caller bug)');
  const header = strHeaderBytes(written);
  if (header !== guess) out.copyWithin(at + header, at + guess, at + guess + written);
  if (header === 1) out[at] = 0xa0 | written;
  else if (header === 2) out.set([0xd9, written], at);
  else if (header === 3) out.set([0xda, written >>> 8, written & 0xff], at);
  else
    out.set(
      [0xdb, written >>> 24, (written >>> 16) & 0xff, (written >>> 8) & 0xff, written & 0xff],
      at,
    );
  return at + header + written;
}

/**
 * At most the bytes `putSetOp` writes for `key` and `value` (a well-formed string, written
 * by `putString`, or the codec's encoding of the value).
 */
export const setOpRoom = (key: string, value: string | Uint8Array) =>
  SET_PREFIX.length +
  stringRoom(key) +
  (typeof value === 'string' ? stringRoom(value) : value.length);

export const deleteOpRoom = (key: string) => DELETE_PREFIX.length + stringRoom(key);

/** Writes `['set', key, value]` at `at` (room: setOpRoom); returns where it ends. */
export function putSetOp(
  out: Uint8Array,
  at: number,
  key: string,
  value: string | Uint8Array,
): number {
  out.set(SET_PREFIX, at);
  const end = putString(out, at + SET_PREFIX.length, key);
  if (typeof value === 'string') return putString(out, end, value);
  out.set(value, end);
  return end + value.length;
}

/** Writes `['delete', key]` at `at` (room: deleteOpRoom); returns where it ends. */
export function putDeleteOp(out: Uint8Array, at: number, key: string): number {
  out.set(DELETE_PREFIX, at);
  return putString(out, at + DELETE_PREFIX.length, key);
}

function putU32(out: Uint8Array, at: number, v: number): void {
  out[at] = v & 0xff;
  out[at + 1] = (v >>> 8) & 0xff;
  out[at + 2] = (v >>> 16) & 0xff;
  out[at + 3] = (v >>> 24) & 0xff;
}

/**
 * Makes the record of step `seq` in place: its `opCount` operations were written from
 * `start + STEP_START_BYTES` to `end` (with SEAL_SLACK_BYTES of room after them); writes the
 * header and checksum before them and returns where the record ends.
 */
export function sealStep(
  out: Uint8Array,
  start: number,
  end: number,
  step: { readonly seq: number; readonly opCount: number },
  crc: Crc32c,
): number {
  const ops = start + STEP_START_BYTES;
  const extra = arrayHeaderBytes(step.opCount) - 1;
  if (extra > 0) out.copyWithin(ops + extra, ops, end);
  const recordEnd = end + extra;
  out.set(MAGIC, start);
  putU32(out, start + 4, recordEnd - start - HEADER_BYTES);
  putU32(out, start + 12, step.seq % 2 ** 32);
  putU32(out, start + 16, Math.floor(step.seq / 2 ** 32));
  putArrayHeader(out, start + HEADER_BYTES, step.opCount);
  putU32(out, start + 8, crc(out.subarray(start + 12, recordEnd)));
  return recordEnd;
}

/** The record of a step given as plain operations (tests, the simulator). */
export function encodeStep(seq: number, ops: readonly WalOp[], crc: Crc32c): Uint8Array {
  const values = ops.map((op) => (op[0] === 'set' ? encode(op[2]) : undefined));
  let room = STEP_START_BYTES + SEAL_SLACK_BYTES;
  for (const [i, op] of ops.entries()) {
    const value = values[i];
    room += value === undefined ? deleteOpRoom(op[1]) : setOpRoom(op[1], value);
  }
  const out = new Uint8Array(room);
  let end = STEP_START_BYTES;
  for (const [i, op] of ops.entries()) {
    const value = values[i];
    end = value === undefined ? putDeleteOp(out, end, op[1]) : putSetOp(out, end, op[1], value);
  }
  return out.slice(0, sealStep(out, 0, end, { seq, opCount: ops.length }, crc));
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export type ReadResult =
  | { readonly kind: 'ok'; readonly record: StepRecord; readonly next: number }
  | { readonly kind: 'end' }
  /** `mayBeTorn`: what a crash mid-write could leave (false for a record of another format). */
  | { readonly kind: 'bad'; readonly why: string; readonly mayBeTorn: boolean };

function isOp(x: unknown): x is WalOp {
  if (!Array.isArray(x) || typeof x[1] !== 'string') return false;
  return (x[0] === 'set' && x.length === 3) || (x[0] === 'delete' && x.length === 2);
}

const u32 = (buf: Uint8Array, at: number) =>
  ((buf[at] as number) |
    ((buf[at + 1] as number) << 8) |
    ((buf[at + 2] as number) << 16) |
    ((buf[at + 3] as number) << 24)) >>>
  0;

/** Whether a format-1 record (length, CRC, seq, one operation) starts at `offset`. */
function isFormat1(buf: Uint8Array, offset: number, crc: Crc32c): boolean {
  const length = u32(buf, offset);
  const end = offset + 16 + length;
  return end <= buf.length && crc(buf.subarray(offset + 8, end)) === u32(buf, offset + 4);
}

/** The record starting at `offset` of `buf`. */
export function readStepRecord(buf: Uint8Array, offset: number, crc: Crc32c): ReadResult {
  if (offset === buf.length) return { kind: 'end' };
  const bad = (why: string, mayBeTorn = true): ReadResult => ({ kind: 'bad', why, mayBeTorn });
  if (buf.length - offset < HEADER_BYTES) return bad('short header');
  if (MAGIC.some((b, i) => buf[offset + i] !== b)) {
    if (isFormat1(buf, offset, crc))
      return bad('a record of format 1 (written before issue 14): not readable', false);
    return bad('bad magic');
  }
  const length = u32(buf, offset + 4);
  if (length > MAX_PAYLOAD_BYTES) return bad(`length ${length} too large`);
  const end = offset + HEADER_BYTES + length;
  if (end > buf.length) return bad('short payload');
  if (crc(buf.subarray(offset + 12, end)) !== u32(buf, offset + 8)) return bad('checksum mismatch');
  const seq = u32(buf, offset + 12) + u32(buf, offset + 16) * 2 ** 32;
  let ops: unknown;
  try {
    ops = decode(buf.subarray(offset + HEADER_BYTES, end));
  } catch {
    return bad('undecodable payload');
  }
  if (!Array.isArray(ops) || !ops.every(isOp)) return bad('not a list of storage operations');
  return { kind: 'ok', record: { seq, ops }, next: end };
}

/** Whether a valid record of a sequence number above `afterSeq` starts anywhere past `from`. */
export function validRecordAfter(
  buf: Uint8Array,
  from: number,
  afterSeq: number,
  crc: Crc32c,
): boolean {
  for (let at = from + 1; at + HEADER_BYTES <= buf.length; at++) {
    if (buf[at] !== MAGIC[0]) continue;
    const r = readStepRecord(buf, at, crc);
    if (r.kind === 'ok' && r.record.seq > afterSeq) return true;
  }
  return false;
}

export function applyStep(map: Map<string, unknown>, ops: readonly WalOp[]): void {
  for (const op of ops) {
    if (op[0] === 'set') map.set(op[1], op[2]);
    else map.delete(op[1]);
  }
}

/** What replaying a map and the records after it reached. */
export interface ReplayState {
  readonly map: Map<string, unknown>;
  /** The last sequence number applied (the snapshot's, or 0, before any record). */
  lastSeq: number;
}

export interface SegmentReplay {
  /** Where the valid records end (the whole segment when nothing is bad). */
  readonly end: number;
  /** The first unreadable record, and whether it is a torn tail (a crash mid-write). */
  readonly bad?: { readonly why: string; readonly tornTail: boolean };
}

/**
 * Applies to `state` every step of one segment, in order, up to the first bad record or
 * sequence gap. Records at or below `state.lastSeq` are skipped (already in the snapshot: a
 * segment can outlive a crash before its removal). A bad record is a torn tail only if the
 * segment is the last one and no valid later record follows it.
 */
export function replaySegment(
  buf: Uint8Array,
  state: ReplayState,
  o: { readonly isLast: boolean; readonly crc: Crc32c },
): SegmentReplay {
  let offset = 0;
  for (;;) {
    const r = readStepRecord(buf, offset, o.crc);
    if (r.kind === 'end') return { end: offset };
    if (r.kind === 'bad') {
      const tornTail =
        o.isLast && r.mayBeTorn && !validRecordAfter(buf, offset, state.lastSeq, o.crc);
      return { end: offset, bad: { why: r.why, tornTail } };
    }
    const { seq, ops } = r.record;
    if (seq > state.lastSeq + 1) {
      return {
        end: offset,
        bad: { why: `sequence gap: ${state.lastSeq} then ${seq}`, tornTail: false },
      };
    }
    if (seq === state.lastSeq + 1) {
      applyStep(state.map, ops);
      state.lastSeq = seq;
    }
    offset = r.next;
  }
}
