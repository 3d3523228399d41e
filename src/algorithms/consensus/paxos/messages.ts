// The messages of single-decree Paxos, named as in Paxos Made Simple §2.2–2.3: Prepare and
// Promise (phase 1), Accept and Accepted (phase 2), plus the optional Nack of §2.3 ("it would
// be better for the acceptor to inform the proposer"), the distinguished learner's Chosen
// announcement (§2.3), and a learner's LearnRequest for when that announcement was lost.

import type { Ballot } from './ballot.js';

export interface Proposal {
  readonly ballot: Ballot;
  readonly value: number;
}

export type PaxosMessage =
  /**
   * Phase 1a. `value` is null in real Paxos (a Prepare carries only a number); the notes'
   * model (variant `seed-notes`) sends the proposal [n, v] with it.
   */
  | { readonly type: 'Prepare'; readonly ballot: Ballot; readonly value: number | null }
  /**
   * Phase 1b. `accepted` is the highest-numbered proposal this acceptor has ACCEPTED (real
   * Paxos), or — in the notes' model — the last proposal it was PREPARED with.
   */
  | { readonly type: 'Promise'; readonly ballot: Ballot; readonly accepted: Proposal | null }
  /** The request for `ballot` was refused: the acceptor has promised `promised` instead. */
  | { readonly type: 'Nack'; readonly ballot: Ballot; readonly promised: Ballot }
  | { readonly type: 'Accept'; readonly ballot: Ballot; readonly value: number }
  | { readonly type: 'Accepted'; readonly ballot: Ballot; readonly value: number }
  | { readonly type: 'Chosen'; readonly value: number }
  | { readonly type: 'LearnRequest' };

export type PaxosOutput =
  /** A proposer starts phase 1 with a new ballot. */
  | { readonly type: 'prepare'; readonly ballot: Ballot; readonly value: number }
  /** An acceptor accepted a proposal (the checkers rebuild "chosen" from these). */
  | { readonly type: 'accepted'; readonly ballot: Ballot; readonly value: number }
  /** A learner learned the chosen value. */
  | { readonly type: 'learned'; readonly value: number };
