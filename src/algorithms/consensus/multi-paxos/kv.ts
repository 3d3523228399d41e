// The replicated state machine of consensus/multi-paxos: a key-value map with client
// sessions for exactly-once execution (a retried command keeps its (client, seq) and gets
// the first execution's result back, as in Raft's §6.3 and Multi-Paxos deployments).

import type { NodeId } from '../../../core/process.js';

export type KvOp =
  | { readonly kind: 'put'; readonly key: string; readonly value: string }
  | { readonly kind: 'get'; readonly key: string };

/** A slot's value: a client command, or the no-op a new leader uses to fill gaps. */
export type Command =
  | { readonly kind: 'noop' }
  | { readonly kind: 'client'; readonly client: NodeId; readonly seq: number; readonly op: KvOp };

/** put answers the previous value; get the current one; null when there was none. */
export type KvResult = string | null;

export function commandKey(c: Command): string {
  return c.kind === 'noop' ? 'noop' : `${c.client}:${c.seq}`;
}

export function sameCommand(a: Command, b: Command): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export class KvMachine {
  readonly data = new Map<string, string>();
  /** client → its last executed seq and that command's result. */
  readonly sessions = new Map<NodeId, { seq: number; result: KvResult }>();

  /** Applies one command; returns the client's result (null for a no-op). */
  apply(c: Command): KvResult {
    if (c.kind === 'noop') return null;
    const session = this.sessions.get(c.client);
    if (session !== undefined && c.seq <= session.seq) {
      // A duplicate (retry) of an executed command: its first result, no second effect.
      return c.seq === session.seq ? session.result : null;
    }
    const previous = this.data.get(c.op.key) ?? null;
    if (c.op.kind === 'put') this.data.set(c.op.key, c.op.value);
    this.sessions.set(c.client, { seq: c.seq, result: previous });
    return previous;
  }
}

const NAME = /^[\w.-]{1,64}$/;

/** Validates a command received from a peer. */
export function isCommand(c: unknown, n: number): c is Command {
  if (typeof c !== 'object' || c === null) return false;
  const x = c as Record<string, unknown>;
  if (x.kind === 'noop') return true;
  if (x.kind !== 'client') return false;
  const client = x.client as number;
  const op = x.op as Record<string, unknown> | null;
  if (!Number.isInteger(client) || client < 1 || client > n) return false;
  if (!Number.isSafeInteger(x.seq) || (x.seq as number) < 1) return false;
  if (typeof op !== 'object' || op === null || typeof op.key !== 'string' || !NAME.test(op.key))
    return false;
  if (op.kind === 'get') return true;
  return op.kind === 'put' && typeof op.value === 'string' && NAME.test(op.value);
}
