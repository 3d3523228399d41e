// The handshake that opens every connection, before any message. Connections are one-way
// for messages: node D's dialled connection to node A carries D → A only, so each directed
// link has its own queue, backpressure and (in the chaos layer) its proxy.
//
// Message sequence (D dials A; every frame ≤ HANDSHAKE_MAX_FRAME_BYTES):
//   1. D → A  Hello   { protocol, cluster, from: D, to: A, nonce: Nd }
//   2. A → D  Welcome { protocol, cluster, node: A, nonce: Na, mac: MAC_A }
//   3. D → A  Proof   { mac: MAC_D }                                  (secret mode only)
//   then D → A messages.
// With a cluster secret (peer-auth.ts), K = HKDF-SHA256(secret, 'cohort', 'peer handshake')
// and
//   MAC_A = HMAC-SHA256(K, msgpack(['cohort-peer-auth', 'acceptor', protocol, cluster, D, A,
//                                   Nd, Na]))
//   MAC_D = the same with 'dialer' in place of 'acceptor'.
// D checks MAC_A before it sends anything else (A knows the secret and answered THIS hello:
// Nd is fresh), A checks MAC_D before it decodes anything else (D knows the secret and
// answered THIS welcome: Na is fresh, so a recorded hello and proof cannot be replayed).
// The role label keeps one side's MAC from being reflected as the other's. Nonces are 32
// random bytes; MACs are compared with timingSafeEqual. A counts D as authenticated only
// after step 3 — only then may D's connection replace an older one from D.
// With TLS, the channel is already mutually authenticated: A checks that `from` is the node
// D's certificate names, D checks (in the TLS layer) that A's certificate names `to`; there
// is no proof and `mac` is absent. With `none`, steps 1–2 only check ids.
// A wrong cluster id (two clusters sharing ports), an unknown node id, a node reaching the
// wrong port or a failed MAC closes that connection with a logged reason — never the process.

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { encode } from '../../core/codec.js';
import type { NodeId } from '../../core/process.js';
import { isRecord } from '../../core/validate.js';

/** 2: hellos carry a nonce, welcomes a nonce and a MAC, and the dialer's proof follows. */
export const PROTOCOL_VERSION = 2;

/** The bound on every frame before the peer is authenticated (a handshake frame is ~150 B). */
export const HANDSHAKE_MAX_FRAME_BYTES = 1024;

export const NONCE_BYTES = 32;
const MAC_BYTES = 32;

export interface Hello {
  readonly kind: 'hello';
  readonly protocol: number;
  readonly cluster: string;
  readonly from: NodeId;
  readonly to: NodeId;
  readonly nonce: Uint8Array;
}

export interface Welcome {
  readonly kind: 'welcome';
  readonly protocol: number;
  readonly cluster: string;
  readonly node: NodeId;
  readonly nonce: Uint8Array;
  readonly mac?: Uint8Array;
}

export interface Proof {
  readonly kind: 'proof';
  readonly mac: Uint8Array;
}

/** Why a connection was closed (the `reason` field of the log line). */
export type RejectReason =
  | 'garbage'
  | 'oversized-frame'
  | 'bad-handshake'
  | 'wrong-protocol'
  | 'wrong-cluster'
  | 'unknown-node'
  | 'wrong-node'
  | 'bad-mac'
  | 'tls-error'
  | 'wrong-certificate'
  | 'too-many-unauthenticated'
  | 'not-a-message'
  | 'handshake-timeout';

export type Checked<T> =
  | { ok: true; value: T }
  | { ok: false; reason: RejectReason; detail: string };

/** Who dials whom, with which nonces: what both MACs are bound to. */
export interface Transcript {
  readonly cluster: string;
  readonly dialer: NodeId;
  readonly acceptor: NodeId;
  readonly dialerNonce: Uint8Array;
  readonly acceptorNonce: Uint8Array;
}

export function freshNonce(): Buffer {
  return randomBytes(NONCE_BYTES);
}

export function handshakeMac(key: Buffer, role: 'acceptor' | 'dialer', t: Transcript): Buffer {
  const fields = [
    'cohort-peer-auth',
    role,
    PROTOCOL_VERSION,
    t.cluster,
    t.dialer,
    t.acceptor,
    t.dialerNonce,
    t.acceptorNonce,
  ];
  return createHmac('sha256', key).update(encode(fields)).digest();
}

/** Does `mac` (peer input, any shape) equal the MAC we expect? Constant time. */
export function macMatches(mac: unknown, expected: Buffer): boolean {
  return mac instanceof Uint8Array && mac.length === MAC_BYTES && timingSafeEqual(mac, expected);
}

function isNonce(x: unknown): x is Uint8Array {
  return x instanceof Uint8Array && x.length === NONCE_BYTES;
}

/** The checks a hello and a welcome share: kind, protocol, cluster, nonce. */
function checkCommon(
  x: unknown,
  kind: 'hello' | 'welcome',
  cluster: string,
): Checked<Record<string, unknown>> {
  if (!isRecord(x) || x.kind !== kind) {
    return { ok: false, reason: 'bad-handshake', detail: `first frame is not a ${kind}` };
  }
  if (x.protocol !== PROTOCOL_VERSION) {
    return { ok: false, reason: 'wrong-protocol', detail: `protocol ${String(x.protocol)}` };
  }
  if (x.cluster !== cluster) {
    return { ok: false, reason: 'wrong-cluster', detail: `cluster '${String(x.cluster)}'` };
  }
  if (!isNonce(x.nonce)) {
    return { ok: false, reason: 'bad-handshake', detail: `${kind} without a nonce` };
  }
  return { ok: true, value: x };
}

/** Validates a dialer's hello as received by node `self` of `cluster`. */
export function checkHello(
  x: unknown,
  cluster: string,
  self: NodeId,
  known: ReadonlySet<NodeId>,
): Checked<Hello> {
  const common = checkCommon(x, 'hello', cluster);
  if (!common.ok) return common;
  const { from, to } = common.value;
  if (typeof from !== 'number' || !known.has(from) || from === self) {
    return { ok: false, reason: 'unknown-node', detail: `node ${String(from)}` };
  }
  if (to !== self) {
    return { ok: false, reason: 'wrong-node', detail: `meant for node ${String(to)}` };
  }
  return { ok: true, value: common.value as unknown as Hello };
}

/** Validates the acceptor's answer as received by the dialer that meant to reach `peer`. */
export function checkWelcome(x: unknown, cluster: string, peer: NodeId): Checked<Welcome> {
  const common = checkCommon(x, 'welcome', cluster);
  if (!common.ok) return common;
  if (common.value.node !== peer) {
    return { ok: false, reason: 'wrong-node', detail: `reached node ${String(common.value.node)}` };
  }
  return { ok: true, value: common.value as unknown as Welcome };
}

/** Validates the dialer's proof: a MAC over the transcript the acceptor expects. */
export function checkProof(x: unknown, expected: Buffer): Checked<Proof> {
  if (!isRecord(x) || x.kind !== 'proof') {
    return { ok: false, reason: 'bad-handshake', detail: 'second frame is not a proof' };
  }
  if (!macMatches(x.mac, expected)) {
    return { ok: false, reason: 'bad-mac', detail: 'the proof does not match the secret' };
  }
  return { ok: true, value: x as unknown as Proof };
}

/** A message frame must be a plain object with a string `type` (core/process.ts). */
export function isMessage(x: unknown): x is { type: string } {
  return isRecord(x) && typeof x.type === 'string';
}
