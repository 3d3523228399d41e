// The last-resource commit of XA (the "logging last resource" of WebLogic and Atomikos): one
// participant, the last resource, is not prepared. The others PREPARE; then the last
// resource's plain COMMIT is the decision — its commit record, fsynced by its own server, is
// the decision log entry, so the manager writes no log of its own; then the others COMMIT
// PREPARED. Three sequential fsyncs still (prepare, the last commit, commit prepared), but one
// server's PREPARE and COMMIT PREPARED and the manager's log write are gone: fewer statements,
// less CPU, and no waiting for the slower of two servers in the first and last rounds.
//
// How recovery learns the decision: every other branch's gid names the last resource and its
// transaction id (`pg_current_xact_id()`, asked for in the branch's first pipeline, gid.ts),
// and `pg_xact_status(xid)` on the last resource says committed, aborted or in progress. A
// transaction's status is final once it is not in progress, so there is no race between
// recovery and a late commit: recovery waits while it is in progress (and first terminates a
// dead manager's sessions, which ends any transaction of theirs that had not committed).
//
// Fault model: the manager may die at any instant (recovery reads the outcome as above); the
// last resource's COMMIT may fail with its outcome unknown (a lost connection or answer):
// the manager asks pg_xact_status, retried while in progress, and otherwise leaves the
// transaction in doubt for recovery. Limit: PostgreSQL keeps a transaction's status only
// until its commit log is truncated (after roughly `autovacuum_freeze_max_age` transactions,
// 200 million by default): a branch left prepared longer than that cannot be resolved from
// the status (pg_xact_status answers NULL) and recovery reports it for an operator.

import { ParticipantError } from '../errors.js';
import type { PgParticipant } from '../pg-participant.js';
import { type RetryOptions, withRetries } from '../retry.js';
import type { XaBranch } from './branch.js';

/** What pg_xact_status says; 'forgotten' is its NULL (the status is no longer kept). */
export type XactStatus = 'committed' | 'aborted' | 'in progress' | 'forgotten';

/** The decision: the last resource's own COMMIT, its outcome resolved when the answer is lost. */
export async function commitLastResource(
  last: XaBranch,
  xid: string,
  retry: RetryOptions,
): Promise<{ outcome: 'committed' | 'aborted' | 'unknown'; error?: unknown }> {
  let failure: unknown;
  try {
    const result = await last.statement('COMMIT');
    last.state = 'finished';
    last.releaseClient();
    // A transaction that had already failed answers COMMIT with ROLLBACK.
    if (result.command === 'COMMIT') return { outcome: 'committed' };
    const error = new ParticipantError(
      last.txnId,
      last.participant.name,
      'COMMIT answered ROLLBACK',
    );
    return { outcome: 'aborted', error };
  } catch (error) {
    failure = error; // Refused or lost: never guessed from the error, asked.
  }
  try {
    const status = await withRetries(retry, async () => {
      const status = await xactStatus(last.participant, last.txnId, xid);
      if (status === 'in progress') throw new Error('the last resource still runs it');
      return status;
    });
    if (status === 'committed') return { outcome: 'committed' };
    if (status === 'aborted') return { outcome: 'aborted', error: failure };
  } catch {
    // Unreachable or still in progress: recovery decides later.
  }
  return { outcome: 'unknown', error: failure };
}

/** pg_xact_status(xid) on `participant`. */
export async function xactStatus(
  participant: PgParticipant,
  txnId: string,
  xid: string,
): Promise<XactStatus> {
  const result = await participant.once(txnId, 'SELECT pg_xact_status($1::xid8) AS status', [xid]);
  const status: unknown = result.rows[0]?.status;
  if (status === null) return 'forgotten';
  if (status === 'committed' || status === 'aborted' || status === 'in progress') return status;
  throw new ParticipantError(
    txnId,
    participant.name,
    `pg_xact_status answered ${JSON.stringify(status)}`,
  );
}
