// The client history of a Raft run (the shared conversion, replicated-kv/history.ts: Raft's
// `invoke` and `complete` outputs already have its shape) and the acknowledged-write audit.
//
// Fault model: reads only outputs, which survive crashes of the nodes that produced them.

import type { ClientHistory, OutputRecord } from '../../../core/algorithm.js';
import { type KvClientOutput, kvClientHistory } from '../../replicated-kv/history.js';
import type { RaftOutput } from './messages.js';

function kvOutput(out: RaftOutput): KvClientOutput | undefined {
  return out.type === 'invoke' || out.type === 'complete' ? out : undefined;
}

export function clientHistory(
  outputs: readonly OutputRecord<RaftOutput>[],
  endMs: number,
): ClientHistory {
  return kvClientHistory(outputs, endMs, kvOutput);
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
