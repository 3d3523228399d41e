// One Paxos node's state: every node is a learner; the options make some nodes acceptors and
// some proposers (Paxos Made Simple §2.1: "a single process may act as more than one agent").
// Durable (declared in paxos.ts, saved by the kernel): the acceptor's whole state, the
// highest round this node has used as a proposer, and the value it learned.

import type { Step } from '../../../core/kernel.js';
import type { NodeId } from '../../../core/process.js';
import type { AcceptorState } from './acceptor.js';
import { type Ballot, ZERO_BALLOT } from './ballot.js';
import type { PaxosMessage, PaxosOutput, Proposal } from './messages.js';
import type { PaxosConfig } from './options.js';

export type ProposerPhase = 'idle' | 'preparing' | 'accepting' | 'done';

export interface ProposerState {
  /** The value this proposer would like chosen. */
  readonly value: number;
  /** The highest round seen in a Nack: the next ballot must exceed it. */
  highestRound: number;
  phase: ProposerPhase;
  /** The current ballot (meaningful while preparing or accepting). */
  ballot: Ballot | null;
  /** Phase 1b replies for the current ballot, in arrival order. */
  promises: { readonly from: number; readonly accepted: Proposal | null }[];
  /** The value sent in phase 2 of the current ballot. */
  proposal: number | null;
  /** Acceptors that accepted the current ballot, ascending. */
  accepts: number[];
  /** Ballots abandoned so far: the exponent of the randomized backoff. */
  attempt: number;
}

export interface PaxosState {
  /** This node's acceptor (durable as a whole: §2.3), or null if it is none. */
  acceptor: AcceptorState | null;
  readonly proposer: ProposerState | null;
  /**
   * The highest round this node has used as a proposer (durable, saved in the step that
   * sends the Prepare, so a restarted proposer never reuses a ballot). 0 for non-proposers.
   */
  round: number;
  /** The value this node has learned as chosen, or null (durable). */
  learned: number | null;
}

function initProposer(value: number): ProposerState {
  return {
    value,
    highestRound: 0,
    phase: 'idle',
    ballot: null,
    promises: [],
    proposal: null,
    accepts: [],
    attempt: 0,
  };
}

/** What every handler receives: this node's state, its Env and the run's config. */
export type X = Step<PaxosMessage, PaxosOutput, PaxosState, PaxosConfig>;

/** A fresh incarnation, before the kernel restores the durable fields. */
export function initPaxosState(c: PaxosConfig, id: NodeId): PaxosState {
  const value = c.roles.proposals.get(id);
  const isAcceptor = c.roles.acceptors.includes(id);
  return {
    acceptor: isAcceptor ? { promised: ZERO_BALLOT, accepted: null, prepared: null } : null,
    proposer: value === undefined ? null : initProposer(value),
    round: 0,
    learned: null,
  };
}
