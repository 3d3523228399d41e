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
    this.room(10);
    let v = value;
    while (v >= 0x80) {
      this.buf[this.at++] = (v & 0x7f) | 0x80;
      v = Math.floor(v / 128);
    }
    this.buf[this.at++] = v;
  }

  /** An int64/uint64/enum/bool field; zero is omitted (proto3). */
  int(field: number, value: number | bigint | boolean): this {
    const n = typeof value === 'boolean' ? Number(value) : value;
    if (n === 0 || n === 0n) return this;
    this.smallVarint((field << 3) | WIRE_VARINT);
    // Revisions and versions are safe non-negative integers: no BigInt on the hot path.
    if (typeof n === 'number' && n > 0 && Number.isSafeInteger(n)) this.smallVarint(n);
    else this.varint(BigInt(n));
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

/** A decoded KeyValue: revisions as numbers when exact (bigint beyond 2^53 or negative). */
export interface KeyValueFields {
  readonly key: Uint8Array;
  readonly createRevision: number | bigint;
  readonly modRevision: number | bigint;
  readonly version: number | bigint;
  readonly value: Uint8Array;
  readonly lease: bigint;
}

const EMPTY: Uint8Array = new Uint8Array(0);

/** Reads varints from `bytes` as numbers while they are exact, else as bigint. */
class VarintCursor {
  at = 0;
  constructor(readonly bytes: Uint8Array) {}

  /** A varint as a number (exact below 2^53), or -1 when it is larger (read it as bigint). */
  number(): number {
    const { bytes } = this;
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      if (this.at >= bytes.length) throw new ProtoError('truncated varint');
      const b = bytes[this.at++] as number;
      value += (b & 0x7f) * scale;
      if (b < 0x80) return value <= Number.MAX_SAFE_INTEGER ? value : -1;
      scale *= 128;
    }
    throw new ProtoError('varint longer than ten bytes');
  }

  /** The varint that starts at `from`, as int64. */
  bigint(from: number): bigint {
    this.at = from;
    let v = 0n;
    for (let shift = 0n; shift < 70n; shift += 7n) {
      const b = this.bytes[this.at++] as number;
      v |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return BigInt.asIntN(64, v);
    }
    throw new ProtoError('varint longer than ten bytes');
  }
}

const KV_INT_FIELDS = [0, 0, 1, 1, 1, 0, 1];

/**
 * mvccpb.KeyValue, read field by field without intermediate objects (a snapshot has one per
 * version); a known field of the wrong wire type is an error, unknown fields are skipped.
 */
export function decodeKeyValue(bytes: Uint8Array): KeyValueFields {
  const c = new VarintCursor(bytes);
  let key = EMPTY;
  let value = EMPTY;
  const ints: (number | bigint)[] = [0, 0, 0, 0, 0, 0, 0];
  while (c.at < bytes.length) {
    const tag = c.number();
    const field = Math.floor(tag / 8);
    const wire = tag % 8;
    if (tag < 8) throw new ProtoError('field number 0');
    const known = field >= 1 && field <= 6;
    if (known && (wire === WIRE_VARINT) !== (KV_INT_FIELDS[field] === 1))
      throw new ProtoError(`KeyValue field ${field}: wrong wire type ${wire}`);
    if (wire === WIRE_VARINT) {
      const from = c.at;
      const n = c.number();
      if (known) ints[field] = n >= 0 ? n : c.bigint(from);
    } else if (wire === WIRE_BYTES) {
      const length = c.number();
      if (length < 0 || length > bytes.length - c.at)
        throw new ProtoError('length beyond the message');
      const fieldBytes = bytes.subarray(c.at, c.at + length);
      c.at += length;
      if (field === 1) key = fieldBytes;
      else if (field === 5) value = fieldBytes;
    } else if (wire === WIRE_FIXED64 || wire === WIRE_FIXED32) {
      c.at += wire === WIRE_FIXED64 ? 8 : 4;
      if (c.at > bytes.length) throw new ProtoError('truncated fixed field');
    } else throw new ProtoError(`wire type ${wire}`);
  }
  const big = (x: number | bigint) => (typeof x === 'bigint' ? x : BigInt(x));
  return {
    key,
    createRevision: ints[2] as number | bigint,
    modRevision: ints[3] as number | bigint,
    version: ints[4] as number | bigint,
    value,
    lease: big(ints[6] as number | bigint),
  };
}
