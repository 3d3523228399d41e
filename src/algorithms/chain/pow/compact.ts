// The compact "bits" encoding of a 256-bit target (Bitcoin Core arith_uint256 SetCompact /
// GetCompact), proof-of-work checks and the work a target represents (chain.cpp GetBlockProof:
// 2^256 / (target + 1)). BigInt is used here, off the hashing hot path: the miner compares
// hash bytes with a precomputed target (targetBytes / meetsTarget).

export interface DecodedTarget {
  readonly target: bigint;
  readonly negative: boolean;
  readonly overflow: boolean;
}

export function decodeCompact(bits: number): DecodedTarget {
  const size = bits >>> 24;
  let word = bits & 0x007fffff;
  let target: bigint;
  if (size <= 3) {
    word >>>= 8 * (3 - size);
    target = BigInt(word);
  } else {
    target = BigInt(word) << BigInt(8 * (size - 3));
  }
  const negative = word !== 0 && (bits & 0x00800000) !== 0;
  const overflow =
    word !== 0 && (size > 34 || (word > 0xff && size > 33) || (word > 0xffff && size > 32));
  return { target, negative, overflow };
}

export function encodeCompact(target: bigint): number {
  let size = Math.ceil(target.toString(2).length / 8);
  if (target === 0n) size = 0;
  let compact: number;
  if (size <= 3) compact = Number(target << BigInt(8 * (3 - size)));
  else compact = Number(target >> BigInt(8 * (size - 3)));
  // The mantissa's top bit is a sign bit: shift it out of the way.
  if (compact & 0x00800000) {
    compact >>>= 8;
    size++;
  }
  return ((size << 24) | compact) >>> 0;
}

/** Bitcoin mainnet's highest target (difficulty 1): bits 0x1d00ffff. */
export const MAINNET_POW_LIMIT = decodeCompact(0x1d00ffff).target;

/** The target of `bits`, or null when the encoding is invalid or above `powLimit`. */
export function targetOf(bits: number, powLimit: bigint): bigint | null {
  const { target, negative, overflow } = decodeCompact(bits);
  if (negative || overflow || target === 0n || target > powLimit) return null;
  return target;
}

/** pow.cpp CheckProofOfWork: the hash (display hex) read as a number is at most the target. */
export function checkProofOfWork(hashHex: string, bits: number, powLimit: bigint): boolean {
  const target = targetOf(bits, powLimit);
  return target !== null && BigInt(`0x${hashHex}`) <= target;
}

/** Expected hashes to find a block at this target: 2^256 / (target + 1). */
export function workOf(bits: number): bigint {
  const { target } = decodeCompact(bits);
  return (1n << 256n) / (target + 1n);
}

/** The target as 32 little-endian bytes (the internal order of a hash). */
export function targetBytes(target: bigint): Uint8Array {
  const out = new Uint8Array(32);
  let t = target;
  for (let i = 0; i < 32; i++) {
    out[i] = Number(t & 0xffn);
    t >>= 8n;
  }
  return out;
}

/** Whether a hash in internal (little-endian) order is ≤ the target in the same order. */
export function meetsTarget(hash: Uint8Array, target: Uint8Array): boolean {
  for (let i = 31; i >= 0; i--) {
    const h = hash[i] ?? 0;
    const t = target[i] ?? 0;
    if (h !== t) return h < t;
  }
  return true;
}
