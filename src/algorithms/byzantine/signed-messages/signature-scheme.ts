// The one thing SM(m) needs from cryptography, kept behind a small interface so a host can
// substitute its own implementation (the Lab in a browser has no node:crypto; it must supply
// a synchronous Ed25519 — WebCrypto's is asynchronous and cannot run inside a step).
//
// Keys are derived from the run's seed, so a run replays byte for byte (Ed25519 signatures
// are deterministic, RFC 8032 §5.1.6). The scheme holds every general's private key because
// the simulator plays all of them; the generals' code signs only with the keys of its own
// key ring (its own key; a traitor's ring also holds its fellow traitors' keys).

import type { NodeId } from '../../../core/process.js';

export interface SignatureScheme {
  /** The name shown in traces and docs, e.g. "ed25519". */
  readonly name: string;
  /** `signer`'s signature over `payload`, as hex. */
  sign(signer: NodeId, payload: string): string;
  /** Whether `signature` is `signer`'s signature over `payload` (false for garbage). */
  verify(signer: NodeId, payload: string, signature: string): boolean;
}

/** Builds the scheme of one run: one key pair per node, derived from the run's seed. */
export type SignatureSchemeFactory = (seed: number, nodes: readonly NodeId[]) => SignatureScheme;
