// A txn/2pc node's state. Node 1 is the coordinator (the notes' transaction manager), nodes
// 2..n the cohorts (resource managers); one shape, each role using its own fields.
// Durable: the coordinator's count of transactions begun and its decision log (a decision is
// durable BEFORE any DoCommit / DoAbort leaves: the kernel saves it in the step that sends
// them); a cohort's prepared list (durable BEFORE its Yes leaves) and applied outcomes.
// Everything else — votes being collected, acknowledgements, in-doubt timers — is volatile.

import type { NodeId } from '../../../core/process.js';
import type { TxnCohortState } from '../shared/cohort.js';
import type { DecisionLogState } from '../shared/decision-log.js';
import type { TxnNodeState, TxnOutcome } from '../shared/outputs.js';

export const COORDINATOR = 1;

export type TwoPcRole = 'coordinator' | 'cohort';

export interface TwoPcState extends TxnNodeState, TxnCohortState, DecisionLogState {
  role: TwoPcRole;
  // ---- coordinator: begun, log (durable; absent from the log = undecided, so presumed
  // abort after a restart) and acks, from DecisionLogState.
  begun: number;
  /** Transactions collecting votes: the cohorts that voted Yes, and since when. */
  voting: Record<number, { yes: NodeId[]; sinceMs: number }>;
  // ---- cohort
  /** Durable. */
  prepared: number[];
  /** Durable. */
  outcomes: Record<number, TxnOutcome>;
  /** In doubt since (or last asked at), per prepared transaction. */
  inDoubtSinceMs: Record<number, number>;
}

export const TWO_PC_DURABLE = [
  'begun',
  'log',
  'prepared',
  'outcomes',
] as const satisfies readonly (keyof TwoPcState)[];

export function initTwoPcState(_c: unknown, id: NodeId): TwoPcState {
  return {
    role: id === COORDINATOR ? 'coordinator' : 'cohort',
    begun: 0,
    log: {},
    voting: {},
    acks: {},
    prepared: [],
    outcomes: {},
    inDoubtSinceMs: {},
  };
}
