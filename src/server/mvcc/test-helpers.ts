// Small helpers for the MVCC tests: bytes from and to readable strings, and KeyValues and
// events flattened to tuples so expectations read like etcdctl output.
//
// Fault model: none (test support).

import { Buffer } from 'node:buffer';
import type { EtcdError } from '../errors.js';
import type { Event, KeyValue } from './types.js';

/** Bytes of a latin1 string (every char 0–255 is one byte). */
export const b = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'latin1'));

/** The latin1 string of some bytes. */
export const s = (bytes: Uint8Array): string =>
  Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');

/** [key, value, createRevision, modRevision, version, lease]. */
export type KvTuple = [string, string, number, number, number, bigint];

export const kvt = (kv: KeyValue): KvTuple => [
  s(kv.key),
  s(kv.value),
  kv.createRevision,
  kv.modRevision,
  kv.version,
  kv.lease,
];

export const evt = (e: Event): [string, KvTuple, KvTuple | undefined] => [
  e.type,
  kvt(e.kv),
  e.prevKv === undefined ? undefined : kvt(e.prevKv),
];

/** The kind of the EtcdError `f` throws, or undefined when it throws nothing. */
export function kindOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (error) {
    return (error as EtcdError).kind;
  }
  return undefined;
}
