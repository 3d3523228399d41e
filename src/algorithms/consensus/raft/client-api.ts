// The client API of consensus/raft: the commands a server accepts (from a simulated client
// node as a ClientRequest message, or from the real runtime through `onCommand`) and the
// reply it gives. Dissertation §6.3: every command carries the client's id and a sequence
// number so that a retried command is applied at most once and its cached result returned.
//
// Fault model: commands and replies may be lost, duplicated or reordered; a client retries
// with the same (client, seq) until it hears a definite answer.

import type { NodeId } from '../../../core/process.js';

/** Values are strings; a missing key reads as null. */
export type Value = string;

/** A key-value operation of the replicated state machine. */
export type KvOp =
  | { readonly type: 'put'; readonly key: string; readonly value: Value }
  | { readonly type: 'get'; readonly key: string }
  | { readonly type: 'delete'; readonly key: string }
  | {
      readonly type: 'cas';
      readonly key: string;
      readonly expected: Value | null;
      readonly value: Value;
    };

/**
 * Operator commands (dissertation §4.1 single-server changes, §3.10 leadership transfer).
 * They are not part of the key-value history.
 */
export type AdminOp =
  | { readonly type: 'add-server'; readonly node: NodeId }
  | { readonly type: 'remove-server'; readonly node: NodeId }
  | { readonly type: 'transfer-leader'; readonly node: NodeId };

export type Op = KvOp | AdminOp;

/** What a server accepts: an operation stamped with the client session (id, seq). */
export type ClientCommand = Op & { readonly client: number; readonly seq: number };

/**
 * Why a command did not succeed. Only `cas-mismatch` and `rejected` are definite failures;
 * the others mean "not done here, try again (perhaps at `leaderHint`)".
 */
export type FailReason = 'not-leader' | 'retry' | 'cas-mismatch' | 'rejected';

/** The answer to one command (the runtime sees it as an output of type `reply`). */
export interface ClientReplyBody {
  readonly client: number;
  readonly seq: number;
  readonly ok: boolean;
  /** get: the value read (null when missing); cas-mismatch: the current value. */
  readonly value?: Value | null;
  readonly reason?: FailReason;
  /** The leader this server believes in, when it is not the leader itself. */
  readonly leaderHint?: NodeId | null;
}

export const KV_OPS: ReadonlySet<string> = new Set(['put', 'get', 'delete', 'cas']);
const ADMIN_OPS: ReadonlySet<string> = new Set(['add-server', 'remove-server', 'transfer-leader']);

function isCount(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

/** Validates a command from outside (a peer or the runtime); never trusts its shape. */
export function parseClientCommand(x: unknown): ClientCommand | undefined {
  if (typeof x !== 'object' || x === null) return undefined;
  const c = x as Record<string, unknown>;
  if (typeof c.type !== 'string' || !isCount(c.client) || !isCount(c.seq)) return undefined;
  if (KV_OPS.has(c.type)) {
    if (typeof c.key !== 'string') return undefined;
    if ((c.type === 'put' || c.type === 'cas') && typeof c.value !== 'string') return undefined;
    if (c.type === 'cas' && c.expected !== null && typeof c.expected !== 'string') return undefined;
    return c as unknown as ClientCommand;
  }
  if (ADMIN_OPS.has(c.type) && isCount(c.node) && c.node >= 1) return c as unknown as ClientCommand;
  return undefined;
}

export function isKvOp(op: Op): op is KvOp {
  return KV_OPS.has(op.type);
}
