// Byte strings inside the store are latin1 JavaScript strings (one code unit per byte): they
// compare in unsigned byte order with `<`, key a Map or the B-tree directly, and cost far less
// memory than a Uint8Array each (a typed array carries an ArrayBuffer and a view; a one-byte
// string is a single small heap object). Conversion happens only at the API boundary, and
// copying there also means a caller can never mutate what the store holds. Logged commands
// carry their keys and values already in this spelling (pack.ts), so applying one shares
// the command's strings with the store instead of copying them again.
//
// Fault model: none (pure conversions).

import { Buffer } from 'node:buffer';
import type { ReqBytes } from './types.js';

/** The latin1 spelling of `bytes` (an empty array, proto3's unset bytes, is ''). */
export function toLatin1(bytes: ReqBytes | undefined): string {
  if (typeof bytes === 'string') return bytes;
  if (bytes === undefined || bytes.length === 0) return '';
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
}

/** The bytes a latin1 string spells (a fresh copy the caller may keep or mutate). */
export function fromLatin1(text: string): Uint8Array {
  return Buffer.from(text, 'latin1');
}

/** Whether `bytes` is the single byte 0: etcd's "to the end of the key space" range_end. */
export function isZeroByte(bytes: ReqBytes | undefined): boolean {
  if (typeof bytes === 'string') return bytes === '\u0000';
  return bytes !== undefined && bytes.length === 1 && bytes[0] === 0;
}

/** Whether a string spells bytes: every code unit is below 256 (what a peer must send). */
export function isLatin1(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) > 0xff) return false;
  return true;
}
