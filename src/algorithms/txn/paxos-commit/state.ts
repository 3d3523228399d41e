// A txn/paxos-commit node's state; one shape, each role using its own fields.
// Durable: the TM's count of transactions begun; a leader's ballot round (the TM's, or an
// in-doubt RM's: a ballot is never reused across a crash, so a proposer never proposes two
// values at one ballot); an RM's prepared list (durable BEFORE its phase 2a "prepared"
// leaves) and applied outcomes; an acceptor's promise and accepted values per transaction
// (durable BEFORE its phase 1b / 2b leave). The TM keeps no log of outcomes — the acceptors
// are the log [Gray & Lamport 2006 §4]: a restarted TM learns them again by running phase 1.

import type { Step } from '../../../core/kernel.js';
import type { NodeId } from '../../../core/process.js';
import type { TxnCohortState } from '../shared/cohort.js';
import type { TxnNodeState, TxnOutcome, TxnOutput } from '../shared/outputs.js';
import type { Accepted, PaxosCommitMessage, RmValue } from './messages.js';
import { type PaxosCommitConfig, type PaxosCommitRole, roleOf } from './options.js';

/** A leader's view of one transaction it is deciding. */
export interface Leading {
  readonly ballot: number;
  phase: 'phase1' | 'phase2';
  /** When to give up on this ballot and start a higher one. */
  retryAtMs: number;
  /** Acceptors that promised (phase 1). */
  promised: NodeId[];
  /** The highest-ballot value reported in the promises, per RM instance. */
  highest: Record<NodeId, { ballot: number; value: RmValue }>;
  /** Phase 2b answers per RM instance: per ballot, the value and the acceptors. */
  votes: Record<NodeId, { ballot: number; value: RmValue; from: NodeId[] }[]>;
  /** Instances whose value is chosen (F+1 acceptors accepted it at one ballot). */
  chosen: Record<NodeId, RmValue>;
}

export interface PaxosCommitState extends TxnNodeState, TxnCohortState {
  role: PaxosCommitRole;
  // ---- TM
  /** Durable. */
  begun: number;
  /** Outcomes learned (volatile) and which RMs acknowledged them, when last sent. */
  known: Record<number, { outcome: TxnOutcome; acked: NodeId[]; sentAtMs: number }>;
  // ---- TM and RMs as leaders
  /** Durable: ballot rounds used. */
  round: number;
  leading: Record<number, Leading>;
  // ---- RM
  /** Durable. */
  prepared: number[];
  /** Durable. */
  outcomes: Record<number, TxnOutcome>;
  /** When to start leading a prepared transaction whose outcome has not come. */
  doubtUntilMs: Record<number, number>;
  // ---- acceptor
  /** Durable: per transaction, the highest ballot promised and the values accepted. */
  instances: Record<number, { promised: number; accepted: Accepted[] }>;
}

export const PAXOS_COMMIT_DURABLE = [
  'begun',
  'round',
  'prepared',
  'outcomes',
  'instances',
] as const satisfies readonly (keyof PaxosCommitState)[];

export function initPaxosCommitState(c: PaxosCommitConfig, id: NodeId): PaxosCommitState {
  return {
    role: roleOf(c, id),
    begun: 0,
    known: {},
    round: 0,
    leading: {},
    prepared: [],
    outcomes: {},
    doubtUntilMs: {},
    instances: {},
  };
}

export type X = Step<PaxosCommitMessage, TxnOutput, PaxosCommitState, PaxosCommitConfig>;
