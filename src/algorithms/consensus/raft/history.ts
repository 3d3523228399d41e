// The client history of a run (for the linearizability checker) and the acknowledged-write
// audit. Delete is a write of null; a client operation never answered (its client crashed
// or the run ended) is indeterminate (`info`) and its process retired, as Jepsen does, so
// every process has at most one operation open.
//
// Fault model: reads only outputs, which survive crashes of the nodes that produced them.

import type { ClientHistory, ClientHistoryEvent, OutputRecord } from '../../../core/algorithm.js';
import type { KvOp } from './client-api.js';
import type { RaftOutput } from './messages.js';

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

export function clientHistory(
  outputs: readonly OutputRecord<RaftOutput>[],
  endMs: number,
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
    const out = r.output;
    if (out.type === 'invoke') {
      abandon(out.client); // A restarted client gave up on its open operation.
      const process = out.client + PROCESS_STRIDE * (retired.get(out.client) ?? 0);
      open.set(out.client, { seq: out.seq, op: out.op, process });
      events.push({ ...eventOf(process, 'invoke', out.op, invokeValue(out.op)), time: r.atMs });
    } else if (out.type === 'complete') {
      const o = open.get(out.client);
      if (o === undefined || o.seq !== out.seq) continue;
      open.delete(out.client);
      const value = out.op.type === 'get' ? out.value : invokeValue(out.op);
      events.push({ ...eventOf(o.process, out.outcome, out.op, value), time: r.atMs });
    }
  }
  const pending = [...open.keys()].sort((a, b) => a - b);
  for (const client of pending) abandon(client);
  return { model: 'kv', events: [...events, ...infos] };
}

function eventOf(
  process: number,
  type: ClientHistoryEvent['type'],
  op: KvOp,
  value: unknown,
): Omit<ClientHistoryEvent, 'time'> {
  return { process, type, f: fOf(op), key: op.key, value };
}

/**
 * Writes acknowledged to a client (put, delete, successful cas) whose command is not among
 * the applied entries: with State Machine Safety the applied entries are the committed log.
 */
export function lostAcknowledgedWrites(outputs: readonly OutputRecord<RaftOutput>[]): number {
  const applied = new Set<string>();
  const acked: string[] = [];
  for (const r of outputs) {
    const out = r.output;
    if (out.type === 'apply') applied.add(out.id);
    else if (out.type === 'complete' && out.outcome === 'ok' && out.op.type !== 'get')
      acked.push(`${out.client}:${out.seq}`);
  }
  return acked.filter((id) => !applied.has(id)).length;
}
