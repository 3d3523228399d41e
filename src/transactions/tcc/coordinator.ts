// The TCC coordinator (issue 18; seed notes 003's Try-Confirm-Cancel): a global transaction is
// a set of branches on TCC resources (participant.ts). The coordinator logs the branches
// durably ('trying') BEFORE any try — so that after a crash it knows whom to cancel — runs
// every try, then logs the decision ('confirming') and confirms every branch; if any try
// fails (or times out) it cancels every branch, including those whose try failed or may never
// have arrived (the participant turns those into empty rollbacks and refuses their late
// tries). Presumed abort: a 'trying' record found by recovery is cancelled, so a cancel needs
// no log write of its own. Confirm and cancel are retried with back-off (they are idempotent
// at the participant); once every branch has answered the record is forgotten.
//
// Fault model: the coordinator may be killed at any instant (recover() — run by open() —
// finishes every logged transaction: 'confirming' → confirm all, 'trying' → cancel all); a
// resource may fail, hang (each call has a time limit) or stay unreachable (InDoubtError
// with the decision; the record stays logged and recover() or resolve() finishes it later).

import { randomUUID } from 'node:crypto';
import { DurableLog } from '../durable-log.js';
import {
  InDoubtError,
  InvalidTransactionArgument,
  TransactionAbortedError,
  UnknownTransactionError,
  validateId,
} from '../errors.js';
import { DEFAULT_RETRY, type RetryOptions, withRetries } from '../retry.js';
import type { TccResource } from './participant.js';

export type TccStep = 'after-begin' | 'after-try' | 'after-decision' | 'between-confirms';

export interface TccBranch {
  /** The resource's name (one given to the coordinator). */
  readonly resource: string;
  /** Unique within the transaction. Default: the resource's name. */
  readonly branch?: string;
  readonly args: unknown;
}

export interface TccRecord {
  readonly phase: 'trying' | 'confirming';
  readonly branches: readonly Required<TccBranch>[];
}

export interface TccOptions {
  readonly coordinatorId: string;
  readonly logDir: string;
  readonly resources: readonly TccResource[];
  /** Each try's time limit, and each confirm/cancel attempt's. Default 10 s. */
  readonly timeoutMs?: number;
  readonly retry?: Partial<RetryOptions>;
  /** Run recovery when opening (default true). */
  readonly recover?: boolean;
  /** Test seam: called at each step (with hooks, confirms run one by one). */
  readonly hooks?: { at(step: TccStep, txnId: string): void | Promise<void> };
}

export interface TccRecoveryReport {
  readonly confirmed: string[];
  readonly cancelled: string[];
  readonly errors: { txnId: string; error: unknown }[];
}

const key = (txnId: string) => `tcc/${txnId}`;
const MAX_BRANCHES = 64;

export class TccCoordinator {
  private readonly active = new Set<string>();
  private readonly retry: RetryOptions;

  private constructor(
    readonly log: DurableLog,
    private readonly resources: ReadonlyMap<string, TccResource>,
    private readonly options: TccOptions,
  ) {
    this.retry = { ...DEFAULT_RETRY, timeoutMs: options.timeoutMs ?? 10_000, ...options.retry };
  }

  static async open(options: TccOptions): Promise<TccCoordinator> {
    const id = validateId('?', 'coordinatorId', options.coordinatorId);
    const resources = new Map(options.resources.map((r) => [r.name, r]));
    const log = await DurableLog.open(options.logDir, `tcc:${id}`);
    const coordinator = new TccCoordinator(log, resources, options);
    if (options.recover !== false) await coordinator.recover();
    return coordinator;
  }

  /**
   * Runs one global transaction. Resolves once every branch is confirmed; rejects with
   * TransactionAbortedError once every branch is cancelled, or InDoubtError when the decision
   * could not yet be applied everywhere.
   */
  async run(branches: readonly TccBranch[], options: { txnId?: string } = {}): Promise<string> {
    const txnId = validateId(options.txnId ?? '?', 'txnId', options.txnId ?? randomUUID());
    const record = this.validate(txnId, branches);
    if (this.active.has(txnId) || this.log.get(key(txnId)) !== undefined)
      throw new InvalidTransactionArgument(txnId, 'transaction id already in use');
    this.active.add(txnId);
    try {
      const hooks = this.options.hooks;
      await this.log.put(key(txnId), record);
      await hooks?.at('after-begin', txnId);
      const tries = await Promise.allSettled(
        record.branches.map((b) =>
          this.resource(b).try(txnId, b.branch, b.args, AbortSignal.timeout(this.retry.timeoutMs)),
        ),
      );
      await hooks?.at('after-try', txnId);
      const failed = tries.find((t) => t.status === 'rejected');
      if (failed !== undefined) {
        await this.finish(txnId, { ...record, phase: 'trying' });
        const reason =
          failed.reason instanceof Error ? failed.reason.message : String(failed.reason);
        throw new TransactionAbortedError(txnId, `cancelled: a try failed: ${reason}`, {
          cause: failed.reason,
        });
      }
      const decided: TccRecord = { ...record, phase: 'confirming' };
      await this.log.put(key(txnId), decided);
      await hooks?.at('after-decision', txnId);
      await this.finish(txnId, decided);
      return txnId;
    } finally {
      this.active.delete(txnId);
    }
  }

  /** The logged phase of an unfinished transaction; UnknownTransactionError otherwise. */
  status(txnId: string): TccRecord['phase'] {
    const record = this.log.get<TccRecord>(key(validateId(txnId, 'txnId', txnId)));
    if (record === undefined)
      throw new UnknownTransactionError(txnId, 'no unfinished TCC transaction');
    return record.phase;
  }

  /** Finishes one logged transaction (confirm or cancel, as decided); for operators. */
  async resolve(txnId: string): Promise<'confirmed' | 'cancelled'> {
    this.status(txnId);
    if (this.active.has(txnId)) throw new InvalidTransactionArgument(txnId, 'still running here');
    const record = this.log.get<TccRecord>(key(txnId)) as TccRecord;
    await this.finish(txnId, record);
    return record.phase === 'confirming' ? 'confirmed' : 'cancelled';
  }

  /** Finishes every logged transaction not running here: confirm if decided, else cancel. */
  async recover(): Promise<TccRecoveryReport> {
    const report: TccRecoveryReport = { confirmed: [], cancelled: [], errors: [] };
    for (const k of this.log.keys('tcc/')) {
      const txnId = k.slice('tcc/'.length);
      if (this.active.has(txnId)) continue;
      try {
        const outcome = await this.resolve(txnId);
        (outcome === 'confirmed' ? report.confirmed : report.cancelled).push(txnId);
      } catch (error) {
        report.errors.push({ txnId, error });
      }
    }
    return report;
  }

  close(): Promise<void> {
    return this.log.close();
  }

  /** Phase 2: confirm ('confirming') or cancel ('trying') every branch, with retries. */
  private async finish(txnId: string, record: TccRecord): Promise<void> {
    const confirm = record.phase === 'confirming';
    const call = (b: Required<TccBranch>) =>
      withRetries(this.retry, (signal) =>
        confirm
          ? this.resource(b).confirm(txnId, b.branch, signal)
          : this.resource(b).cancel(txnId, b.branch, signal),
      );
    const hooks = this.options.hooks;
    const results: PromiseSettledResult<void>[] = [];
    if (hooks !== undefined && confirm) {
      for (const [i, b] of record.branches.entries()) {
        if (i === 1) await hooks.at('between-confirms', txnId);
        results.push(...(await Promise.allSettled([call(b)])));
      }
    } else results.push(...(await Promise.allSettled(record.branches.map(call))));
    const pending = record.branches.filter((_, i) => results[i]?.status === 'rejected');
    if (pending.length > 0) {
      const first = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
      throw new InDoubtError(
        txnId,
        confirm ? 'commit' : 'rollback',
        pending.map((b) => `${b.resource}/${b.branch}`),
        { cause: first.reason },
      );
    }
    this.log.forget(key(txnId));
  }

  private resource(b: Required<TccBranch>): TccResource {
    const resource = this.resources.get(b.resource);
    if (resource === undefined)
      throw new Error(`resource ${b.resource} is logged but not configured`);
    return resource;
  }

  private validate(txnId: string, branches: readonly TccBranch[]): TccRecord {
    if (branches.length === 0 || branches.length > MAX_BRANCHES)
      throw new InvalidTransactionArgument(
        txnId,
        `1 to ${MAX_BRANCHES} branches (got ${branches.length})`,
      );
    const seen = new Set<string>();
    const out = branches.map((b) => {
      if (!this.resources.has(b.resource))
        throw new InvalidTransactionArgument(txnId, `no resource named ${String(b.resource)}`);
      const branch = validateId(txnId, 'branch', b.branch ?? b.resource);
      if (seen.has(`${b.resource}/${branch}`))
        throw new InvalidTransactionArgument(txnId, `branch ${b.resource}/${branch} twice`);
      seen.add(`${b.resource}/${branch}`);
      return { resource: b.resource, branch, args: b.args };
    });
    return { phase: 'trying', branches: out };
  }
}
