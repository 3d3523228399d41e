// The messages of single-decree Paxos, named as in Paxos Made Simple §2.2–2.3: Prepare and
// Promise (phase 1), Accept and Accepted (phase 2), plus the optional Nack of §2.3 ("it would
// be better for the acceptor to inform the proposer"), the distinguished learner's Chosen
// announcement (§2.3), and a learner's LearnRequest for when that announcement was lost.
// `parsePaxosMessage` checks the shape of peer input; who may send what is paxos.ts's check.

import {
  isInt,
  isNullOr,
  isRecord,
  type MessageChecks,
  parseByType,
} from '../../../core/validate.js';
import { type Ballot, isBallot } from './ballot.js';

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

function isProposal(p: unknown, n?: number): p is Proposal {
  return isRecord(p) && isBallot(p.ballot, n) && isInt(p.value);
}

const checks: MessageChecks<PaxosMessage> = {
  Prepare: (m, n) => isBallot(m.ballot, n) && isNullOr(m.value, isInt),
  Promise: (m, n) => isBallot(m.ballot, n) && (m.accepted === null || isProposal(m.accepted, n)),
  Nack: (m, n) => isBallot(m.ballot, n) && isBallot(m.promised, n),
  Accept: (m, n) => isBallot(m.ballot, n) && isInt(m.value),
  Accepted: (m, n) => isBallot(m.ballot, n) && isInt(m.value),
  Chosen: (m) => isInt(m.value),
  LearnRequest: () => true,
};

/** The message itself if it is well formed (node ids within 1..n when `n` is given). */
export function parsePaxosMessage(raw: unknown, n?: number): PaxosMessage | undefined {
  return parseByType(checks, raw, n);
}
