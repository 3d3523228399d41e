// A locks/redlock node's state: nodes 1..N are lock instances (one key each), the rest are
// clients. Durable: an instance's start count (a restarted instance has lost its key, so it
// refuses every Lock for one TTL: Redlock's "delayed restart"), and a client's nonce
// counter (nonces stay unique across its incarnations) and served count.

import type { NodeId } from '../../../core/process.js';
import type { MutexNodeState } from '../../mutex/workload.js';

export interface Key {
  readonly owner: NodeId;
  readonly nonce: number;
  /** On the instance's clock. */
  readonly expiresAtMs: number;
}

export type ClientPhase = 'idle' | 'acquiring' | 'holding' | 'backoff';

export interface RedlockState extends MutexNodeState {
  role: 'instance' | 'client';
  // ---- instance
  key: Key | null;
  /** Durable. */
  starts: number;
  /** A restarted instance refuses every Lock until then (its clock). */
  quietUntilMs: number;
  // ---- client
  phase: ClientPhase;
  /** Durable: the current attempt's nonce (only grows). */
  nonce: number;
  /** When the current attempt began (client clock). */
  startedAtMs: number;
  /** Instances that answered the current attempt, and those that granted it. */
  answered: NodeId[];
  granted: NodeId[];
  /** How long this hold lasts, drawn before the attempt (it must fit the validity). */
  holdMs: number;
  attempts: number;
  inCS: boolean;
  /** Durable. */
  served: number;
}

export const REDLOCK_DURABLE = [
  'starts',
  'nonce',
  'served',
] as const satisfies readonly (keyof RedlockState)[];

export function initRedlockState(c: { instances: readonly number[] }, id: NodeId): RedlockState {
  return {
    role: c.instances.includes(id) ? 'instance' : 'client',
    key: null,
    starts: 0,
    quietUntilMs: 0,
    phase: 'idle',
    nonce: 0,
    startedAtMs: 0,
    answered: [],
    granted: [],
    holdMs: 0,
    attempts: 0,
    inCS: false,
    served: 0,
  };
}
