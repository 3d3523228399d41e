// A txn/3pc node's state. Node 1 is the coordinator, nodes 2..n the cohorts. Durable: the
// coordinator's count of transactions begun and its decision log; a cohort's precommitted
// transactions (the shared `prepared` list: executed and logged at PreCommit, locks held)
// and applied outcomes. A cohort's Yes to CanCommit is NOT logged — in 3PC CanCommit only
// checks [001 §2.3.2] — so the `uncertain` table (voted Yes, waiting for PreCommit) is
// volatile, as are the coordinator's phase tables and every timer base.

import type { NodeId } from '../../../core/process.js';
import type { TxnCohortState } from '../shared/cohort.js';
import type { DecisionLogState } from '../shared/decision-log.js';
import type { TxnNodeState, TxnOutcome } from '../shared/outputs.js';

export const COORDINATOR = 1;

export type ThreePcRole = 'coordinator' | 'cohort';

/** Coordinator: collecting votes (CanCommit sent) or PreCommit acks (PreCommit sent). */
export type ThreePcPhase = 'voting' | 'precommit';

export interface ThreePcState extends TxnNodeState, TxnCohortState, DecisionLogState {
  role: ThreePcRole;
  // ---- coordinator: begun, log (durable) and acks, from DecisionLogState.
  begun: number;
  /** Undecided transactions: their phase, who answered in it, and since when. */
  pending: Record<number, { phase: ThreePcPhase; from: NodeId[]; sinceMs: number }>;
  // ---- cohort
  /** Durable: precommitted, outcome unknown. */
  prepared: number[];
  /** Durable. */
  outcomes: Record<number, TxnOutcome>;
  /** Voted Yes, no PreCommit yet: since when (a timeout aborts). */
  uncertain: Record<number, number>;
  /** Precommitted: since when (a timeout commits). */
  precommittedSinceMs: Record<number, number>;
}

export const THREE_PC_DURABLE = [
  'begun',
  'log',
  'prepared',
  'outcomes',
] as const satisfies readonly (keyof ThreePcState)[];

export function initThreePcState(_c: unknown, id: NodeId): ThreePcState {
  return {
    role: id === COORDINATOR ? 'coordinator' : 'cohort',
    begun: 0,
    log: {},
    acks: {},
    pending: {},
    prepared: [],
    outcomes: {},
    uncertain: {},
    precommittedSinceMs: {},
  };
}
