// Ed25519 signatures through node:crypto (the default SignatureScheme). Each node's 32-byte
// private key seed is SHA-256("cohort/signed-messages/<run seed>/<node>"), wrapped in the
// fixed PKCS#8 DER prefix for an Ed25519 key (RFC 8410 §7) so node:crypto can load it.

import {
  createHash,
  createPrivateKey,
  createPublicKey,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { assert } from '../../../core/assert.js';
import type { NodeId } from '../../../core/process.js';
import type { SignatureScheme } from './signature-scheme.js';

/** SEQUENCE { INTEGER 0, SEQUENCE { OID 1.3.101.112 }, OCTET STRING { OCTET STRING (32) } }. */
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export function ed25519KeySeed(runSeed: number, node: NodeId): Buffer {
  return createHash('sha256').update(`cohort/signed-messages/${runSeed}/${node}`).digest();
}

function privateKeyOf(seed32: Buffer): KeyObject {
  return createPrivateKey({
    key: Buffer.concat([PKCS8_ED25519_PREFIX, seed32]),
    format: 'der',
    type: 'pkcs8',
  });
}

export function ed25519Scheme(runSeed: number, nodes: readonly NodeId[]): SignatureScheme {
  const secret = new Map<NodeId, KeyObject>();
  const pub = new Map<NodeId, KeyObject>();
  const verified = new Map<string, boolean>();
  for (const id of nodes) {
    const key = privateKeyOf(ed25519KeySeed(runSeed, id));
    secret.set(id, key);
    pub.set(id, createPublicKey(key));
  }
  return {
    name: 'ed25519',
    sign(signer, payload) {
      const key = secret.get(signer);
      assert(key !== undefined, `no key for node ${signer}`);
      return sign(null, Buffer.from(payload, 'utf8'), key).toString('hex');
    },
    verify(signer, payload, signature) {
      const key = pub.get(signer);
      if (key === undefined || !/^[0-9a-f]{128}$/.test(signature)) return false;
      // Relayed chains repeat the same signatures; verifying is a pure function, so remember.
      const memo = `${signer}|${signature}|${payload}`;
      const known = verified.get(memo);
      if (known !== undefined) return known;
      const ok = verify(null, Buffer.from(payload, 'utf8'), key, Buffer.from(signature, 'hex'));
      verified.set(memo, ok);
      return ok;
    },
  };
}
