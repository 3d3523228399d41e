// `cohort chain verify-header HEX`: checks one 80-byte Bitcoin block header against the
// target its own `bits` field encodes (and the network's proof-of-work limit, mainnet's by
// default). Prints the hash, the target and the verdict; exit 0 valid, 1 invalid, 2 for
// malformed input.

import { checkProofOfWork, decodeCompact, targetOf } from '../algorithms/chain/pow/compact.js';
import { headerHash, parseHeaderHex } from '../algorithms/chain/pow/header.js';
import { EXIT_CHECK_FAILED, EXIT_OK, UsageError } from './usage-error.js';

export interface HeaderVerdict {
  readonly hash: string;
  readonly version: number;
  readonly prevHash: string;
  readonly merkleRoot: string;
  readonly time: number;
  readonly bits: string;
  readonly nonce: number;
  /** The target as 64 hex digits, or null when `bits` is not a valid target. */
  readonly target: string | null;
  readonly valid: boolean;
  readonly reason: string | null;
}

/** Verdict on a header; throws UsageError for input that is not a header at all. */
export function verifyHeader(hex: string, powLimitBits = 0x1d00ffff): HeaderVerdict {
  const parsed = parseHeaderHex(hex);
  if (!parsed.ok) throw new UsageError(`malformed header: ${parsed.reason}`);
  const h = parsed.header;
  const hash = headerHash(h);
  const powLimit = decodeCompact(powLimitBits).target;
  const target = targetOf(h.bits, powLimit);
  const valid = checkProofOfWork(hash, h.bits, powLimit);
  const reason = valid
    ? null
    : target === null
      ? 'bits is not a valid target under the proof-of-work limit'
      : 'hash above target';
  return {
    hash,
    version: h.version,
    prevHash: h.prevHash,
    merkleRoot: h.merkleRoot,
    time: h.time,
    bits: h.bits.toString(16).padStart(8, '0'),
    nonce: h.nonce,
    target: target === null ? null : target.toString(16).padStart(64, '0'),
    valid,
    reason,
  };
}

export function verifyHeaderCommand(
  hex: string,
  flags: { json?: boolean; powLimit?: string },
): number {
  const limit = flags.powLimit ?? '1d00ffff';
  if (!/^[0-9a-fA-F]{1,8}$/.test(limit))
    throw new UsageError(`--pow-limit must be compact bits in hex, got '${limit}'`);
  const v = verifyHeader(hex, Number.parseInt(limit, 16));
  if (flags.json === true) {
    process.stdout.write(`${JSON.stringify(v, null, 2)}\n`);
  } else {
    const lines = [
      `hash    ${v.hash}`,
      `target  ${v.target ?? '(invalid bits)'}`,
      `bits    ${v.bits}   time ${v.time}   nonce ${v.nonce}   version ${v.version}`,
      `prev    ${v.prevHash}`,
      `merkle  ${v.merkleRoot}`,
      v.valid ? 'valid' : `invalid: ${v.reason}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return v.valid ? EXIT_OK : EXIT_CHECK_FAILED;
}
