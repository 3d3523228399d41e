// ZAB's messages after the election (Junqueira, Reed and Serafini, DSN 2011; ZooKeeper's
// Learner/LearnerHandler packets), and validation of peer input. The election's own messages
// (Notification, FollowerInfo, LeaderInfo, AckEpoch, Ping, PingAck) are election/zab-fle's.
//
// Fault model: any message may be lost, duplicated, reordered or come from a stale epoch;
// receivers check the epoch and the zxid order, and malformed input is dropped.

import { type FleMessage, parseFleMessage } from '../../election/zab-fle/fle.js';

/** A transaction: client `origin`'s write number `seq`. */
export interface Txn {
  readonly zxid: number;
  readonly origin: number;
  readonly seq: number;
  readonly value: string;
}

export type ZabMessage =
  | FleMessage
  /** A learner that accepted the leader's epoch asks for its history (FOLLOWERINFO's sync). */
  | { readonly type: 'SyncRequest'; readonly epoch: number; readonly lastZxid: number }
  /** Phase 2: the leader's whole history and what of it is committed (NEWLEADER + UPTODATE). */
  | {
      readonly type: 'NewLeader';
      readonly epoch: number;
      readonly history: readonly Txn[];
      readonly committed: number;
    }
  /** The learner holds the leader's history, ending at `zxid`. */
  | { readonly type: 'AckNewLeader'; readonly epoch: number; readonly zxid: number }
  /** Phase 3. */
  | { readonly type: 'Proposal'; readonly epoch: number; readonly txn: Txn }
  /** Cumulative: every proposal of the epoch up to `zxid` is in the learner's history. */
  | { readonly type: 'Ack'; readonly epoch: number; readonly zxid: number }
  /** Cumulative: every proposal up to `zxid` is committed. */
  | { readonly type: 'Commit'; readonly epoch: number; readonly zxid: number }
  /** A write submitted at a learner, forwarded to the leader (ZooKeeper's REQUEST). */
  | {
      readonly type: 'Forward';
      readonly origin: number;
      readonly seq: number;
      readonly value: string;
    };

const isCount = (x: unknown): x is number =>
  typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;

function isTxn(x: unknown): x is Txn {
  if (typeof x !== 'object' || x === null) return false;
  const t = x as Record<string, unknown>;
  return isCount(t.zxid) && isCount(t.origin) && isCount(t.seq) && typeof t.value === 'string';
}

/** The message if it is well formed, else undefined. */
export function parseZabMessage(raw: unknown): ZabMessage | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const m = raw as Record<string, unknown>;
  switch (m.type) {
    case 'SyncRequest':
      return isCount(m.epoch) && isCount(m.lastZxid) ? (m as ZabMessage) : undefined;
    case 'NewLeader':
      return isCount(m.epoch) &&
        isCount(m.committed) &&
        Array.isArray(m.history) &&
        m.history.every(isTxn)
        ? (m as ZabMessage)
        : undefined;
    case 'Proposal':
      return isCount(m.epoch) && isTxn(m.txn) ? (m as ZabMessage) : undefined;
    case 'AckNewLeader':
    case 'Ack':
    case 'Commit':
      return isCount(m.epoch) && isCount(m.zxid) ? (m as ZabMessage) : undefined;
    case 'Forward':
      return isCount(m.origin) && isCount(m.seq) && typeof m.value === 'string'
        ? (m as ZabMessage)
        : undefined;
    default:
      return parseFleMessage(raw);
  }
}
