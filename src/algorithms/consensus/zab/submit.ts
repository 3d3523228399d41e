// Submitting this server's client operations (client.ts holds the workload's bookkeeping):
// the leader proposes one (once: a retry of a proposed operation is not proposed again), a
// learner forwards it to its leader. Operations wait while the server is not broadcasting,
// and are submitted again every `retryMs` until delivered.

import { invoke } from './client.js';
import { propose } from './leader.js';
import type { X } from './state.js';

export function submit(x: X): void {
  const { s, env } = x;
  const p = s.pending;
  if (p === null || s.phase !== 'broadcast') return;
  p.sentAt = env.now();
  if (s.role === 'leader') {
    if (!s.history.some((t) => t.origin === env.id && t.seq === p.seq))
      propose(x, env.id, p.seq, p.op);
  } else {
    env.send(s.leader as number, { type: 'Forward', origin: env.id, seq: p.seq, op: p.op });
  }
}

/** The `think` timer: invoke the next operation and submit it. */
export function startOperation(x: X): void {
  if (invoke(x)) submit(x);
}
