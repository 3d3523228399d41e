// A FastLeaderElection server's state (zab-fle.ts explains the protocol). Durable: the last
// zxid, the current and accepted epochs and whose the accepted one is — ZAB's acceptedEpoch
// and currentEpoch must survive a crash, or a restarted server could accept an older epoch
// or look more up to date than it is. Everything else is rebuilt by a new election.

import type { Step } from '../../../core/kernel.js';
import type { NodeId } from '../../../core/process.js';
import type { ElectionNodeState, ElectionOutput } from '../workload.js';
import type { FleMessage, ServerState, Vote } from './messages.js';
import type { FleConfig } from './options.js';

export interface FleState extends ElectionNodeState {
  role: 'looking' | 'establishing' | 'leader' | 'follower' | 'observer';
  /** The notes' server state. */
  server: ServerState;
  leader: NodeId | null;
  /** The epoch this node's leader established (0 before any). */
  term: number;
  /** ZooKeeper's logicalclock: the election round. */
  round: number;
  vote: Vote;
  /** The vote whose quorum we are waiting `finalizeMs` on, if any. */
  finalizing: Vote | null;
  /** Votes of the current round, by voter. */
  received: Record<string, Vote>;
  /** Votes of servers that have decided, with their state. */
  decided: Record<
    string,
    { readonly vote: Vote; readonly state: ServerState; readonly round: number }
  >;
  /** Durable: the last zxid and the current and accepted epochs (and whose). */
  zxid: number;
  currentEpoch: number;
  acceptedEpoch: number;
  acceptedFrom: NodeId;
  /** Leader side of establishment: accepted epochs reported, and acknowledgements. */
  infos: Record<string, number>;
  proposedEpoch: number;
  acks: NodeId[];
  lastHeardMs: number;
}

/** The fields that survive a crash (the kernel saves and restores them). */
export const FLE_DURABLE = ['zxid', 'currentEpoch', 'acceptedEpoch', 'acceptedFrom'] as const;

export function initFleState(c: FleConfig): FleState {
  return {
    role: 'looking',
    server: 'LOOKING',
    leader: null,
    term: 0,
    round: 0,
    vote: { leader: 0, zxid: 0, epoch: 0 },
    finalizing: null,
    received: {},
    decided: {},
    zxid: c.initialZxid,
    currentEpoch: c.initialEpoch,
    acceptedEpoch: c.initialEpoch,
    acceptedFrom: 0,
    infos: {},
    proposedEpoch: 0,
    acks: [],
    lastHeardMs: 0,
  };
}

/** What every FLE handler receives. */
export type FleStep = Step<FleMessage, ElectionOutput, FleState, FleConfig>;
