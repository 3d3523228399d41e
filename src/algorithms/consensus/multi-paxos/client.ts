// The client workload on every node: `requests` key-value commands, one at a time. Each gets
// a fresh seq (the `client` field is durable, saved by the kernel in the step that submits
// the command, so a restarted client never reuses a seq) and
// is submitted through the local node, which forwards it to the leader; it is re-submitted
// every `retryMs` until a Reply comes. Outputs `invoke` and `complete` form the history the
// linearizability check reads.

import type { WireOp } from './command.js';
import { submit } from './leader.js';
import type { X } from './state.js';

const KEYS = ['x', 'y', 'z'] as const;

export function startClient(x: X): void {
  const { s, env, c } = x;
  if (s.client.pending !== null) {
    submit(x, s.client.pending);
    env.setTimer('client-retry', c.retryMs);
  } else if (s.client.done < c.requests) {
    env.setTimer('client-think', env.random.range(1, 2 * c.thinkMs - 1));
  }
}

export function onThink(x: X): void {
  const { s, env, c } = x;
  if (s.client.pending !== null || s.client.done >= c.requests) return;
  const key = env.random.pick(KEYS);
  const seq = s.client.seq + 1;
  const op: WireOp = env.random.chance(1, 2)
    ? { kind: 'put', key, value: `${env.id}.${seq}` }
    : { kind: 'get', key };
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
