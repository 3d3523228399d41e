// Messages of txn/paxos-commit, named as in Gray & Lamport's "Consensus on Transaction
// Commit" (2006): Prepare (TM → RM), phase 2a / 2b at ballot 0 (an RM's vote straight to the
// acceptors, their acceptance to the TM), phase 1a / 1b and 2a / 2b at higher ballots (a new
// leader), Commit / Abort (the outcome to the RMs) and Ack (an RM has applied it, so the TM
// stops resending). `parsePaxosCommitMessage` is the algorithm's parseMessage: transaction
// ids within the workload, RM ids within 2..N+1, accepted lists no longer than N.

import type { RunContext } from '../../../core/algorithm.js';
import {
  isArrayOf,
  isBool,
  isCount,
  isOneOf,
  isRecord,
  type MessageChecks,
  parseByType,
} from '../../../core/validate.js';
import { isTxnId } from '../shared/workload.js';
import type { PaxosCommitOptions } from './options.js';

/** An RM's vote, the value of its Paxos instance. */
export type RmValue = 'prepared' | 'aborted';

/** A value an acceptor accepted for one RM's instance, at a ballot. */
export interface Accepted {
  readonly rm: number;
  readonly ballot: number;
  readonly value: RmValue;
}

/** A phase 2a / 2b of one RM's instance: its value at a ballot. */
interface InstanceVote {
  readonly txn: number;
  readonly rm: number;
  readonly ballot: number;
  readonly value: RmValue;
}

export type PaxosCommitMessage =
  | { readonly type: 'Prepare'; readonly txn: number }
  | ({ readonly type: 'Phase2a' } & InstanceVote)
  | ({ readonly type: 'Phase2b' } & InstanceVote)
  | { readonly type: 'Phase1a'; readonly txn: number; readonly ballot: number }
  | {
      readonly type: 'Phase1b';
      readonly txn: number;
      readonly ballot: number;
      readonly ok: boolean;
      /** The acceptor's promise: the ballot itself when ok, the higher one that beat it if not. */
      readonly promised: number;
      readonly accepted: readonly Accepted[];
    }
  | { readonly type: 'Commit'; readonly txn: number }
  | { readonly type: 'Abort'; readonly txn: number }
  | { readonly type: 'Ack'; readonly txn: number };

const VALUES: readonly RmValue[] = ['prepared', 'aborted'];

export function parsePaxosCommitMessage(
  raw: unknown,
  ctx: RunContext<Pick<PaxosCommitOptions, 'transactions' | 'rms'>>,
): PaxosCommitMessage | undefined {
  const { options } = ctx;
  const isRm = (x: unknown) => isCount(x) && x >= 2 && x <= options.rms + 1;
  const txn = (m: Readonly<Record<string, unknown>>) => isTxnId(m.txn, options);
  const vote = (m: Readonly<Record<string, unknown>>) =>
    txn(m) && isRm(m.rm) && isCount(m.ballot) && isOneOf(m.value, VALUES);
  const isAccepted = (a: unknown): a is Accepted =>
    isRecord(a) && isRm(a.rm) && isCount(a.ballot) && isOneOf(a.value, VALUES);
  const checks: MessageChecks<PaxosCommitMessage> = {
    Prepare: txn,
    Phase2a: vote,
    Phase2b: vote,
    Phase1a: (m) => txn(m) && isCount(m.ballot),
    Phase1b: (m) =>
      txn(m) &&
      isCount(m.ballot) &&
      isBool(m.ok) &&
      isCount(m.promised) &&
      isArrayOf(m.accepted, isAccepted) &&
      m.accepted.length <= options.rms,
    Commit: txn,
    Abort: txn,
    Ack: txn,
  };
  return parseByType(checks, raw);
}
