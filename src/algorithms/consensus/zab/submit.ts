// Submitting this server's writes (client.ts holds the workload's bookkeeping): a new write
// is invoked and submitted; the leader proposes it (once: a retry of a proposed write is
// not proposed again), a learner forwards it to its leader. Writes wait while the server is
// not broadcasting, and are submitted again every `retryMs` until delivered.

import { propose } from './leader.js';
import type { X } from './state.js';

export function submit(x: X): void {
  const { s, env } = x;
  const p = s.pending;
  if (p === null || s.phase !== 'broadcast') return;
  p.sentAt = env.now();
  if (s.role === 'leader') {
    if (!s.history.some((t) => t.origin === env.id && t.seq === p.seq))
      propose(x, env.id, p.seq, p.value);
  } else {
    env.send(s.leader as number, { type: 'Forward', origin: env.id, seq: p.seq, value: p.value });
  }
}

/** The `write` timer: invoke the next write (its seq is durable before it is submitted). */
export function startWrite(x: X): void {
  const { s, env, c } = x;
  if (s.pending !== null || s.done >= c.requests) return;
  s.seq += 1;
  s.pending = { seq: s.seq, value: `${env.id}.${s.seq}`, sentAt: env.now() };
  env.output({ type: 'invoke', seq: s.seq, value: s.pending.value });
  submit(x);
}
