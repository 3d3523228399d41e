// The client history of a multi-paxos run for the linearizability checker: the shared
// conversion (replicated-kv/history.ts) over this algorithm's `invoke` and `complete`
// outputs, converted at this boundary (their trace shape stays). An operation never
// completed (its node stayed down or the run ended) is indeterminate (`info`); a restarted
// node resubmits its durable pending command, so an invocation stays open across its
// node's crash.
//
// Fault model: reads only outputs, which survive crashes of the nodes that produced them.

import type { ClientHistory, OutputRecord } from '../../../core/algorithm.js';
import { type KvClientOutput, kvClientHistory } from '../../replicated-kv/history.js';
import { toKvOp } from './command.js';
import type { MultiPaxosOutput } from './messages.js';

/** Multi-Paxos never fails a command: every completion is 'ok' with the command's result. */
function kvOutput(out: MultiPaxosOutput): KvClientOutput | undefined {
  if (out.type === 'invoke' && out.op.kind === 'client')
    return { type: 'invoke', client: out.client, seq: out.seq, op: toKvOp(out.op.op) };
  if (out.type === 'complete')
    return { type: 'complete', client: out.client, seq: out.seq, outcome: 'ok', value: out.result };
  return undefined;
}

export function multiPaxosHistory(
  outputs: readonly OutputRecord<MultiPaxosOutput>[],
  endMs: number,
): ClientHistory {
  return kvClientHistory(outputs, endMs, kvOutput);
}
