// The client history of a replicated key-value run, in the shape the linearizability
// checker reads (sim/linearizability, Jepsen's): every algorithm's client outputs an
// invocation and a completion per operation, converted here. Delete is a write of null; an
// operation never answered (its client crashed or the run ended) is indeterminate (`info`)
// and its process retired, as Jepsen does, so every process has at most one operation open.
// An algorithm whose outputs spell operations differently converts each output to
// KvClientOutput (`toKv`) and keeps its own trace shape.
//
// Fault model: reads only outputs, which survive crashes of the nodes that produced them.

import type { ClientHistory, ClientHistoryEvent, OutputRecord } from '../../core/algorithm.js';
import type { Output } from '../../core/process.js';
import type { KvOp, Value } from './ops.js';

/**
 * A client invoked `op` as its command `seq` (raft/client.ts, multi-paxos/client.ts,
 * zab/client.ts).
 */
export interface KvInvoke {
  readonly type: 'invoke';
  readonly client: number;
  readonly seq: number;
  readonly op: KvOp;
}

/** The client's command `seq` completed; `value` is what a get read (else unused). */
export interface KvComplete {
  readonly type: 'complete';
  readonly client: number;
  readonly seq: number;
  /** 'fail': a definite failure (a cas whose expected value did not match). */
  readonly outcome: 'ok' | 'fail';
  readonly value: Value | null;
}

export type KvClientOutput = KvInvoke | KvComplete;

/** Process numbers: client id + PROCESS_STRIDE × (operations it abandoned so far). */
const PROCESS_STRIDE = 1000;

function fOf(op: KvOp): ClientHistoryEvent['f'] {
  return op.type === 'get' ? 'read' : op.type === 'cas' ? 'cas' : 'write';
}

function invokeValue(op: KvOp): unknown {
  switch (op.type) {
    case 'get':
      return null;
    case 'put':
      return op.value;
    case 'delete':
      return null;
    case 'cas':
      return [op.expected, op.value];
  }
}

function eventOf(
  process: number,
  type: ClientHistoryEvent['type'],
  op: KvOp,
  value: unknown,
): Omit<ClientHistoryEvent, 'time'> {
  return { process, type, f: fOf(op), key: op.key, value };
}

/** The run's client history from its outputs; `toKv` picks and converts the client's. */
export function kvClientHistory<O extends Output>(
  outputs: readonly OutputRecord<O>[],
  endMs: number,
  toKv: (output: O) => KvClientOutput | undefined,
): ClientHistory {
  const events: ClientHistoryEvent[] = [];
  // Indeterminate ends go last so times stay non-decreasing.
  const infos: ClientHistoryEvent[] = [];
  const open = new Map<number, { seq: number; op: KvOp; process: number }>();
  const retired = new Map<number, number>();
  const abandon = (client: number) => {
    const o = open.get(client);
    if (o === undefined) return;
    infos.push({ ...eventOf(o.process, 'info', o.op, invokeValue(o.op)), time: endMs });
    retired.set(client, (retired.get(client) ?? 0) + 1);
    open.delete(client);
  };
  for (const r of outputs) {
    const out = toKv(r.output);
    if (out?.type === 'invoke') {
      abandon(out.client); // A restarted client gave up on its open operation.
      const process = out.client + PROCESS_STRIDE * (retired.get(out.client) ?? 0);
      open.set(out.client, { seq: out.seq, op: out.op, process });
      events.push({ ...eventOf(process, 'invoke', out.op, invokeValue(out.op)), time: r.atMs });
    } else if (out?.type === 'complete') {
      const o = open.get(out.client);
      if (o === undefined || o.seq !== out.seq) continue;
      open.delete(out.client);
      const value = o.op.type === 'get' ? out.value : invokeValue(o.op);
      events.push({ ...eventOf(o.process, out.outcome, o.op, value), time: r.atMs });
    }
  }
  const pending = [...open.keys()].sort((a, b) => a - b);
  for (const client of pending) abandon(client);
  return { model: 'kv', events: [...events, ...infos] };
}
