// XA recovery (presumed abort): finishes what a crashed (or cut-off) transaction manager left
// prepared. On every participant it lists pg_prepared_xacts for this manager's gids
// (gid.ts), then COMMITs PREPARED those whose transaction has a commit decision in the log
// and ROLLs BACK PREPARED all others — a transaction the log does not know never reached its
// decision, so no participant can have committed it. A commit decision is dropped from the
// log once every participant it names was scanned and none still holds its branch.
// Transactions running in this manager right now are skipped (their own code finishes them).
// First, on every participant, the sessions of this manager's earlier incarnations (a killed
// process: its application_name, gid.ts sessionName) are terminated and waited for: a PREPARE
// it sent just before dying may still be running, or unread in the socket, and would
// otherwise appear in pg_prepared_xacts after the scan, left prepared.
//
// A gid that names a last resource (last-resource.ts) has no log entry: its outcome is what
// pg_xact_status says of the last resource's transaction — committed: COMMIT PREPARED;
// aborted: ROLLBACK PREPARED; in progress or no longer known: left prepared and reported.
//
// Fault model: a participant may be unreachable during recovery: its branches stay prepared
// (and the decisions that name it stay logged) until the next recovery; the report lists the
// error. Gids of other managers or of other software are left alone; our own gids that do
// not parse are reported as foreign and left alone too.

import type { DurableLog } from '../durable-log.js';
import { ParticipantError } from '../errors.js';
import type { PgParticipant } from '../pg-participant.js';
import type { RetryOptions } from '../retry.js';
import { withRetries } from '../retry.js';
import { isUndefinedObject } from './branch.js';
import { type Gid, gidLiteral, gidPrefix, parseGid, sessionFamily } from './gid.js';
import { type XactStatus, xactStatus } from './last-resource.js';

export interface XaDecisionRecord {
  readonly decision: 'commit';
  /** The participants that prepared (and must commit). */
  readonly participants: readonly string[];
}

export interface RecoveryReport {
  /** Gids committed (their decision was in the log). */
  readonly committed: string[];
  /** Gids rolled back (presumed abort). */
  readonly rolledBack: string[];
  /** Transactions whose decision was fully applied and dropped from the log. */
  readonly forgotten: string[];
  /** Gids with our prefix that do not parse, left alone. */
  readonly foreign: string[];
  /** Participants that could not be scanned or finished, with the error. */
  readonly errors: { participant: string; error: unknown }[];
}

/** What recovery needs from the manager (manager.ts). */
export interface RecoveryHost {
  readonly tmId: string;
  readonly log: DurableLog;
  readonly participants: ReadonlyMap<string, PgParticipant>;
}

const RECOVERY_TXN = 'recovery';

export async function recoverXa(
  host: RecoveryHost,
  active: ReadonlySet<string>,
  retry: RetryOptions,
): Promise<RecoveryReport> {
  const report: RecoveryReport = {
    committed: [],
    rolledBack: [],
    forgotten: [],
    foreign: [],
    errors: [],
  };
  // Only decisions logged before recovery began, by transactions not running then, may be
  // forgotten: any other may still have a branch that this scan did not see prepared.
  const runningAtStart = new Set(active);
  const decided = host.log
    .keys('xa/')
    .map((k) => k.slice('xa/'.length))
    .filter((txnId) => !runningAtStart.has(txnId));
  const unclean = new Set<string>(); // Participants not fully scanned and finished.
  const remaining = new Set<string>(); // Transactions with a branch still prepared somewhere.
  const outcomeOf = lastResourceOutcomes(host);
  // Every participant's earlier sessions end before any is scanned: a last resource's
  // transaction must be over (committed or aborted) before its status is read.
  const ended = new Set<string>();
  for (const [name, participant] of host.participants) {
    try {
      await endEarlierSessions(host.tmId, participant);
      ended.add(name);
    } catch (error) {
      unclean.add(name);
      report.errors.push({ participant: name, error });
    }
  }
  for (const [name, participant] of host.participants) {
    if (!ended.has(name)) continue;
    try {
      const gids = await prepared(host.tmId, participant);
      for (const text of gids) {
        const gid = parseGid(text);
        if (gid === undefined || gid.participant !== name) {
          if (gid === undefined) report.foreign.push(text);
          continue;
        }
        if (active.has(gid.txnId)) {
          remaining.add(gid.txnId);
          continue;
        }
        let commit: boolean;
        try {
          // Read the log now, not at the start: a transaction that ended (InDoubtError) after
          // the scan began may have logged its commit meanwhile.
          commit = await outcomeOf(gid);
        } catch (error) {
          remaining.add(gid.txnId);
          report.errors.push({ participant: gid.decidedBy?.participant ?? name, error });
          continue;
        }
        try {
          await withRetries(retry, () => finish(participant, text, commit));
          (commit ? report.committed : report.rolledBack).push(text);
        } catch (error) {
          unclean.add(name);
          remaining.add(gid.txnId);
          report.errors.push({ participant: name, error });
        }
      }
    } catch (error) {
      unclean.add(name);
      report.errors.push({ participant: name, error });
    }
  }
  for (const txnId of decided) {
    if (active.has(txnId) || remaining.has(txnId)) continue;
    const record = host.log.get<XaDecisionRecord>(`xa/${txnId}`);
    if (record === undefined || record.participants.some((p) => unclean.has(p))) continue;
    host.log.forget(`xa/${txnId}`);
    report.forgotten.push(txnId);
  }
  return report;
}

/**
 * Whether `gid`'s transaction committed: its log entry, or for a last-resource gid the last
 * resource's own outcome (asked once per transaction per recovery). Throws when undecidable.
 */
function lastResourceOutcomes(host: RecoveryHost): (gid: Gid) => Promise<boolean> {
  const asked = new Map<string, Promise<XactStatus>>();
  return async (gid) => {
    const by = gid.decidedBy;
    if (by === undefined) return host.log.get(`xa/${gid.txnId}`) !== undefined;
    const last = host.participants.get(by.participant);
    if (last === undefined)
      throw new ParticipantError(gid.txnId, by.participant, 'the last resource is not configured');
    const key = `${by.participant}:${by.xid}`;
    let status = asked.get(key);
    if (status === undefined) {
      status = xactStatus(last, gid.txnId, by.xid);
      asked.set(key, status);
    }
    const known = await status;
    if (known === 'committed' || known === 'aborted') return known === 'committed';
    if (known === 'in progress') asked.delete(key); // It may end before the next branch asks.

    throw new ParticipantError(
      gid.txnId,
      by.participant,
      known === 'in progress'
        ? 'the last resource is still running the transaction: the next recovery decides'
        : 'the last resource no longer keeps the status (pg_xact_status is NULL): resolve by hand',
    );
  };
}

/** Terminates (and waits up to 5 s for) other incarnations' sessions of this manager. */
async function endEarlierSessions(tmId: string, participant: PgParticipant): Promise<void> {
  await participant.once(
    RECOVERY_TXN,
    `SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity
     WHERE datname = current_database() AND left(application_name, length($1)) = $1
       AND application_name <> current_setting('application_name')`,
    [sessionFamily(tmId)],
  );
}

async function prepared(tmId: string, participant: PgParticipant): Promise<string[]> {
  const prefix = gidPrefix(tmId);
  const result = await participant.once(
    RECOVERY_TXN,
    'SELECT gid FROM pg_prepared_xacts WHERE database = current_database() ' +
      'AND left(gid, length($1)) = $1 ORDER BY gid',
    [prefix],
  );
  return result.rows.map((row: { gid: string }) => row.gid);
}

async function finish(participant: PgParticipant, gid: string, commit: boolean): Promise<void> {
  const sql = `${commit ? 'COMMIT' : 'ROLLBACK'} PREPARED ${gidLiteral(gid)}`;
  try {
    await participant.once(parseGid(gid)?.txnId ?? RECOVERY_TXN, sql);
  } catch (error) {
    if (!isUndefinedObject(error)) throw error; // Gone meanwhile: finished by its owner.
  }
}
