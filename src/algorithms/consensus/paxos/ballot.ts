// Ballots (proposal numbers) for the Paxos family. Paxos Made Simple §2.2 requires every
// proposal number to be unique and totally ordered; "different proposers choose their numbers
// from disjoint sets" (§2.5). A ballot is the pair (round, proposer): rounds grow, and the
// proposer's id breaks ties, so two proposers never issue the same ballot.

import type { NodeId } from '../../../core/process.js';
import { isCount, isNodeId, isRecord } from '../../../core/validate.js';

export interface Ballot {
  readonly round: number;
  readonly proposer: NodeId;
}

/** Below every real ballot: what an acceptor has promised before any Prepare. */
export const ZERO_BALLOT: Ballot = { round: 0, proposer: 0 };

export function compareBallots(a: Ballot, b: Ballot): number {
  return a.round - b.round || a.proposer - b.proposer;
}

export function ballotText(b: Ballot): string {
  return `${b.round}.${b.proposer}`;
}

/** Validates a ballot received from a peer (never trust its shape); ids within 1..n if given. */
export function isBallot(b: unknown, n?: number): b is Ballot {
  return isRecord(b) && isCount(b.round) && b.round >= 1 && isNodeId(b.proposer, n);
}
