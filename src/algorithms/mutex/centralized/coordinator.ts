// The coordinator's side of mutex/centralized [000, 001 §2.1]: a FIFO queue of requests, one
// holder, and per-client progress (`done`), all durable in the book so a restarted
// coordinator never re-grants a lock that is held. A holder still not released long after
// its grant is probed: the client answers with a Release if it is not inside.

import type { NodeId } from '../../../core/process.js';
import { post } from '../local-delivery.js';
import type { CentralizedOptions, X } from './options.js';

/** A holder still not released after this long is asked whether it is inside. */
function probeMs(opts: CentralizedOptions): number {
  return 2 * opts.holdMs + 100;
}

/** Grants the lock to the head of the queue if it is free (and no rebuild is under way). */
export function grantNext(x: X): void {
  const { s, env, c } = x;
  if (s.book.holder !== null || s.election === 'rebuilding') return;
  const next = s.book.queue.shift();
  if (next === undefined) return;
  s.book.holder = next;
  env.setTimer('probe', probeMs(c.opts));
  post(x, next.node, { type: 'Grant', req: next.req });
}

export function coordinatorRequest(x: X, from: NodeId, req: number): void {
  const book = x.s.book;
  if (req <= (book.done[from] ?? 0)) return; // A stale retry of a finished request.
  if (book.holder?.node === from && book.holder.req === req) {
    post(x, from, { type: 'Grant', req }); // Our grant was lost: again.
  } else if (!book.queue.some((t) => t.node === from && t.req === req)) {
    book.queue.push({ node: from, req });
    grantNext(x);
  }
}

export function coordinatorRelease(x: X, from: NodeId, req: number): void {
  const book = x.s.book;
  book.done[from] = Math.max(book.done[from] ?? 0, req);
  book.queue = book.queue.filter((t) => t.node !== from || t.req > req);
  if (book.holder?.node === from && book.holder.req <= req) {
    book.holder = null;
    grantNext(x);
  }
}

export function probeHolder(x: X): void {
  const { s, env, c } = x;
  const holder = s.book.holder;
  if (holder === null || s.role !== 'coordinator') return;
  env.setTimer('probe', probeMs(c.opts));
  post(x, holder.node, { type: 'Probe', req: holder.req });
}
