// PBFT's client (§4.1): it sends each request to the primary it believes in, waits for
// f+1 REPLYs with the same result from different replicas (one of them is correct), and on
// a timeout broadcasts the request to every replica (backups forward it and start their
// view-change timers). One client runs on every correct node.

import { assert } from '../../../core/assert.js';
import type { NodeId } from '../../../core/process.js';
import { primaryOf } from './crypto.js';
import type { Request } from './messages.js';
import type { PbftStep as X } from './options.js';
import { sendTo } from './send.js';

export function startClient(x: X): void {
  if (x.s.byzantine || x.c.requests === 0) return;
  x.env.setTimer('client-think', x.env.random.range(1, 2 * x.c.thinkMs - 1));
}

export function onThink(x: X): void {
  const { s, env, c } = x;
  const id = env.id;
  if (s.client.pending !== null || s.client.done >= c.requests) return;
  const request: Request = { client: id, t: s.client.t + 1, op: env.random.range(1, 9) };
  s.client = { ...s.client, t: request.t, pending: request, replies: new Map() };
  env.output({ type: 'invoke', client: id, t: request.t, op: request.op });
  sendTo(x, primaryOf(s.client.viewHint, x.c.n), { type: 'Request', request });
  env.setTimer('client-retry', c.retryMs);
}

export function onClientRetry(x: X): void {
  const { s, env, c } = x;
  const request = s.client.pending;
  if (request === null) return;
  for (const to of env.nodes) sendTo(x, to, { type: 'Request', request });
  env.setTimer('client-retry', c.retryMs);
}

export function onReply(x: X, from: NodeId, m: { view: number; t: number; result: number }): void {
  const { s, env, c } = x;
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
  env.output({ type: 'accept', client: x.env.id, t: m.t, result: m.result });
  env.cancelTimer('client-retry');
  if (s.client.done < c.requests)
    env.setTimer('client-think', env.random.range(1, 2 * c.thinkMs - 1));
  assert(s.client.pending === null, 'an accepted request is no longer pending');
  assert(s.client.done <= c.requests, 'the client accepts no more than it sent');
}
