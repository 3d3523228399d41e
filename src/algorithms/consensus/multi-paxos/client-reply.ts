// The client's side of a completed command (client.ts runs the workload): the leader's
// result for the pending seq completes it, and the client thinks before its next command
// (`think`, the shared workload's pause, also used by client.ts).
// Kept apart from client.ts because the replica calls it when the leader is this node
// (replica → client-reply), while client.ts submits through the proposer (client → leader →
// replica): one file would close that import cycle.
//
// Fault model: a Reply may be lost, duplicated or stale; only one for the pending seq counts.

import { thinkTime } from '../../replicated-kv/workload.js';
import type { KvResult } from './command.js';
import type { X } from './state.js';

/** The result of command `seq` of this node's client (from the leader, maybe itself). */
export function onReply(x: X, seq: number, result: KvResult): void {
  const { s, env } = x;
  if (s.client.pending === null || s.client.pending.kind !== 'client' || seq !== s.client.seq)
    return;
  s.client = { ...s.client, done: s.client.done + 1, pending: null };
  env.output({ type: 'complete', client: env.id, seq, result });
  env.cancelTimer('client-retry');
  think(x);
}

/** Waits the shared workload's pause before the next command, while commands remain. */
export function think({ s, env, c }: X): void {
  if (s.client.done < c.requests) env.setTimer('client-think', thinkTime(env.random, c.workload));
}
