// A testing/volatile-lock node's state (volatile-lock.ts explains the protocol). Node 1 is
// the server and uses `holder` and `nextGrant`; every other node is a client and uses
// `phase`, `grant` and `entries`. Only `nextGrant` is durable: the holder is volatile, which
// is the deliberate bug (a restarted server forgets who is inside).

import type { NodeId } from '../../../core/process.js';
import type { VolatileLockConfig } from './options.js';

export type LockRole = 'server' | 'client';

/** A client's phase: idle → waiting → inside → releasing → idle. */
export type LockPhase = 'idle' | 'waiting' | 'inside' | 'releasing';

export interface LockState {
  role: LockRole;
  /** Server: the client holding the lock (volatile — the bug). */
  holder: NodeId | null;
  /** Server: the last grant number handed out; durable. */
  nextGrant: number;
  /** Client: waiting → inside → releasing → idle. */
  phase: LockPhase;
  /** Client: the grant it entered with (grant numbers only grow). */
  grant: number;
  /** Client: how many times it entered. */
  entries: number;
}

export function initLockState(c: VolatileLockConfig, id: NodeId): LockState {
  return {
    role: id === c.server ? 'server' : 'client',
    holder: null,
    nextGrant: 0,
    phase: 'idle',
    grant: 0,
    entries: 0,
  };
}

/** Whether a client is in the critical section or still leaving it (it holds a grant then). */
export function holdsGrant(s: LockState): boolean {
  return s.phase === 'inside' || s.phase === 'releasing';
}
