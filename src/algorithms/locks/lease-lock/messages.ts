// Messages of locks/lease-lock. Acquire / Granted / Release / Ready between clients and the lock
// server (node 1); Write / WriteReply between a holder and the storage node (node 2). An
// Acquire carries the client's attempt number, echoed by the Granted, so the client measures
// its lease from the moment it sent the very request the grant answers. The token is the
// fencing token: it grows with every grant. `parseLeaseLockMessage` is the algorithm's
// parseMessage: peer input that fails it is dropped by the host.

import { isBool, isCount, type MessageChecks, parseByType } from '../../../core/validate.js';

export type LeaseLockMessage =
  | { readonly type: 'Acquire'; readonly attempt: number }
  | {
      readonly type: 'Granted';
      readonly attempt: number;
      readonly token: number;
      readonly ttlMs: number;
    }
  | { readonly type: 'Release'; readonly token: number }
  /** The lock is free and held for you a moment: ask again (a fresh Acquire). */
  | { readonly type: 'Ready' }
  | { readonly type: 'Write'; readonly token: number; readonly unit: number }
  | {
      readonly type: 'WriteReply';
      readonly token: number;
      readonly unit: number;
      readonly accepted: boolean;
    };

const CHECKS: MessageChecks<LeaseLockMessage> = {
  Acquire: (m) => isCount(m.attempt),
  Granted: (m) => isCount(m.attempt) && isCount(m.token) && isCount(m.ttlMs),
  Release: (m) => isCount(m.token),
  Ready: () => true,
  Write: (m) => isCount(m.token) && isCount(m.unit),
  WriteReply: (m) => isCount(m.token) && isCount(m.unit) && isBool(m.accepted),
};

export function parseLeaseLockMessage(raw: unknown): LeaseLockMessage | undefined {
  return parseByType(CHECKS, raw);
}
