// XA two-phase commit across PostgreSQL databases (issue 18; seed notes 001 §2.3): the
// transaction manager. A transaction runs the caller's statements in a local transaction on
// each database it touches; to commit, the manager PREPAREs every branch (phase 1: each
// database makes the branch durable and promises it can commit), writes the decision
// "commit" to its durable log, and only then COMMITs PREPARED every branch (phase 2).
// Presumed abort: only commit decisions are logged, so a transaction the log does not know
// is rolled back — by the caller's failure path or, after a crash, by recovery
// (recovery.ts), which the manager runs when it opens. One participant only: a plain local
// COMMIT (XA's one-phase optimisation), no PREPARE and no log.
//
// Fault model: the manager may be killed at any instant (recovery finishes every transaction:
// the log's commit decisions are committed, every other prepared branch of this manager is
// rolled back); a participant may refuse, fail, answer garbage or hang (each statement has a
// time limit: pg-participant.ts) — before the decision any such failure rolls the whole
// transaction back (TransactionAbortedError, its cause the participant's typed error); after
// it, phase 2 retries with back-off and, if a participant stays unreachable, reports
// InDoubtError('commit'): the decision stands and recovery applies it later. The log's disk
// failing before the decision is durable also leaves the outcome to recovery.

import { randomUUID } from 'node:crypto';
import { DurableLog } from '../durable-log.js';
import {
  InDoubtError,
  InvalidTransactionArgument,
  TransactionAbortedError,
  TransactionError,
  validateId,
} from '../errors.js';
import { type PgConnection, PgParticipant } from '../pg-participant.js';
import { DEFAULT_RETRY, type RetryOptions, withRetries } from '../retry.js';
import { XaBranch } from './branch.js';
import { formatGid, type LastResourceXid, sessionName } from './gid.js';
import { commitLastResource } from './last-resource.js';
import { type RecoveryReport, recoverXa, type XaDecisionRecord } from './recovery.js';

/** Where a test may stop the manager dead (crash tests SIGKILL it at each). */
export type XaStep = 'before-prepare' | 'after-prepare' | 'after-decision' | 'between-commits';

export interface XaHooks {
  /**
   * Called at each step of a two-phase commit. When hooks are given, phase 2 commits the
   * first participant alone before the others, so that 'between-commits' is a real instant
   * (without hooks phase 2 commits all branches at once).
   */
  at(step: XaStep, txnId: string): void | Promise<void>;
}

export interface XaOptions {
  /** This manager's id, part of every gid: recovery resolves only its own transactions. */
  readonly tmId: string;
  /** The decision log's directory (one manager per directory). */
  readonly logDir: string;
  /** The databases, by name (names are part of gids: keep them stable). */
  readonly participants: Readonly<Record<string, PgConnection>>;
  /** Each statement's (and connect's) time limit. Default 10 s. */
  readonly timeoutMs?: number;
  readonly poolSize?: number;
  /** Phase 2 retries (COMMIT/ROLLBACK PREPARED). */
  readonly retry?: Partial<RetryOptions>;
  /** Run recovery when opening (default true). */
  readonly recover?: boolean;
  readonly hooks?: XaHooks;
  /**
   * A participant committed without PREPARE, last: its own COMMIT is the decision
   * (last-resource.ts). Transactions that do not touch it use the log.
   */
  readonly lastResource?: string;
}

/** What the caller's body sees: statements on named participants, in one transaction. */
export interface XaTransaction {
  readonly txnId: string;
  query<R extends Record<string, unknown> = Record<string, unknown>>(
    participant: string,
    sql: string,
    params?: readonly unknown[],
  ): Promise<{ rows: R[]; rowCount: number | null }>;
}

export const decisionKey = (txnId: string) => `xa/${txnId}`;

export class XaTransactionManager {
  /** Transactions under way here: recovery leaves them alone. */
  private readonly active = new Set<string>();
  private readonly retry: RetryOptions;
  private recovering: Promise<unknown> = Promise.resolve();

  private constructor(
    readonly tmId: string,
    readonly log: DurableLog,
    readonly participants: ReadonlyMap<string, PgParticipant>,
    private readonly options: XaOptions,
  ) {
    this.retry = { ...DEFAULT_RETRY, timeoutMs: options.timeoutMs ?? 10_000, ...options.retry };
  }

  /** Opens the log, connects the pools and (by default) recovers what a crash left. */
  static async open(options: XaOptions): Promise<XaTransactionManager> {
    const tmId = validateId('?', 'tmId', options.tmId);
    const names = Object.keys(options.participants);
    if (names.length === 0) throw new InvalidTransactionArgument('?', 'no participants');
    if (options.lastResource !== undefined && !names.includes(options.lastResource))
      throw new InvalidTransactionArgument(
        '?',
        `lastResource ${options.lastResource} is no participant`,
      );
    const participants = new Map<string, PgParticipant>();
    // This incarnation's sessions, by name: recovery ends a dead one's (recovery.ts).
    const application_name = sessionName(tmId, randomUUID().slice(0, 8));
    for (const name of names.sort()) {
      const given = options.participants[validateId('?', 'participant name', name)];
      if (given === undefined) continue;
      const connection =
        typeof given === 'string'
          ? { connectionString: given, application_name }
          : { ...given, application_name };
      // Pipeline mode: a branch's BEGIN goes out with its first statement (branch.ts).
      participants.set(name, new PgParticipant(name, connection, { ...options, pipeline: true }));
    }
    const log = await DurableLog.open(options.logDir, `xa:${tmId}`);
    const manager = new XaTransactionManager(tmId, log, participants, options);
    if (options.recover !== false) await manager.recover();
    return manager;
  }

  /**
   * Runs `body` as one distributed transaction and commits it with two-phase commit.
   * Resolves with the body's value once committed everywhere; rejects with
   * TransactionAbortedError (rolled back everywhere) or InDoubtError (decided commit).
   */
  async transaction<T>(
    body: (txn: XaTransaction) => Promise<T>,
    options: { txnId?: string } = {},
  ): Promise<{ txnId: string; value: T }> {
    const txnId = validateId(options.txnId ?? '?', 'txnId', options.txnId ?? randomUUID());
    if (this.active.has(txnId) || this.log.get(decisionKey(txnId)) !== undefined)
      throw new InvalidTransactionArgument(txnId, 'transaction id already in use');
    this.active.add(txnId);
    const branches = new Map<string, Promise<XaBranch>>();
    try {
      let value: T;
      try {
        value = await body(this.handle(txnId, branches));
      } catch (error) {
        await this.rollbackBranches(await settled(branches));
        throw aborted(txnId, 'the transaction body failed', error);
      }
      await this.commit(txnId, await settled(branches));
      return { txnId, value };
    } finally {
      this.active.delete(txnId);
    }
  }

  /**
   * Resolves what a crash left in doubt (see recovery.ts); safe while transactions run. Run it
   * now and then: it also finishes branches that phase 2 or a rollback could not reach.
   */
  recover(): Promise<RecoveryReport> {
    // One recovery at a time: two would race on the same gids.
    const run = this.recovering.then(() => recoverXa(this, this.active, this.retry));
    this.recovering = run.catch(() => undefined);
    return run;
  }

  /** The logged decision for `txnId`, if it is still in the log (not yet fully committed). */
  decision(txnId: string): XaDecisionRecord | undefined {
    return this.log.get<XaDecisionRecord>(decisionKey(validateId(txnId, 'txnId', txnId)));
  }

  async close(): Promise<void> {
    await Promise.all([...this.participants.values()].map((p) => p.close()));
    await this.log.close();
  }

  gid(txnId: string, participant: string, decidedBy?: LastResourceXid): string {
    return formatGid({ tmId: this.tmId, txnId, participant, decidedBy });
  }

  private handle(txnId: string, branches: Map<string, Promise<XaBranch>>): XaTransaction {
    return {
      txnId,
      query: async (name, sql, params = []) => {
        const participant = this.participants.get(name);
        if (participant === undefined)
          throw new InvalidTransactionArgument(txnId, `no participant named ${String(name)}`);
        let branch = branches.get(name);
        if (branch === undefined) {
          branch = XaBranch.begin(participant, txnId, this.gid(txnId, name), {
            withXid: name === this.options.lastResource,
          });
          branches.set(name, branch);
        }
        const result = await (await branch).statement(sql, params);
        return { rows: result.rows, rowCount: result.rowCount };
      },
    };
  }

  private async commit(txnId: string, branches: XaBranch[]): Promise<void> {
    const hooks = this.options.hooks;
    if (branches.length <= 1 && hooks === undefined) return this.commitOnePhase(txnId, branches);
    const last = branches.find((b) => b.participant.name === this.options.lastResource);
    if (last?.xid !== undefined && branches.length > 1)
      return this.commitThroughLast(
        txnId,
        last,
        last.xid,
        branches.filter((b) => b !== last),
      );
    await hooks?.at('before-prepare', txnId);
    const prepared = await Promise.allSettled(branches.map((b) => b.prepare()));
    const failure = prepared.find((r) => r.status === 'rejected');
    if (failure !== undefined) {
      await this.rollbackBranches(branches);
      throw aborted(txnId, 'a participant did not prepare', failure.reason);
    }
    await hooks?.at('after-prepare', txnId);
    const record: XaDecisionRecord = { decision: 'commit', participants: names(branches) };
    try {
      await this.log.put(decisionKey(txnId), record);
    } catch (error) {
      // It may or may not be on disk: only recovery, reading the log, can decide.
      for (const b of branches) b.releaseClient(error);
      throw new TransactionError('in-doubt', txnId, 'the decision log failed', { cause: error });
    }
    await hooks?.at('after-decision', txnId);
    await this.phaseTwo(txnId, branches);
    this.log.forget(decisionKey(txnId));
  }

  /** Logging last resource: the others prepare, then the last one's COMMIT decides. */
  private async commitThroughLast(
    txnId: string,
    last: XaBranch,
    xid: string,
    others: XaBranch[],
  ): Promise<void> {
    const hooks = this.options.hooks;
    await hooks?.at('before-prepare', txnId);
    const decidedBy = { participant: last.participant.name, xid };
    const prepared = await Promise.allSettled(
      others.map((b) => b.prepare(this.gid(txnId, b.participant.name, decidedBy))),
    );
    const failure = prepared.find((r) => r.status === 'rejected');
    if (failure !== undefined) {
      await this.rollbackBranches([last, ...others]);
      throw aborted(txnId, 'a participant did not prepare', failure.reason);
    }
    await hooks?.at('after-prepare', txnId);
    const { outcome, error } = await commitLastResource(last, xid, this.retry);
    if (outcome === 'aborted') {
      await this.rollbackBranches(others);
      throw aborted(txnId, `the last resource ${last.participant.name} did not commit`, error);
    }
    if (outcome === 'unknown') {
      for (const b of others) b.releaseClient(error);
      throw new TransactionError(
        'in-doubt',
        txnId,
        `the outcome of the last resource ${last.participant.name}'s commit is unknown`,
        { cause: error },
      );
    }
    await hooks?.at('after-decision', txnId);
    await this.phaseTwo(txnId, others);
  }

  /** Phase 2 once the decision is durable: COMMIT PREPARED everywhere, or InDoubtError. */
  private async phaseTwo(txnId: string, branches: XaBranch[]): Promise<void> {
    const hooks = this.options.hooks;
    const pending: string[] = [];
    let rest = branches;
    if (hooks !== undefined && branches.length > 1) {
      pending.push(...(await this.commitPrepared(branches.slice(0, 1))));
      await hooks.at('between-commits', txnId);
      rest = branches.slice(1);
    }
    pending.push(...(await this.commitPrepared(rest)));
    if (pending.length > 0) throw new InDoubtError(txnId, 'commit', pending);
  }

  /** COMMIT PREPARED on each branch, retried; returns the participants still pending. */
  private async commitPrepared(branches: XaBranch[]): Promise<string[]> {
    const results = await Promise.allSettled(
      branches.map((b) => withRetries(this.retry, () => b.finish('commit'))),
    );
    return branches
      .filter((_, i) => results[i]?.status === 'rejected')
      .map((b) => b.participant.name);
  }

  private async commitOnePhase(txnId: string, branches: XaBranch[]): Promise<void> {
    const branch = branches[0];
    if (branch === undefined) return;
    try {
      const result = await branch.statement('COMMIT');
      if (result.command !== 'COMMIT') throw new Error(`COMMIT answered ${result.command}`);
      branch.state = 'finished';
      branch.releaseClient();
    } catch (error) {
      await branch.rollbackOpen();
      throw aborted(txnId, 'the commit failed', error);
    }
  }

  /** Undoes every branch; a prepared one left behind is rolled back by recovery. */
  private async rollbackBranches(branches: XaBranch[]): Promise<void> {
    await Promise.allSettled(
      branches.map(async (b) => {
        if (b.state === 'open') return b.rollbackOpen();
        if (b.state === 'prepared' || b.state === 'maybe-prepared')
          return withRetries(this.retry, () => b.finish('rollback'));
      }),
    );
  }
}

/** The branches that began (a branch whose BEGIN failed has nothing to undo). */
async function settled(branches: Map<string, Promise<XaBranch>>): Promise<XaBranch[]> {
  const results = await Promise.allSettled(branches.values());
  return results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
}

const names = (branches: XaBranch[]) => branches.map((b) => b.participant.name);

function aborted(txnId: string, what: string, cause: unknown): TransactionAbortedError {
  const reason = cause instanceof Error ? cause.message : String(cause);
  return new TransactionAbortedError(txnId, `rolled back: ${what}: ${reason}`, { cause });
}
