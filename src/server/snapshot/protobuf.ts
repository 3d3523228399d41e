// The few protobuf messages etcd keeps in its database (mvccpb.KeyValue, leasepb.Lease,
// authpb.User/Role, etcdserverpb.AlarmMember), encoded and decoded by hand: a snapshot holds
// one KeyValue per retained version, and a generic codec would cost an object per field.
// Encoding follows gogoproto's Marshal: fields in number order, proto3 zero values omitted,
// int64 as varints (a negative one in ten bytes).
//
// Fault model: decoding reads untrusted bytes (a snapshot file): every length and varint is
// bounds-checked and a malformed message throws ProtoError; unknown fields are skipped as
// protobuf requires.

export class ProtoError extends Error {
  override readonly name = 'ProtoError';
}

const WIRE_VARINT = 0;
const WIRE_FIXED64 = 1;
const WIRE_BYTES = 2;
const WIRE_FIXED32 = 5;
const U64 = (1n << 64n) - 1n;

/** Appends fields to a growing buffer. */
export class ProtoWriter {
  private buf: Buffer = Buffer.alloc(64);
  private at = 0;

  private room(n: number): void {
    if (this.at + n <= this.buf.length) return;
    const next = Buffer.alloc(Math.max(this.buf.length * 2, this.at + n));
    this.buf.copy(next, 0, 0, this.at);
    this.buf = next;
  }

  private varint(value: bigint): void {
    this.room(10);
    let v = value & U64;
    while (v >= 0x80n) {
      this.buf[this.at++] = Number(v & 0x7fn) | 0x80;
      v >>= 7n;
    }
    this.buf[this.at++] = Number(v);
  }

  private smallVarint(value: number): void {
    this.room(5);
    let v = value;
    while (v >= 0x80) {
      this.buf[this.at++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.at++] = v;
  }

  /** An int64/uint64/enum/bool field; zero is omitted (proto3). */
  int(field: number, value: number | bigint | boolean): this {
    const v = typeof value === 'bigint' ? value : BigInt(Number(value));
    if (v === 0n) return this;
    this.smallVarint((field << 3) | WIRE_VARINT);
    if (v > 0n && v < 0x8000_0000n) this.smallVarint(Number(v));
    else this.varint(v);
    return this;
  }

  /** A bytes/string/message field; empty is omitted unless `always` (a set sub-message). */
  bytes(field: number, value: Uint8Array | string, always = false): this {
    const b = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
    if (b.length === 0 && !always) return this;
    this.smallVarint((field << 3) | WIRE_BYTES);
    this.smallVarint(b.length);
    this.room(b.length);
    this.buf.set(b, this.at);
    this.at += b.length;
    return this;
  }

  /** Starts a new message in the same buffer (what finish() returned is overwritten). */
  reset(): void {
    this.at = 0;
  }

  finish(): Uint8Array {
    return this.buf.subarray(0, this.at);
  }
}

export type ProtoValue = bigint | Uint8Array;

/** The fields of one message, in order: [field number, varint (bigint) or bytes]. */
export function readFields(bytes: Uint8Array): [number, ProtoValue][] {
  const out: [number, ProtoValue][] = [];
  let at = 0;
  const varint = (): bigint => {
    let v = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      if (at >= bytes.length) throw new ProtoError('truncated varint');
      const b = bytes[at++] as number;
      v |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return v & U64;
    }
    throw new ProtoError('varint longer than ten bytes');
  };
  while (at < bytes.length) {
    const tag = varint();
    const field = Number(tag >> 3n);
    const wire = Number(tag & 7n);
    if (field === 0) throw new ProtoError('field number 0');
    if (wire === WIRE_VARINT) out.push([field, varint()]);
    else if (wire === WIRE_BYTES) {
      const length = varint();
      if (length > BigInt(bytes.length - at)) throw new ProtoError('length beyond the message');
      out.push([field, bytes.subarray(at, at + Number(length))]);
      at += Number(length);
    } else if (wire === WIRE_FIXED64 || wire === WIRE_FIXED32) {
      at += wire === WIRE_FIXED64 ? 8 : 4;
      if (at > bytes.length) throw new ProtoError('truncated fixed field');
    } else throw new ProtoError(`wire type ${wire}`);
  }
  return out;
}

/** A uint64 varint as int64 (two's complement), as Go reads an int64 field. */
export function asInt64(v: bigint): bigint {
  return BigInt.asIntN(64, v);
}

export interface KeyValueFields {
  readonly key: Uint8Array;
  readonly createRevision: bigint;
  readonly modRevision: bigint;
  readonly version: bigint;
  readonly value: Uint8Array;
  readonly lease: bigint;
}

const EMPTY: Uint8Array = new Uint8Array(0);

/** mvccpb.KeyValue; a field of the wrong wire type is an error. */
export function decodeKeyValue(bytes: Uint8Array): KeyValueFields {
  let key = EMPTY;
  let value = EMPTY;
  const ints = [0n, 0n, 0n, 0n, 0n, 0n, 0n];
  for (const [field, v] of readFields(bytes)) {
    if (field === 1 || field === 5) {
      if (!(v instanceof Uint8Array)) throw new ProtoError(`KeyValue field ${field}: not bytes`);
      if (field === 1) key = v;
      else value = v;
    } else if (field >= 2 && field <= 6) {
      if (typeof v !== 'bigint') throw new ProtoError(`KeyValue field ${field}: not a varint`);
      ints[field] = asInt64(v);
    }
  }
  const [, , createRevision, modRevision, version, , lease] = ints as [bigint, ...bigint[]];
  return {
    key,
    createRevision: createRevision as bigint,
    modRevision: modRevision as bigint,
    version: version as bigint,
    value,
    lease: lease as bigint,
  };
}
