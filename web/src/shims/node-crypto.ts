// The slice of node:crypto that Cohort's algorithms use, for the browser: SHA-256 hashing
// (chain/*, byzantine/pbft), MD5 and SHA-1 (the partitioners' key hashes and ketama's
// points, src/cluster/partition/hash.ts, for the Lab's partitioning view) and Ed25519 keys,
// signatures and verification (byzantine/signed-messages and the chains' signed blocks), on
// @noble's audited implementations. The Lab aliases `node:crypto` to this module (vite.config.ts).

import { ed25519 } from '@noble/curves/ed25519.js';
import { md5, sha1 } from '@noble/hashes/legacy.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { Buffer } from 'buffer';

type Data = string | Uint8Array;
const bytesOf = (d: Data) => (typeof d === 'string' ? new TextEncoder().encode(d) : d);

const HASHES = { sha256, md5, sha1 } as const;

class Digest {
  private readonly h: { update(bytes: Uint8Array): unknown; digest(): Uint8Array };
  constructor(algorithm: keyof typeof HASHES) {
    this.h = HASHES[algorithm].create();
  }
  update(data: Data): this {
    this.h.update(bytesOf(data));
    return this;
  }
  digest(): Buffer;
  digest(encoding: 'hex'): string;
  digest(encoding?: 'hex'): Buffer | string {
    const out = Buffer.from(this.h.digest());
    return encoding === 'hex' ? out.toString('hex') : out;
  }
}

export function createHash(algorithm: string): Digest {
  if (!Object.hasOwn(HASHES, algorithm))
    throw new Error(`the Lab hashes only sha256, md5 and sha1, not ${algorithm}`);
  return new Digest(algorithm as keyof typeof HASHES);
}

/** An Ed25519 key: the 32-byte seed (private) or public key. */
export interface KeyObject {
  readonly kind: 'private' | 'public';
  readonly bytes: Uint8Array;
}

/** Takes the PKCS#8 DER of an Ed25519 private key; its last 32 bytes are the seed. */
export function createPrivateKey(options: { key: Uint8Array }): KeyObject {
  return { kind: 'private', bytes: options.key.slice(options.key.length - 32) };
}

export function createPublicKey(key: KeyObject): KeyObject {
  return { kind: 'public', bytes: ed25519.getPublicKey(key.bytes) };
}

export function sign(_algorithm: null, data: Uint8Array, key: KeyObject): Buffer {
  return Buffer.from(ed25519.sign(data, key.bytes));
}

export function verify(
  _algorithm: null,
  data: Uint8Array,
  key: KeyObject,
  signature: Uint8Array,
): boolean {
  try {
    return ed25519.verify(signature, data, key.bytes);
  } catch {
    return false;
  }
}

/** Node's one-shot `crypto.hash` does not exist here; callers fall back to createHash. */
export const hash: undefined = undefined;

export default { createHash, createPrivateKey, createPublicKey, sign, verify, hash };
