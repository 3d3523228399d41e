// The replicated state machine of consensus/multi-paxos: a key-value map with client
// sessions for exactly-once execution (a retried command keeps its (client, seq) and gets
// the first execution's result back, as in Raft's §6.3 and Multi-Paxos deployments).

import type { NodeId } from '../../../core/process.js';
import { isCount, isNodeId, isRecord, isString } from '../../../core/validate.js';

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

const isName = (x: unknown): x is string => isString(x) && NAME.test(x);

/** Validates a command received from a peer (its client within 1..n when `n` is given). */
export function isCommand(c: unknown, n?: number): c is Command {
  if (!isRecord(c)) return false;
  if (c.kind === 'noop') return true;
  const op = c.op;
  return (
    c.kind === 'client' &&
    isNodeId(c.client, n) &&
    isCount(c.seq) &&
    c.seq >= 1 &&
    isRecord(op) &&
    isName(op.key) &&
    (op.kind === 'get' || (op.kind === 'put' && isName(op.value)))
  );
}
