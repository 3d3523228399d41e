// Messages of testing/volatile-lock (volatile-lock.ts explains the protocol): a client's
// Acquire carries nothing but its sender; the server's Grant, the client's Release and the
// server's ReleaseAck carry the grant number. `parseLockMessage` is the algorithm's
// parseMessage: the host drops whatever fails it, so the bug stays the volatile holder alone.
// The outputs (a client entering and leaving) are declared here too.

import { isCount, type MessageChecks, parseByType } from '../../../core/validate.js';

export type LockMessage =
  | { readonly type: 'Acquire' }
  | { readonly type: 'Grant'; readonly grant: number }
  | { readonly type: 'Release'; readonly grant: number }
  | { readonly type: 'ReleaseAck'; readonly grant: number };

const hasGrant = (m: Readonly<Record<string, unknown>>) => isCount(m.grant);

const CHECKS: MessageChecks<LockMessage> = {
  Acquire: () => true,
  Grant: hasGrant,
  Release: hasGrant,
  ReleaseAck: hasGrant,
};

export function parseLockMessage(raw: unknown): LockMessage | undefined {
  return parseByType(CHECKS, raw);
}

/** A client entered (`enter`) or left (`exit`) the critical section. */
export type LockOutput = { readonly type: 'enter' } | { readonly type: 'exit' };
