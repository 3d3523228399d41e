// One lock instance of locks/redlock (nodes 1..N), as a single Redis would serve it: a Lock
// sets the key if it is free or has expired on this instance's clock (`SET NX PX`), an
// Unlock deletes it only if it still holds that very nonce (the compare-and-delete script).
// Instances know nothing of one another. The key is volatile, so a restarted instance sits
// out one TTL before it grants again (antirez's "delayed restarts").

import type { NodeId } from '../../../core/process.js';
import type { X } from './options.js';

export function instanceLock(x: X, from: NodeId, nonce: number, ttlMs: number): void {
  const { s, env } = x;
  const now = env.now();
  if (s.key !== null && now >= s.key.expiresAtMs) s.key = null;
  const mine = s.key?.owner === from && s.key.nonce === nonce;
  const ok = mine || (s.key === null && now >= s.quietUntilMs);
  // A duplicate of a Lock we granted is answered again; it does not extend the key.
  if (ok && !mine) s.key = { owner: from, nonce, expiresAtMs: now + ttlMs };
  env.send(from, { type: 'LockReply', nonce, ok });
}

export function instanceUnlock(x: X, from: NodeId, nonce: number): void {
  const { s } = x;
  if (s.key?.owner === from && s.key.nonce === nonce) s.key = null;
}

export function instanceStart(x: X): void {
  const { s, env, c } = x;
  if (s.starts > 0) s.quietUntilMs = env.now() + c.opts.ttlMs;
  s.starts++;
}
