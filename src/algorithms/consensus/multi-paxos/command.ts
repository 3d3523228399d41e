// The commands Multi-Paxos chooses, as they travel in its messages and outputs, and how they
// reach the shared key-value machine (replicated-kv/machine.ts: exactly-once client
// sessions, as in Raft's §6.3 and Multi-Paxos deployments — a retried command keeps its
// (client, seq) and gets the first execution's result back). The wire spells an operation
// `{ kind: 'put' | 'get' }` and a put answers the key's previous value; `toKvOp` converts
// at this boundary (and `toWireOp` back, for the shared workload's operations) so messages,
// storage and traces keep their shape.
//
// Fault model: commands arrive from peers; `isCommand` validates them before anything else.

import { assert } from '../../../core/assert.js';
import type { NodeId } from '../../../core/process.js';
import { isCount, isNodeId, isRecord, isString } from '../../../core/validate.js';
import type { KvMachine } from '../../replicated-kv/machine.js';
import type { KvOp } from '../../replicated-kv/ops.js';

/** A key-value operation as Multi-Paxos's messages carry it. */
export type WireOp =
  | { readonly kind: 'put'; readonly key: string; readonly value: string }
  | { readonly kind: 'get'; readonly key: string };

/** A slot's value: a client command, or the no-op a new leader uses to fill gaps. */
export type Command =
  | { readonly kind: 'noop' }
  | { readonly kind: 'client'; readonly client: NodeId; readonly seq: number; readonly op: WireOp };

/** put answers the previous value; get the current one; null when there was none. */
export type KvResult = string | null;

export function commandKey(c: Command): string {
  return c.kind === 'noop' ? 'noop' : `${c.client}:${c.seq}`;
}

export function sameCommand(a: Command, b: Command): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** The shared machine's operation for a wire operation (a put answers the previous value). */
export function toKvOp(op: WireOp): KvOp {
  return op.kind === 'put'
    ? { type: 'put', key: op.key, value: op.value, returnPrevious: true }
    : { type: 'get', key: op.key };
}

/**
 * Applies one chosen command to `kv` (a machine with UNBOUNDED_SESSIONS: the log carries no
 * time); returns the client's result: null for a no-op and for a stale retry (an older seq
 * than the session's, whose answer no client waits for).
 */
export function applyCommand(kv: KvMachine, c: Command): KvResult {
  if (c.kind === 'noop') return null;
  const outcome = kv.apply(c.client, c.seq, toKvOp(c.op), 0);
  return outcome.kind === 'applied' || outcome.kind === 'duplicate' ? outcome.result.value : null;
}

/** The wire operation for a workload's operation (the workload draws only put and get). */
export function toWireOp(op: KvOp): WireOp {
  assert(op.type === 'put' || op.type === 'get', 'the wire carries only put and get');
  return op.type === 'put'
    ? { kind: 'put', key: op.key, value: op.value }
    : { kind: 'get', key: op.key };
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
