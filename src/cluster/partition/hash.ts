// The 64-bit key hashes every partitioner shares, so a key maps to the same node in every
// process that uses the same scheme, nodes and hash. The default, `md5`, is the first 8 bytes
// of the key's MD5 digest read as a big-endian unsigned integer — a standard digest any
// language reproduces (ketama also builds on MD5). `sha1` is the same over SHA-1; `fnv1a` is
// FNV-1a 64 (offset 0xcbf29ce484222325, prime 0x100000001b3), much faster and well spread
// over short keys but not collision-resistant. Keys are bytes: strings are hashed as UTF-8.
//
// Fault model: none — pure functions of their input. A key is any string or byte array.

import { createHash } from 'node:crypto';

export const HASH_NAMES = ['md5', 'sha1', 'fnv1a'] as const;
export type HashName = (typeof HASH_NAMES)[number];
export const DEFAULT_HASH: HashName = 'md5';

/** A partition key: a string (hashed as UTF-8) or raw bytes. */
export type Key = string | Uint8Array;
export type Hash64 = (key: Key) => bigint;

const MASK64 = (1n << 64n) - 1n;

function digest64(algorithm: 'md5' | 'sha1'): Hash64 {
  return (key) => createHash(algorithm).update(key).digest().readBigUInt64BE(0);
}

const encoder = new TextEncoder();

/**
 * FNV-1a 64 in two 32-bit halves: h·prime = h·2^40 + h·0x1b3 (mod 2^64), where each partial
 * product stays below 2^53 and is exact in a double — no BigInt per byte.
 */
export function fnv1a64(key: Key): bigint {
  const bytes = typeof key === 'string' ? encoder.encode(key) : key;
  let hi = 0xcbf29ce4;
  let lo = 0x84222325;
  for (let i = 0; i < bytes.length; i++) {
    lo ^= bytes[i] as number;
    const low = (lo >>> 0) * 0x1b3;
    const carry = Math.floor(low / 0x1_0000_0000);
    hi = ((hi >>> 0) * 0x1b3 + carry + ((lo << 8) >>> 0)) >>> 0;
    lo = low >>> 0;
  }
  return (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0);
}

const HASHES: Record<HashName, Hash64> = {
  md5: digest64('md5'),
  sha1: digest64('sha1'),
  fnv1a: fnv1a64,
};

export function hashFunction(name: HashName): Hash64 {
  return HASHES[name];
}

/**
 * MurmurHash3's 64-bit finalizer (fmix64): a bijection on 64-bit integers with full
 * avalanche, used to derive a (key, node) score from the two hashes without hashing again.
 */
export function fmix64(x: bigint): bigint {
  let h = x & MASK64;
  h ^= h >> 33n;
  h = (h * 0xff51afd7ed558ccdn) & MASK64;
  h ^= h >> 33n;
  h = (h * 0xc4ceb9fe1a85ec53n) & MASK64;
  h ^= h >> 33n;
  return h;
}

/**
 * A 64-bit hash as a double strictly inside (0, 1): its top 52 bits, centred in their step
 * (with 53 bits the top value, (2^53 − 0.5)/2^53, would round to 1 and ln(1) to 0).
 */
export function unitInterval(h: bigint): number {
  return (Number(h >> 12n) + 0.5) / 2 ** 52;
}
