// Messages of election/zab-fle (fle.ts explains the protocol): the election's Notification,
// then epoch establishment (FollowerInfo, LeaderInfo, AckEpoch) and the leader's Ping.
// `parseFleMessage` is the algorithm's parseMessage (and consensus/zab's for these types):
// peer input is never trusted, and the host drops whatever fails it. A vote's leader and a
// FollowerInfo's acceptedFrom are 0 (nobody yet) or a node of the cluster.

import type { NodeId } from '../../../core/process.js';
import {
  isCount,
  isOneOf,
  isRecord,
  type MessageChecks,
  parseByType,
} from '../../../core/validate.js';

export const SERVER_STATES = ['LOOKING', 'FOLLOWING', 'LEADING', 'OBSERVING'] as const;

export type ServerState = (typeof SERVER_STATES)[number];

/** A vote: the proposed leader with its last zxid and epoch (ZooKeeper's Vote). */
export interface Vote {
  readonly leader: NodeId;
  readonly zxid: number;
  readonly epoch: number;
}

export type FleMessage =
  | {
      readonly type: 'Notification';
      readonly vote: Vote;
      readonly round: number;
      readonly state: ServerState;
    }
  | { readonly type: 'FollowerInfo'; readonly acceptedEpoch: number; readonly acceptedFrom: NodeId }
  | { readonly type: 'LeaderInfo'; readonly epoch: number }
  | {
      readonly type: 'AckEpoch';
      readonly epoch: number;
      /** The follower's history before it accepted `epoch` (ZooKeeper's ACKEPOCH). */
      readonly currentEpoch: number;
      readonly zxid: number;
    }
  | { readonly type: 'Ping'; readonly epoch: number }
  | { readonly type: 'PingAck'; readonly epoch: number };

/** 0 (no node) or, when the cluster size `n` is known, a node id up to n. */
function isNodeOrNone(x: unknown, n: number | undefined): x is NodeId {
  return isCount(x) && (n === undefined || x <= n);
}

function isVote(x: unknown, n: number | undefined): x is Vote {
  return isRecord(x) && isNodeOrNone(x.leader, n) && isCount(x.zxid) && isCount(x.epoch);
}

const hasEpoch = (m: Readonly<Record<string, unknown>>) => isCount(m.epoch);

const CHECKS: MessageChecks<FleMessage> = {
  Notification: (m, n) => isVote(m.vote, n) && isCount(m.round) && isOneOf(m.state, SERVER_STATES),
  FollowerInfo: (m, n) => isCount(m.acceptedEpoch) && isNodeOrNone(m.acceptedFrom, n),
  LeaderInfo: hasEpoch,
  AckEpoch: (m) => isCount(m.epoch) && isCount(m.currentEpoch) && isCount(m.zxid),
  Ping: hasEpoch,
  PingAck: hasEpoch,
};

/**
 * The election message if it is well formed, else undefined. `n`, the cluster size, bounds
 * the node ids it names (unchecked without it).
 */
export function parseFleMessage(raw: unknown, n?: number): FleMessage | undefined {
  return parseByType(CHECKS, raw, n);
}
