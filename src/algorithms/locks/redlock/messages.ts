// Messages of locks/redlock: what a client says to each independent lock instance — Redis'
// `SET key nonce NX PX ttl` (Lock, answered by LockReply) and the compare-and-delete release
// script (Unlock, unanswered). The nonce is the client's random value, unique per attempt.
// `parseRedlockMessage` is the algorithm's parseMessage.

import { isBool, isCount, type MessageChecks, parseByType } from '../../../core/validate.js';

export type RedlockMessage =
  | { readonly type: 'Lock'; readonly nonce: number; readonly ttlMs: number }
  | { readonly type: 'LockReply'; readonly nonce: number; readonly ok: boolean }
  | { readonly type: 'Unlock'; readonly nonce: number };

const CHECKS: MessageChecks<RedlockMessage> = {
  Lock: (m) => isCount(m.nonce) && isCount(m.ttlMs) && m.ttlMs >= 1,
  LockReply: (m) => isCount(m.nonce) && isBool(m.ok),
  Unlock: (m) => isCount(m.nonce),
};

export function parseRedlockMessage(raw: unknown): RedlockMessage | undefined {
  return parseByType(CHECKS, raw);
}
