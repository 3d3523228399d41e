// The voter half of a Maekawa node (maekawa.ts explains the protocol): one vote (the lock),
// a queue of waiting requests in (Lamport timestamp, id) order, FAILED to a request that
// cannot win, INQUIRE to the holder when a better one arrives. While the lock blocks
// others the voter keeps inquiring its holder, which repairs lost messages.

import { compareLamport } from '../../../core/clocks/lamport.js';
import type { NodeId } from '../../../core/process.js';
import { post } from '../local-delivery.js';
import { retryMs } from '../workload.js';
import type { X } from './options.js';
import type { Ask } from './state.js';

const precedes = (a: Ask, b: Ask) =>
  compareLamport({ time: a.ts, id: a.node }, { time: b.ts, id: b.node }) < 0;

function grant(x: X, ask: Ask): void {
  const { s } = x;
  s.queue = s.queue.filter((q) => q.node !== ask.node);
  s.lock = { ...ask, stamp: ++s.stamps };
  post(x, ask.node, { type: 'Locked', ts: ask.ts, stamp: s.lock.stamp });
}

function grantNext(x: X): void {
  const next = [...x.s.queue].sort((a, b) => (precedes(a, b) ? -1 : 1))[0];
  x.s.lock = null;
  if (next !== undefined) grant(x, next);
}

export function voterRequest(x: X, ask: Ask): void {
  const { s } = x;
  const lock = s.lock;
  if (lock?.node === ask.node && lock.ts === ask.ts)
    return post(x, ask.node, { type: 'Locked', ts: ask.ts, stamp: lock.stamp });
  s.queue = s.queue.filter((q) => q.node !== ask.node || q.ts > ask.ts);
  if (!s.queue.some((q) => q.node === ask.node)) s.queue.push(ask);
  if (lock === null || (lock.node === ask.node && lock.ts < ask.ts)) {
    // Free (or its holder has moved on to a newer request): the best waiting request wins.
    grantNext(x);
    if (s.lock?.node !== ask.node) post(x, ask.node, { type: 'Failed', ts: ask.ts });
    return;
  }
  const beaten = !precedes(ask, lock) || s.queue.some((q) => precedes(q, ask));
  if (beaten) post(x, ask.node, { type: 'Failed', ts: ask.ts });
  else post(x, lock.node, { type: 'Inquire', ts: lock.ts, stamp: lock.stamp });
}

export function voterRelinquish(x: X, from: NodeId, stamp: number): void {
  const { s } = x;
  if (s.lock?.node !== from || s.lock.stamp !== stamp) return;
  s.queue.push({ node: from, ts: s.lock.ts });
  grantNext(x);
}

export function voterRelease(x: X, from: NodeId, ts: number): void {
  const { s } = x;
  s.queue = s.queue.filter((q) => q.node !== from || q.ts > ts);
  if (s.lock?.node === from && s.lock.ts <= ts) grantNext(x);
}

/** The `inquire` timer: the lock still blocks others, so ask its holder again. */
export function voterInquire(x: X): void {
  const { s } = x;
  s.inquiring = false;
  if (s.lock !== null && s.queue.length > 0)
    post(x, s.lock.node, { type: 'Inquire', ts: s.lock.ts, stamp: s.lock.stamp });
}

/** While a lock blocks others, the voter keeps asking its holder (repairs lost messages). */
export function keepInquiring(x: X): void {
  const { s, env, c } = x;
  if (s.inquiring || s.lock === null || s.queue.length === 0) return;
  s.inquiring = true;
  env.setTimer('inquire', retryMs(env.nodes.length, c.opts));
}
