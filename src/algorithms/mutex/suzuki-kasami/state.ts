// A Suzuki–Kasami node's state (suzuki-kasami.ts explains the protocol). Everything is
// durable — RN, the phase, the token and an unacknowledged hand-off — so a restarted node
// resumes where it stopped, token included.

import type { NodeId } from '../../../core/process.js';
import type { MutexNodeState } from '../workload.js';
import type { Token } from './messages.js';
import type { SuzukiKasamiConfig } from './options.js';

/** Node 1 holds the token at the start. */
export const FIRST_HOLDER: NodeId = 1;

export interface SuzukiKasamiState extends MutexNodeState {
  phase: 'idle' | 'wanting' | 'inside';
  inCS: boolean;
  served: number;
  /** RN[j − 1]: the highest request number heard from node j (our own included). */
  rn: number[];
  /** The token, while this node holds it; null otherwise. */
  token: Token | null;
  /** A token handed to `to` and not yet acknowledged (we no longer hold it). */
  outgoing: { readonly to: NodeId; readonly token: Token } | null;
  /** The highest hand-off stamp this node has accepted. */
  accepted: number;
}

export const SUZUKI_KASAMI_DURABLE = [
  'phase',
  'inCS',
  'served',
  'rn',
  'token',
  'outgoing',
  'accepted',
] as const satisfies readonly (keyof SuzukiKasamiState)[];

export function initSuzukiKasamiState({ n }: SuzukiKasamiConfig, id: NodeId): SuzukiKasamiState {
  return {
    phase: 'idle',
    inCS: false,
    served: 0,
    rn: new Array<number>(n).fill(0),
    token:
      id === FIRST_HOLDER ? { ln: new Array<number>(n).fill(0), queue: [], transfers: 0 } : null,
    outgoing: null,
    accepted: 0,
  };
}

/** Our own bookkeeping: inside means holding the token, whose stamp is the one we accepted. */
export function skConsistent(s: SuzukiKasamiState, n: number): boolean {
  return (
    s.inCS === (s.phase === 'inside') &&
    (s.phase !== 'inside' || s.token !== null) &&
    (s.token === null || s.token.transfers === s.accepted) &&
    s.rn.length === n
  );
}
