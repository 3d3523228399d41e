// Sealing a cookie: AES-256-GCM (NIST SP 800-38D) encrypts and authenticates in one pass, so
// a sealed value is both secret and signed — a flipped bit anywhere fails the tag. Keys
// rotate: `keys` is a list, newest first; the newest seals, every key in the list unseals,
// so a deployment adds a key at the front, waits one session lifetime, then drops the last.
//
// Layout, then base64url (no padding):
//   version (1 byte, 0x01) | key id (4 bytes) | IV (12 bytes, random) | tag (16) | ciphertext
// The version and key id are the additional authenticated data: a value cannot be moved to
// another key or format. The key id (the first 4 bytes of SHA-256 of the key) picks the key
// without trying them all. A random 96-bit IV per seal stays within GCM's bound (2^32 seals
// per key, SP 800-38D §8.3) for any plausible number of sessions between rotations.
//
// Fault model: a sealed value is the client's: `unseal` returns undefined for any value it
// cannot authenticate (wrong length, unknown key, bad tag), never throws. Keys are the
// operator's: too short, duplicated or missing keys are an InvalidSessionArgument.

import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from 'node:crypto';
import { InvalidSessionArgument } from './errors.js';

const VERSION = 0x01;
const KEY_ID_BYTES = 4;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const HEADER_BYTES = 1 + KEY_ID_BYTES;
/** Bytes a sealed value adds to its plaintext before base64url. */
export const SEAL_OVERHEAD_BYTES = HEADER_BYTES + IV_BYTES + TAG_BYTES;
/** A secret given as text is stretched by HKDF; it must carry at least this much. */
export const MIN_SECRET_LENGTH = 32;
const HKDF_SALT = 'cohort/session/cookie';
const HKDF_INFO = 'aes-256-gcm';

interface Key {
  readonly id: Buffer;
  readonly key: Buffer;
}

export interface Sealer {
  seal(plaintext: string): string;
  unseal(sealed: string): string | undefined;
  /** The length of a sealed value for a plaintext of `bytes` bytes. */
  sealedLength(bytes: number): number;
}

/** A key: 32 raw bytes, or a secret of at least MIN_SECRET_LENGTH characters (HKDF). */
export type KeyMaterial = string | Uint8Array;

function deriveKey(material: KeyMaterial, index: number): Key {
  let key: Buffer;
  if (typeof material === 'string') {
    if (material.length < MIN_SECRET_LENGTH)
      throw new InvalidSessionArgument(
        `key ${index + 1} is ${material.length} characters: at least ${MIN_SECRET_LENGTH}`,
      );
    key = Buffer.from(hkdfSync('sha256', material, HKDF_SALT, HKDF_INFO, 32));
  } else {
    if (material.length !== 32)
      throw new InvalidSessionArgument(
        `key ${index + 1} is ${material.length} bytes: AES-256 needs 32`,
      );
    key = Buffer.from(material);
  }
  const id = createHash('sha256').update(key).digest().subarray(0, KEY_ID_BYTES);
  return { id, key };
}

export function createSealer(keys: readonly KeyMaterial[]): Sealer {
  if (keys.length === 0) throw new InvalidSessionArgument('cookie sessions need at least one key');
  const ring = keys.map(deriveKey);
  const ids = new Set(ring.map((k) => k.id.toString('hex')));
  if (ids.size !== ring.length) throw new InvalidSessionArgument('the same key is listed twice');
  const newest = ring[0] as Key;
  return {
    seal(plaintext) {
      const header = Buffer.concat([Buffer.of(VERSION), newest.id]);
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', newest.key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(header);
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return Buffer.concat([header, iv, cipher.getAuthTag(), body]).toString('base64url');
    },
    unseal(sealed) {
      const raw = Buffer.from(sealed, 'base64url');
      if (raw.length < SEAL_OVERHEAD_BYTES || raw[0] !== VERSION) return undefined;
      // Node's decoder skips stray characters; only the canonical spelling is accepted.
      if (raw.toString('base64url') !== sealed) return undefined;
      const header = raw.subarray(0, HEADER_BYTES);
      const key = ring.find((k) => k.id.equals(header.subarray(1)));
      if (key === undefined) return undefined; // Sealed by a key rotated out (or never ours).
      const iv = raw.subarray(HEADER_BYTES, HEADER_BYTES + IV_BYTES);
      const tag = raw.subarray(HEADER_BYTES + IV_BYTES, SEAL_OVERHEAD_BYTES);
      try {
        const decipher = createDecipheriv('aes-256-gcm', key.key, iv, { authTagLength: TAG_BYTES });
        decipher.setAAD(header);
        decipher.setAuthTag(tag);
        const plain = Buffer.concat([
          decipher.update(raw.subarray(SEAL_OVERHEAD_BYTES)),
          decipher.final(),
        ]);
        return plain.toString('utf8');
      } catch {
        return undefined; // The tag did not verify: forged, corrupted or truncated.
      }
    },
    sealedLength: (bytes) => Math.ceil(((SEAL_OVERHEAD_BYTES + bytes) * 4) / 3),
  };
}
