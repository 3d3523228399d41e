// The one thing SM(m) needs from cryptography, kept behind a small interface so a host can
// substitute its own implementation (the Lab in a browser has no node:crypto; it must supply
// a synchronous Ed25519 — WebCrypto's is asynchronous and cannot run inside a step).
//
// Keys are derived from the run's seed, so a run replays byte for byte (Ed25519 signatures
// are deterministic, RFC 8032 §5.1.6). The scheme holds every general's private key because
// the simulator plays all of them; the generals' code signs only with the keys of its own
// key ring (its own key; a traitor's ring also holds its fellow traitors' keys).

import type { RunContext } from '../../../core/algorithm.js';
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

/**
 * The scheme of each run, derived once per run rather than once per node: every node of a
 * run is created with the same context object, which keys the cache (a WeakMap, so a
 * finished run's keys go with it).
 */
export function schemePerRun<Opts>(
  schemeOf: SignatureSchemeFactory,
): (ctx: RunContext<Opts>) => SignatureScheme {
  const schemes = new WeakMap<RunContext<Opts>, SignatureScheme>();
  return (ctx) => {
    const known = schemes.get(ctx) ?? schemeOf(ctx.seed, ctx.nodes);
    schemes.set(ctx, known);
    return known;
  };
}
