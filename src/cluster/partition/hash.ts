// The 64-bit key hashes every partitioner shares, so a key maps to the same node in every
// process that uses the same scheme, nodes and hash. The default, `md5`, is the first 8 bytes
// of the key's MD5 digest read as a big-endian unsigned integer — a standard digest any
// language reproduces (ketama also builds on MD5). `sha1` is the same over SHA-1; `fnv1a` is
// FNV-1a 64 (offset 0xcbf29ce484222325, prime 0x100000001b3), much faster and well spread
// over short keys but not collision-resistant. Keys are bytes: strings are hashed as UTF-8.
//
// Lookups are the hot path (`cohort bench partition`), so every hash also comes as two
// unsigned 32-bit halves written into a caller's Uint32Array, and the 64-bit arithmetic the
// schemes need (fmix64, jump's LCG) is done on halves too: no BigInt is allocated per lookup.
// The BigInt forms stay for callers and tests; both give the same value.
//
// Fault model: none — pure functions of their input. A key is any string or byte array.

import * as crypto from 'node:crypto';

export const HASH_NAMES = ['md5', 'sha1', 'fnv1a'] as const;
export type HashName = (typeof HASH_NAMES)[number];
export const DEFAULT_HASH: HashName = 'md5';

/** A partition key: a string (hashed as UTF-8) or raw bytes. */
export type Key = string | Uint8Array;
export type Hash64 = (key: Key) => bigint;
/** Writes the 64-bit hash of `key` as out[0] (high 32 bits) and out[1] (low 32 bits). */
export type Hash64Halves = (key: Key, out: Uint32Array) => void;

const MASK64 = (1n << 64n) - 1n;

/**
 * One-shot digest: crypto.hash (Node ≥ 20.12) skips the Hash object createHash allocates,
 * about twice as fast on short keys; createHash where it is missing. Strings are UTF-8.
 */
export const digest: (algorithm: 'md5' | 'sha1', key: Key) => Buffer =
  typeof crypto.hash === 'function'
    ? (algorithm, key) => crypto.hash(algorithm, key, 'buffer')
    : (algorithm, key) => crypto.createHash(algorithm).update(key).digest();

function digestHalves(algorithm: 'md5' | 'sha1'): Hash64Halves {
  return (key, out) => {
    const d = digest(algorithm, key);
    out[0] = d.readUInt32BE(0);
    out[1] = d.readUInt32BE(4);
  };
}

const encoder = new TextEncoder();

/**
 * FNV-1a 64 over bytes, in int32 halves: h·prime = h·0x1b3 + (h << 40) (mod 2^64), where
 * lo·0x1b3 is formed from 16-bit limbs (each product below 2^26) and hi·0x1b3 only needs its
 * low 32 bits (Math.imul). All int32 arithmetic: no doubles, no divisions.
 */
function fnv1aBytes(bytes: Uint8Array, out: Uint32Array): void {
  let hi = 0xcbf29ce4 | 0;
  let lo = 0x84222325 | 0;
  for (let i = 0; i < bytes.length; i++) {
    lo ^= bytes[i] as number;
    const l0 = (lo & 0xffff) * 0x1b3;
    const l1 = (lo >>> 16) * 0x1b3 + (l0 >>> 16);
    hi = (Math.imul(hi, 0x1b3) + (l1 >>> 16) + (lo << 8)) | 0;
    lo = (l1 << 16) | (l0 & 0xffff);
  }
  out[0] = hi;
  out[1] = lo;
}

/** FNV-1a 64 of a string's UTF-8: ASCII strings (the usual keys) are hashed without encoding. */
export function fnv1aHalves(key: Key, out: Uint32Array): void {
  if (typeof key !== 'string') return fnv1aBytes(key, out);
  let hi = 0xcbf29ce4 | 0;
  let lo = 0x84222325 | 0;
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i);
    if (c >= 0x80) return fnv1aBytes(encoder.encode(key), out);
    lo ^= c;
    const l0 = (lo & 0xffff) * 0x1b3;
    const l1 = (lo >>> 16) * 0x1b3 + (l0 >>> 16);
    hi = (Math.imul(hi, 0x1b3) + (l1 >>> 16) + (lo << 8)) | 0;
    lo = (l1 << 16) | (l0 & 0xffff);
  }
  out[0] = hi;
  out[1] = lo;
}

const scratch = new Uint32Array(2);

function toBigInt(halves: Hash64Halves): Hash64 {
  return (key) => {
    halves(key, scratch);
    return (BigInt(scratch[0] as number) << 32n) | BigInt(scratch[1] as number);
  };
}

export const fnv1a64: Hash64 = toBigInt(fnv1aHalves);

const HALVES: Record<HashName, Hash64Halves> = {
  md5: digestHalves('md5'),
  sha1: digestHalves('sha1'),
  fnv1a: fnv1aHalves,
};

const HASHES: Record<HashName, Hash64> = {
  md5: toBigInt(HALVES.md5),
  sha1: toBigInt(HALVES.sha1),
  fnv1a: fnv1a64,
};

export function hashFunction(name: HashName): Hash64 {
  return HASHES[name];
}

export function hashHalvesFunction(name: HashName): Hash64Halves {
  return HALVES[name];
}

/**
 * (ah·2^32 + al) · (bh·2^32 + bl) mod 2^64 into out: al·bl in 16-bit limbs (each partial
 * product exact in a double), the cross terms only need their low 32 bits (Math.imul).
 */
export function mul64(ah: number, al: number, bh: number, bl: number, out: Uint32Array): void {
  const a0 = al & 0xffff;
  const a1 = al >>> 16;
  const b0 = bl & 0xffff;
  const b1 = bl >>> 16;
  const p00 = a0 * b0;
  const mid = a0 * b1 + a1 * b0 + (p00 >>> 16);
  out[1] = ((mid % 0x1_0000) * 0x1_0000 + (p00 & 0xffff)) >>> 0;
  out[0] = (a1 * b1 + Math.floor(mid / 0x1_0000) + Math.imul(ah, bl) + Math.imul(al, bh)) >>> 0;
}

/**
 * MurmurHash3's 64-bit finalizer (fmix64): a bijection on 64-bit integers with full
 * avalanche, used to derive a (key, node) score from the two hashes without hashing again.
 */
export function fmix64(x: bigint): bigint {
  const out = new Uint32Array(2);
  fmix64Halves(Number((x >> 32n) & 0xffff_ffffn), Number(x & 0xffff_ffffn), out);
  return (BigInt(out[0] as number) << 32n) | BigInt(out[1] as number);
}

/** fmix64 on halves: h ^= h >> 33; h *= C1; h ^= h >> 33; h *= C2; h ^= h >> 33. */
export function fmix64Halves(hi: number, lo: number, out: Uint32Array): void {
  mul64(hi, (lo ^ (hi >>> 1)) >>> 0, 0xff51afd7, 0xed558ccd, out);
  const h1 = out[0] as number;
  mul64(h1, ((out[1] as number) ^ (h1 >>> 1)) >>> 0, 0xc4ceb9fe, 0x1a85ec53, out);
  out[1] = ((out[1] as number) ^ ((out[0] as number) >>> 1)) >>> 0;
}

/**
 * A 64-bit hash as a double strictly inside (0, 1): its top 52 bits, centred in their step
 * (with 53 bits the top value, (2^53 − 0.5)/2^53, would round to 1 and ln(1) to 0).
 */
export function unitInterval(h: bigint): number {
  return (Number((h & MASK64) >> 12n) + 0.5) / 2 ** 52;
}

/** unitInterval on halves: the top 52 bits are hi·2^20 + (lo >>> 12). */
export function unitIntervalHalves(hi: number, lo: number): number {
  return (hi * 0x10_0000 + (lo >>> 12) + 0.5) / 2 ** 52;
}
