// One Paxos node's state: every node is a learner; the options make some nodes acceptors and
// some proposers (Paxos Made Simple §2.1: "a single process may act as more than one agent").

import type { Env } from '../../../core/process.js';
import type { AcceptorState } from './acceptor.js';
import type { Ballot } from './ballot.js';
import type { PaxosMessage, PaxosOutput, Proposal } from './messages.js';
import type { PaxosOptions, Roles } from './options.js';

export type ProposerPhase = 'idle' | 'preparing' | 'accepting' | 'done';

export interface ProposerState {
  /** The value this proposer would like chosen. */
  readonly value: number;
  /** The highest round this proposer has used; durable, so a ballot is never reused. */
  round: number;
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
  readonly acceptor: AcceptorState | null;
  readonly proposer: ProposerState | null;
  /** The value this node has learned as chosen, or null (durable). */
  learned: number | null;
}

export type PaxosEnv = Env<PaxosMessage, PaxosOutput>;

/** What every handler needs: this node's state, its env, the options and the roles. */
export interface PaxosNode {
  readonly s: PaxosState;
  readonly env: PaxosEnv;
  readonly opts: PaxosOptions;
  readonly roles: Roles;
}
