// PBFT's client (§4.1): it sends each request to the primary it believes in, waits for
// f+1 REPLYs with the same result from different replicas (one of them is correct), and on
// a timeout broadcasts the request to every replica (backups forward it and start their
// view-change timers). One client runs on every correct node.

import type { NodeId } from '../../../core/process.js';
import { primaryOf } from './crypto.js';
import type { Request } from './messages.js';
import { type Replica, sendTo } from './state.js';

export function startClient(r: Replica): void {
  if (r.s.byzantine || r.opts.requests === 0) return;
  r.env.setTimer('client-think', r.env.random.range(1, 2 * r.opts.thinkMs - 1));
}

export function onThink(r: Replica): void {
  const { s, env, opts, id } = r;
  if (s.client.pending !== null || s.client.done >= opts.requests) return;
  const request: Request = { client: id, t: s.client.t + 1, op: env.random.range(1, 9) };
  s.client = { ...s.client, t: request.t, pending: request, replies: new Map() };
  env.output({ type: 'invoke', client: id, t: request.t, op: request.op });
  sendTo(r, primaryOf(s.client.viewHint, r.c.n), { type: 'Request', request });
  env.setTimer('client-retry', opts.retryMs);
}

export function onClientRetry(r: Replica): void {
  const { s, env, opts } = r;
  const request = s.client.pending;
  if (request === null) return;
  for (const to of env.nodes) sendTo(r, to, { type: 'Request', request });
  env.setTimer('client-retry', opts.retryMs);
}

export function onReply(
  r: Replica,
  from: NodeId,
  m: { view: number; t: number; result: number },
): void {
  const { s, env, opts, c } = r;
  const request = s.client.pending;
  if (request === null || m.t !== request.t) return;
  s.client.replies.set(from, m.result);
  const same = [...s.client.replies.values()].filter((x) => x === m.result).length;
  if (same < c.f + 1) return;
  s.client = {
    ...s.client,
    done: s.client.done + 1,
    pending: null,
    replies: new Map(),
    viewHint: Math.max(s.client.viewHint, m.view),
  };
  env.output({ type: 'accept', client: r.id, t: m.t, result: m.result });
  env.cancelTimer('client-retry');
  if (s.client.done < opts.requests)
    env.setTimer('client-think', env.random.range(1, 2 * opts.thinkMs - 1));
}
