// The lock server of locks/lease-lock (node 1): one lease at a time, granted with a TTL on
// its own clock and a fencing token that grows with every grant. A free lock is granted at
// once. Waiters queue FIFO; when the lock frees, the head is told `Ready` and held a short
// reservation, and only its fresh Acquire is granted — a holder measures its lease from the
// Acquire the grant answers, so a grant answering a request that waited in the queue would
// leave it no time at all. A lease ends by its holder's Release or by running out, never
// earlier: a client that asks again while holding (after a restart, say) queues behind its
// own lease, since writes of the old one may still be in flight. A restarted server has
// forgotten its lease, so it sits out one TTL before granting; the token is durable.

import type { NodeId } from '../../../core/process.js';
import { LOCK_WORST_LATENCY_MS } from '../timing.js';
import type { X } from './options.js';

/** How long a Ready holds the lock for the waiter's fresh Acquire. */
const RESERVE_MS = 2 * LOCK_WORST_LATENCY_MS + 10;

/** Drops the lease and the reservation once they have run out (server clock). */
function lapse(x: X): void {
  const { s, env } = x;
  const now = env.now();
  if (s.lease !== null && now >= s.lease.expiresAtMs) s.lease = null;
  if (s.reserved !== null && now >= s.reserved.untilMs) s.reserved = null;
}

function grant(x: X, client: NodeId, attempt: number): void {
  const { s, env, c } = x;
  s.token++;
  s.reserved = null;
  s.lease = { client, token: s.token, attempt, expiresAtMs: env.now() + c.opts.ttlMs };
  env.setTimer('expire', c.opts.ttlMs);
  env.send(client, { type: 'Granted', attempt, token: s.token, ttlMs: c.opts.ttlMs });
}

/** When the lock is free and not sitting out: tells the head of the queue it may ask. */
export function grantNext(x: X): void {
  const { s, env } = x;
  lapse(x);
  if (s.lease !== null || s.reserved !== null) return;
  const now = env.now();
  if (now < s.quietUntilMs) {
    env.setTimer('expire', s.quietUntilMs - now);
    return;
  }
  const next = s.queue.shift();
  if (next === undefined) return;
  s.reserved = { client: next.client, untilMs: now + RESERVE_MS };
  env.setTimer('expire', RESERVE_MS);
  env.send(next.client, { type: 'Ready' });
}

function enqueue(x: X, from: NodeId, attempt: number): void {
  const waiting = x.s.queue.find((w) => w.client === from);
  if (waiting !== undefined) waiting.attempt = Math.max(waiting.attempt, attempt);
  else x.s.queue.push({ client: from, attempt });
}

export function serverAcquire(x: X, from: NodeId, attempt: number): void {
  const { s, env } = x;
  lapse(x);
  const lease = s.lease;
  if (lease?.client === from && attempt <= lease.attempt) {
    // Our Granted was lost (the same attempt): the same grant again. Older: stale, ignored.
    if (attempt === lease.attempt)
      env.send(from, { type: 'Granted', attempt, token: lease.token, ttlMs: x.c.opts.ttlMs });
    return;
  }
  const free = lease === null && env.now() >= s.quietUntilMs;
  const mine = s.reserved === null || s.reserved.client === from;
  if (free && mine) {
    s.queue = s.queue.filter((w) => w.client !== from);
    grant(x, from, attempt);
  } else {
    enqueue(x, from, attempt);
    grantNext(x);
  }
}

export function serverRelease(x: X, from: NodeId, token: number): void {
  const { s } = x;
  // Only the current lease's own token frees it: a late duplicate of an old Release does not.
  if (s.lease?.client === from && s.lease.token === token) s.lease = null;
  grantNext(x);
}

export function serverStart(x: X): void {
  const { s, env, c } = x;
  if (s.starts > 0) s.quietUntilMs = env.now() + c.opts.ttlMs;
  s.starts++;
}
