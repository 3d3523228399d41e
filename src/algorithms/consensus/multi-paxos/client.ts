// The client workload on every node: `requests` key-value commands, one at a time. Each gets
// a fresh seq (durable before it is submitted, so a restarted client never reuses one) and
// is submitted through the local node, which forwards it to the leader; it is re-submitted
// every `retryMs` until a Reply comes. Outputs `invoke` and `complete` form the history the
// linearizability check reads.

import type { KvOp, KvResult } from './kv.js';
import type { MpNode } from './state.js';

const KEYS = ['x', 'y', 'z'] as const;

export function startClient(node: MpNode): void {
  const { s, env, opts } = node;
  if (s.client.pending !== null) {
    node.submit(s.client.pending);
    env.setTimer('client-retry', opts.retryMs);
  } else if (s.client.done < opts.requests) {
    env.setTimer('client-think', env.random.range(1, 2 * opts.thinkMs - 1));
  }
}

export function onThink(node: MpNode): void {
  const { s, env, opts } = node;
  if (s.client.pending !== null || s.client.done >= opts.requests) return;
  const key = env.random.pick(KEYS);
  const seq = s.client.seq + 1;
  const op: KvOp = env.random.chance(1, 2)
    ? { kind: 'put', key, value: `${env.id}.${seq}` }
    : { kind: 'get', key };
  const command = { kind: 'client', client: env.id, seq, op } as const;
  s.client = { ...s.client, seq, pending: command };
  env.storage.set('client', s.client);
  env.output({ type: 'invoke', client: env.id, seq, op: command });
  node.submit(command);
  env.setTimer('client-retry', opts.retryMs);
}

export function onClientRetry(node: MpNode): void {
  const { s, env, opts } = node;
  if (s.client.pending === null) return;
  node.submit(s.client.pending);
  env.setTimer('client-retry', opts.retryMs);
}

export function onReply(node: MpNode, seq: number, result: KvResult): void {
  const { s, env, opts } = node;
  if (s.client.pending === null || s.client.pending.kind !== 'client' || seq !== s.client.seq)
    return;
  s.client = { ...s.client, done: s.client.done + 1, pending: null };
  env.storage.set('client', s.client);
  env.output({ type: 'complete', client: env.id, seq, result });
  env.cancelTimer('client-retry');
  if (s.client.done < opts.requests)
    env.setTimer('client-think', env.random.range(1, 2 * opts.thinkMs - 1));
}
