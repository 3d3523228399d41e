// The client history of a multi-paxos run for the linearizability checker (sim's, Jepsen's
// shape): put is a write, get a read; an operation never completed (its node stayed down or
// the run ended) is indeterminate (`info`). A restarted node resubmits its durable pending
// command, so an invocation stays open across its node's crash.
//
// Fault model: reads only outputs, which survive crashes of the nodes that produced them.

import type { ClientHistory, ClientHistoryEvent, OutputRecord } from '../../../core/algorithm.js';
import type { KvOp } from './kv.js';
import type { MultiPaxosOutput } from './messages.js';

const fOf = (op: KvOp): ClientHistoryEvent['f'] => (op.kind === 'put' ? 'write' : 'read');

export function multiPaxosHistory(
  outputs: readonly OutputRecord<MultiPaxosOutput>[],
  endMs: number,
): ClientHistory {
  const events: ClientHistoryEvent[] = [];
  const open = new Map<number, { seq: number; op: KvOp }>();
  for (const { atMs, output: out } of outputs) {
    if (out.type === 'invoke' && out.op.kind === 'client') {
      const { op } = out.op;
      open.set(out.client, { seq: out.seq, op });
      const value = op.kind === 'put' ? op.value : null;
      events.push({
        process: out.client,
        type: 'invoke',
        f: fOf(op),
        key: op.key,
        value,
        time: atMs,
      });
    } else if (out.type === 'complete') {
      const pending = open.get(out.client);
      if (pending === undefined || pending.seq !== out.seq) continue;
      open.delete(out.client);
      const { op } = pending;
      const value = op.kind === 'put' ? op.value : out.result;
      events.push({ process: out.client, type: 'ok', f: fOf(op), key: op.key, value, time: atMs });
    }
  }
  for (const [client, { op }] of [...open].sort(([a], [b]) => a - b)) {
    const value = op.kind === 'put' ? op.value : null;
    events.push({ process: client, type: 'info', f: fOf(op), key: op.key, value, time: endMs });
  }
  return { model: 'kv', events };
}
