// The client's value types and their conversions from gRPC's decoded messages. One design for
// bytes everywhere: callers pass a key or value as a string (encoded as UTF-8) or as bytes;
// results carry the bytes (`kv.key`, `kv.value`, Uint8Array) and decode on request
// (`kv.keyString()`, `kv.valueString()`). Revisions, versions and counts are numbers (a store
// needs 2^53 writes to overflow one); lease and member ids are bigints, always, because etcd
// draws them from the whole 64-bit range.
//
// Fault model: responses come from the network; proto-loader has decoded them into the
// declared field types (int64 as decimal strings, unset as proto3 defaults), and wire.ts's
// `int`/`big` read a malformed or missing number as 0 rather than throwing.

import { big, type Header, int, type Wire } from '../server/wire.js';

export type { Header } from '../server/wire.js';

/** A key, value or range bound: a string (UTF-8) or raw bytes. */
export type BytesLike = string | Uint8Array;

const EMPTY = new Uint8Array(0);
const utf8 = new TextDecoder('utf-8');

export function toBytes(x: BytesLike): Uint8Array {
  return typeof x === 'string' ? Buffer.from(x, 'utf8') : x;
}

function bytesOf(x: unknown): Uint8Array {
  return x instanceof Uint8Array ? x : EMPTY;
}

/**
 * The end of the range that holds every key starting with `prefix`: the prefix with its last
 * byte below 0xff incremented and the rest dropped; "\0" (every key) when there is none,
 * as etcd's clientv3 GetPrefixRangeEnd.
 */
export function prefixEnd(prefix: Uint8Array): Uint8Array {
  for (let i = prefix.length - 1; i >= 0; i--) {
    const byte = prefix[i] as number;
    if (byte < 0xff) {
      const end = Uint8Array.from(prefix.subarray(0, i + 1)); // A copy: Buffer#slice is a view.
      end[i] = byte + 1;
      return end;
    }
  }
  return new Uint8Array([0]);
}

/** One key's state at some revision, as a Range or a watch event reports it. */
export class KeyValue {
  constructor(
    readonly key: Uint8Array,
    readonly value: Uint8Array,
    readonly createRevision: number,
    readonly modRevision: number,
    /** 1 for a new key, +1 per put; 0 in a DELETE event. */
    readonly version: number,
    /** 0n when the key has no lease. */
    readonly lease: bigint,
  ) {}

  keyString(): string {
    return utf8.decode(this.key);
  }

  valueString(): string {
    return utf8.decode(this.value);
  }
}

export function kvFromWire(w: Wire): KeyValue {
  return new KeyValue(
    bytesOf(w.key),
    bytesOf(w.value),
    int(w.createRevision),
    int(w.modRevision),
    int(w.version),
    big(w.lease),
  );
}

/** An optional KeyValue field (proto-loader gives null for an unset message). */
export function optionalKv(x: unknown): KeyValue | undefined {
  return x !== null && typeof x === 'object' ? kvFromWire(x as Wire) : undefined;
}

export function kvsFromWire(x: unknown): KeyValue[] {
  return Array.isArray(x) ? (x as Wire[]).map(kvFromWire) : [];
}

export function headerFromWire(x: unknown): Header {
  const w = (x !== null && typeof x === 'object' ? x : {}) as Wire;
  return {
    clusterId: big(w.clusterId),
    memberId: big(w.memberId),
    revision: int(w.revision),
    raftTerm: int(w.raftTerm),
  };
}

/** The id of a lease, from a Lease handle or the bare id. */
export type LeaseRef = bigint | { readonly id: bigint };

export function leaseIdOf(lease: LeaseRef): bigint {
  return typeof lease === 'bigint' ? lease : lease.id;
}

export { big, int, long, type Wire } from '../server/wire.js';
