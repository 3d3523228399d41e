// ZAB's messages after the election (Junqueira, Reed and Serafini, DSN 2011; ZooKeeper's
// Learner/LearnerHandler packets), and validation of peer input. The election's own messages
// (Notification, FollowerInfo, LeaderInfo, AckEpoch, Ping, PingAck) are election/zab-fle's.
//
// A transaction carries a key-value operation of the shared machine (replicated-kv/ops.ts);
// the client's `invoke` and `complete` outputs are the shared history's (replicated-kv/
// history.ts), so the linearizability checker reads them as it reads Raft's.
//
// Fault model: any message may be lost, duplicated, reordered or come from a stale epoch;
// receivers check the epoch and the zxid order, and malformed input is dropped.

import {
  isArrayOf,
  isCount,
  isNodeId,
  isRecord,
  type MessageChecks,
  parseByType,
} from '../../../core/validate.js';
import type { ElectionOutput } from '../../election/workload.js';
import { type FleMessage, parseFleMessage } from '../../election/zab-fle/messages.js';
import type { KvComplete, KvInvoke } from '../../replicated-kv/history.js';
import { type KvOp, parseKvOp } from '../../replicated-kv/ops.js';

/** A transaction: server `origin`'s client operation number `seq`. */
export interface Txn {
  readonly zxid: number;
  readonly origin: number;
  readonly seq: number;
  readonly op: KvOp;
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
  /** An operation submitted at a learner, forwarded to the leader (ZooKeeper's REQUEST). */
  | {
      readonly type: 'Forward';
      readonly origin: number;
      readonly seq: number;
      readonly op: KvOp;
    };

export type ZabOutput =
  | ElectionOutput
  | { readonly type: 'propose'; readonly txn: Txn }
  | { readonly type: 'deliver'; readonly txn: Txn }
  /** The server's client invoked an operation (its client id is the server's). */
  | KvInvoke
  /** The server delivered its client's operation as transaction `zxid`. */
  | (KvComplete & { readonly zxid: number });

/** A well-formed operation with nothing but its own fields (what is stored is compared). */
const isOp = (x: unknown): x is KvOp => {
  const op = parseKvOp(x);
  return op !== undefined && Object.keys(op).length === Object.keys(x as object).length;
};

function isTxn(x: unknown, n?: number): x is Txn {
  return isRecord(x) && isCount(x.zxid) && isNodeId(x.origin, n) && isCount(x.seq) && isOp(x.op);
}

const checks: MessageChecks<Exclude<ZabMessage, FleMessage>> = {
  SyncRequest: (m) => isCount(m.epoch) && isCount(m.lastZxid),
  NewLeader: (m, n) =>
    isCount(m.epoch) && isCount(m.committed) && isArrayOf(m.history, (t): t is Txn => isTxn(t, n)),
  AckNewLeader: (m) => isCount(m.epoch) && isCount(m.zxid),
  Proposal: (m, n) => isCount(m.epoch) && isTxn(m.txn, n),
  Ack: (m) => isCount(m.epoch) && isCount(m.zxid),
  Commit: (m) => isCount(m.epoch) && isCount(m.zxid),
  Forward: (m, n) => isNodeId(m.origin, n) && isCount(m.seq) && isOp(m.op),
};

/**
 * The message if it is well formed (node ids within 1..n when `n` is given), else
 * undefined; the election's messages are zab-fle's to check (with the same n).
 */
export function parseZabMessage(raw: unknown, n?: number): ZabMessage | undefined {
  return parseByType(checks, raw, n) ?? parseFleMessage(raw, n);
}
