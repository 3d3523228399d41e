// The slice of node:crypto that Cohort's algorithms use, for the browser: SHA-256 hashing
// (chain/*, byzantine/pbft) and Ed25519 keys, signatures and verification
// (byzantine/signed-messages and the chains' signed blocks), on @noble's audited
// implementations. The Lab aliases `node:crypto` to this module (vite.config.ts).

import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { Buffer } from 'buffer';

type Data = string | Uint8Array;
const bytesOf = (d: Data) => (typeof d === 'string' ? new TextEncoder().encode(d) : d);

class Sha256 {
  private readonly h = sha256.create();
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

export function createHash(algorithm: string): Sha256 {
  if (algorithm !== 'sha256') throw new Error(`the Lab hashes only sha256, not ${algorithm}`);
  return new Sha256();
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
