// The client workload on every node: `requests` key-value commands, one at a time, drawn by
// the shared workload (replicated-kv/workload.ts; reads and puts, the operations the wire
// carries). Each gets a fresh seq (the `client` field is durable, saved by the kernel in
// the step that submits the command, so a restarted client never reuses a seq) and is
// submitted through the local node, which forwards it to the leader; it is re-submitted
// every `retryMs` until a Reply comes. Outputs `invoke` and `complete` form the history the
// linearizability check reads.

import { nextKvOp } from '../../replicated-kv/workload.js';
import { think } from './client-reply.js';
import { toWireOp } from './command.js';
import { submit } from './leader.js';
import type { X } from './state.js';

/** A client draws no compare-and-swap here, so it needs no memory of what it saw. */
const NOTHING_SEEN: ReadonlyMap<string, null> = new Map();

export function startClient(x: X): void {
  const { s, env, c } = x;
  if (s.client.pending !== null) {
    submit(x, s.client.pending);
    env.setTimer('client-retry', c.retryMs);
  } else think(x);
}

export function onThink(x: X): void {
  const { s, env, c } = x;
  if (s.client.pending !== null || s.client.done >= c.requests) return;
  const seq = s.client.seq + 1;
  const op = toWireOp(nextKvOp(env.random, c.workload, env.id, seq, NOTHING_SEEN));
  const command = { kind: 'client', client: env.id, seq, op } as const;
  s.client = { ...s.client, seq, pending: command };
  env.output({ type: 'invoke', client: env.id, seq, op: command });
  submit(x, command);
  env.setTimer('client-retry', c.retryMs);
}

export function onClientRetry(x: X): void {
  const { s, env, c } = x;
  if (s.client.pending === null) return;
  submit(x, s.client.pending);
  env.setTimer('client-retry', c.retryMs);
}
