// The one wire and storage encoding, shared by the simulator (to check that messages and
// durable values are plain data, and to copy durable state the way a disk would) and the
// real runtime (frames on TCP, WAL records). MessagePack via msgpackr: compact, fast, and
// readable by every language, so external tools can decode Cohort's traffic.

import { Packr } from 'msgpackr';

const packr = new Packr({ useRecords: false, moreTypes: false, mapsAsObjects: true });

export function encode(value: unknown): Uint8Array {
  return packr.pack(value);
}

export function decode<T = unknown>(bytes: Uint8Array): T {
  return packr.unpack(bytes) as T;
}

/** A deep copy through the codec: what a value looks like after a disk or the network. */
export function roundTrip<T>(value: T): T {
  return decode<T>(encode(value));
}
