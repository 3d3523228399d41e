// Bitcoin's 80-byte block header (Bitcoin Core primitives/block.h; the developer reference's
// "Block Headers"): version (int32), previous block hash (32 bytes), Merkle root (32 bytes),
// time (uint32), bits (compact target, uint32), nonce (uint32) — integers little-endian, and
// hashes in "internal" byte order, i.e. the REVERSE of the hex people display. A header's
// hash is SHA-256(SHA-256(header)), displayed reversed as well. Real headers round-trip and
// verify here (header.test.ts uses the genesis block and blocks 1 and 2).

import * as crypto from 'node:crypto';

export const HEADER_BYTES = 80;

export interface BlockHeader {
  readonly version: number;
  /** Display order (big-endian hex, as block explorers show it). */
  readonly prevHash: string;
  /** Display order. */
  readonly merkleRoot: string;
  readonly time: number;
  readonly bits: number;
  readonly nonce: number;
}

// Node ≥ 20.12 has the faster one-shot crypto.hash; older versions use createHash.
const oneShot = (crypto as { hash?: unknown }).hash;

function sha256(bytes: Uint8Array): Uint8Array {
  if (typeof oneShot === 'function')
    return (oneShot as (a: string, d: Uint8Array, e: 'buffer') => Buffer)(
      'sha256',
      bytes,
      'buffer',
    );
  return crypto.createHash('sha256').update(bytes).digest();
}

export function sha256d(bytes: Uint8Array): Uint8Array {
  return sha256(sha256(bytes));
}

/** Internal byte order → display hex (reversed). */
export function displayHex(internal: Uint8Array): string {
  return Buffer.from(internal).reverse().toString('hex');
}

/** Display hex → internal byte order. */
export function internalBytes(display: string): Uint8Array {
  return Buffer.from(display, 'hex').reverse();
}

const HASH_HEX = /^[0-9a-f]{64}$/;

export function isHashHex(s: unknown): s is string {
  return typeof s === 'string' && HASH_HEX.test(s);
}

export function serializeHeader(h: BlockHeader): Uint8Array {
  const out = Buffer.alloc(HEADER_BYTES);
  out.writeInt32LE(h.version, 0);
  out.set(internalBytes(h.prevHash), 4);
  out.set(internalBytes(h.merkleRoot), 36);
  out.writeUInt32LE(h.time, 68);
  out.writeUInt32LE(h.bits, 72);
  out.writeUInt32LE(h.nonce, 76);
  return out;
}

export type ParsedHeader =
  | { readonly ok: true; readonly header: BlockHeader }
  | { readonly ok: false; readonly reason: string };

/** Parses 160 hex digits (whitespace ignored); never throws on bad input. */
export function parseHeaderHex(hex: string): ParsedHeader {
  const clean = hex.replace(/\s+/g, '').toLowerCase();
  if (!/^[0-9a-f]*$/.test(clean)) return { ok: false, reason: 'not hexadecimal' };
  if (clean.length !== 2 * HEADER_BYTES) {
    return {
      ok: false,
      reason:
        `a header is ${HEADER_BYTES} bytes (${2 * HEADER_BYTES} ` +
        `hex digits), got ${clean.length} digits`,
    };
  }
  const b = Buffer.from(clean, 'hex');
  return {
    ok: true,
    header: {
      version: b.readInt32LE(0),
      prevHash: displayHex(b.subarray(4, 36)),
      merkleRoot: displayHex(b.subarray(36, 68)),
      time: b.readUInt32LE(68),
      bits: b.readUInt32LE(72),
      nonce: b.readUInt32LE(76),
    },
  };
}

export function headerHex(h: BlockHeader): string {
  return Buffer.from(serializeHeader(h)).toString('hex');
}

/** The block hash, in display order. */
export function headerHash(h: BlockHeader): string {
  return displayHex(sha256d(serializeHeader(h)));
}
