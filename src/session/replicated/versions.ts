// Versioned sessions for replication between app servers. Each session is a last-writer-
// wins register (src/algorithms/crdt/lww-register.ts, reused as is): its version is the pair
// (ts, node) — ts from `lwwNextTs`, above both the writer's clock and every version it has
// seen of the session, node the writer's id — and the merge keeps the larger pair, so
// replicas that have seen the same writes agree whatever order they saw them in
// (commutative, associative, idempotent: gossip may repeat and reorder freely). A deleted
// session is a tombstone (value null) that wins like any write, so a stale copy gossiped
// back later cannot resurrect it.
//
// Expiry: every version carries `expiresAtMs`. A version already expired is dropped on
// receipt and swept locally. A tombstone expires at max(the deleted version's expiry, now)
// + grace: every version it supersedes expires no later (a session's later writes carry
// later expiries), so once the tombstone goes, nothing it buried can come back live.
//
// Fault model: versions arrive from peers (authenticated, but still parsed): `parseVersion`
// refuses anything malformed or oversized, never throws.

import { type LwwRegister, lwwNextTs, lwwRegister } from '../../algorithms/crdt/index.js';
import { isSessionId, type SessionId } from '../session-id.js';

/** A replicated session: the register (value = data JSON, or null for a tombstone) + expiry. */
export interface SessionVersion extends LwwRegister {
  readonly value: string | null;
  readonly expiresAtMs: number;
}

/** On the wire: [id, ts, node, expiresAtMs, value]. */
export type WireVersion = [SessionId, number, number, number, string | null];

/** On the wire, a digest entry: [id, ts, node]. */
export type DigestEntry = [SessionId, number, number];

export const MAX_NODE_ID = 65_535;

/** The larger of two versions of one session (the LWW register's join). */
export function mergeVersion(a: SessionVersion, b: SessionVersion): SessionVersion {
  return lwwRegister.merge(a, b) as SessionVersion;
}

/** Whether (ts, node) of `a` is newer than (ts, node) of `b`. */
export function newerThan(
  a: { ts: number; node: number },
  b: { ts: number; node: number },
): boolean {
  return a.ts !== b.ts ? a.ts > b.ts : a.node > b.node;
}

/** A local write by `node` over `previous` (or a first write). */
export function writeVersion(
  previous: SessionVersion | undefined,
  write: { node: number; value: string | null; nowMs: number; expiresAtMs: number },
): SessionVersion {
  const ts = lwwNextTs(previous ?? lwwRegister.bottom(), write.nowMs);
  return { value: write.value, ts, node: write.node, expiresAtMs: write.expiresAtMs };
}

export function toWire(id: SessionId, v: SessionVersion): WireVersion {
  return [id, v.ts, v.node, v.expiresAtMs, v.value];
}

function isStamp(ts: unknown, node: unknown): boolean {
  return (
    Number.isSafeInteger(ts) &&
    (ts as number) >= 0 &&
    Number.isInteger(node) &&
    (node as number) >= 1 &&
    (node as number) <= MAX_NODE_ID
  );
}

/** A version from a peer, or undefined. */
export function parseVersion(
  raw: unknown,
  maxValueBytes: number,
): { id: SessionId; version: SessionVersion } | undefined {
  if (!Array.isArray(raw) || raw.length !== 5) return undefined;
  const [id, ts, node, expiresAtMs, value] = raw as unknown[];
  if (!isSessionId(id) || !isStamp(ts, node) || !Number.isSafeInteger(expiresAtMs))
    return undefined;
  if (value !== null && (typeof value !== 'string' || value.length > maxValueBytes))
    return undefined;
  return {
    id,
    version: { value, ts: ts as number, node: node as number, expiresAtMs: expiresAtMs as number },
  };
}

export function parseDigestEntry(raw: unknown): DigestEntry | undefined {
  if (!Array.isArray(raw) || raw.length !== 3) return undefined;
  const [id, ts, node] = raw as unknown[];
  return isSessionId(id) && isStamp(ts, node) ? [id, ts as number, node as number] : undefined;
}
