// A TCC participant on PostgreSQL (issue 18): the framework side that makes a resource's
// try/confirm/cancel safe to call any number of times, in any order, as Seata's TCC mode does.
// Each branch has a row in a branch table (resource, txn_id, branch → state, args), written
// in the SAME local transaction as the business effect, so the state and the effect commit
// or vanish together and survive restarts:
// - try: inserts the row 'tried' and runs the business try. If a row exists: 'tried' or
//   'confirmed' → a repeated try, nothing to do; 'cancelled' → the cancel came first (a
//   "suspended" try): refused with SuspendedTryError, so a late try never freezes resources
//   that nobody will release.
// - confirm: 'tried' → business confirm, row 'confirmed'; 'confirmed' → done already
//   (idempotent); 'cancelled' → BranchConflictError; no row → UnknownTransactionError.
// - cancel: no row → inserts a 'cancelled' marker and does nothing else (the "empty
//   rollback": the try never arrived, or rolled back locally); 'tried' → business cancel,
//   row 'cancelled'; 'cancelled' → done already; 'confirmed' → BranchConflictError.
// Concurrent calls for one branch serialise on its row (INSERT … ON CONFLICT waits for the
// other inserter; FOR UPDATE for the rest). Confirm and cancel use the args the try stored,
// never the caller's, so they undo exactly what was done.
//
// Fault model: the database may fail or hang (statement time limits: pg-participant.ts); a
// call may be repeated or reordered by a retrying coordinator; args come from the
// coordinator's log or the network and are validated by the resource's `parseArgs`.

import type pg from 'pg';
import {
  BranchConflictError,
  InvalidTransactionArgument,
  SuspendedTryError,
  UnknownTransactionError,
  validateId,
} from '../errors.js';
import { type PgConnection, PgParticipant } from '../pg-participant.js';

/** What a coordinator calls (an in-process participant, or an adapter for a remote one). */
export interface TccResource {
  readonly name: string;
  try(txnId: string, branch: string, args: unknown, signal?: AbortSignal): Promise<void>;
  confirm(txnId: string, branch: string, signal?: AbortSignal): Promise<void>;
  cancel(txnId: string, branch: string, signal?: AbortSignal): Promise<void>;
}

/** The business side: each runs inside the framework's local transaction on `client`. */
export interface TccBusiness<A> {
  /** Validates args (untrusted); throws to refuse them. */
  parseArgs(args: unknown): A;
  try(client: pg.ClientBase, args: A, branch: BranchRef): Promise<void>;
  confirm(client: pg.ClientBase, args: A, branch: BranchRef): Promise<void>;
  cancel(client: pg.ClientBase, args: A, branch: BranchRef): Promise<void>;
}

export interface BranchRef {
  readonly txnId: string;
  readonly branch: string;
}

export type BranchState = 'tried' | 'confirmed' | 'cancelled';

export interface PgTccOptions<A> {
  /** The resource's name (several resources may share one branch table). */
  readonly name: string;
  readonly connection: PgConnection;
  readonly business: TccBusiness<A>;
  /** The branch table (a plain identifier). Default cohort_tcc_branches. */
  readonly table?: string;
  readonly timeoutMs?: number;
  readonly poolSize?: number;
}

const TABLE_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;

export class PgTccParticipant<A> implements TccResource {
  private constructor(
    readonly name: string,
    readonly db: PgParticipant,
    private readonly business: TccBusiness<A>,
    private readonly table: string,
  ) {}

  /** Connects and creates the branch table if missing. */
  static async open<A>(options: PgTccOptions<A>): Promise<PgTccParticipant<A>> {
    const name = validateId('?', 'resource name', options.name);
    const table = options.table ?? 'cohort_tcc_branches';
    if (!TABLE_PATTERN.test(table)) throw new InvalidTransactionArgument('?', `bad table ${table}`);
    const db = new PgParticipant(name, options.connection, options);
    const participant = new PgTccParticipant(name, db, options.business, table);
    await db.once(
      'schema',
      `CREATE TABLE IF NOT EXISTS ${table} (resource text NOT NULL, txn_id text NOT NULL, ` +
        'branch text NOT NULL, state text NOT NULL, args jsonb, ' +
        'PRIMARY KEY (resource, txn_id, branch))',
    );
    return participant;
  }

  async try(txnId: string, branch: string, args: unknown, signal?: AbortSignal): Promise<void> {
    const ref = this.ref(txnId, branch);
    let parsed: A;
    try {
      parsed = this.business.parseArgs(args);
    } catch (error) {
      throw new InvalidTransactionArgument(txnId, `bad args for ${this.name}: ${String(error)}`);
    }
    await this.local(txnId, signal, async (client, run) => {
      const inserted = await run(
        `INSERT INTO ${this.table} (resource, txn_id, branch, state, args) ` +
          "VALUES ($1, $2, $3, 'tried', $4) ON CONFLICT DO NOTHING",
        [this.name, txnId, branch, JSON.stringify(args)],
      );
      if (inserted.rowCount === 1) return this.business.try(client, parsed, ref);
      const state = (await this.lockRow(run, ref))?.state;
      if (state === 'cancelled') throw new SuspendedTryError(txnId, branch);
    });
  }

  async confirm(txnId: string, branch: string, signal?: AbortSignal): Promise<void> {
    const ref = this.ref(txnId, branch);
    await this.local(txnId, signal, async (client, run) => {
      const row = await this.lockRow(run, ref);
      if (row === undefined)
        throw new UnknownTransactionError(txnId, `no try for branch ${branch}`);
      if (row.state === 'confirmed') return;
      if (row.state === 'cancelled')
        throw new BranchConflictError(txnId, branch, 'confirm of a cancelled branch');
      await this.business.confirm(client, this.business.parseArgs(row.args), ref);
      await this.setState(run, ref, 'confirmed');
    });
  }

  async cancel(txnId: string, branch: string, signal?: AbortSignal): Promise<void> {
    const ref = this.ref(txnId, branch);
    await this.local(txnId, signal, async (client, run) => {
      const marker = await run(
        `INSERT INTO ${this.table} (resource, txn_id, branch, state) ` +
          "VALUES ($1, $2, $3, 'cancelled') ON CONFLICT DO NOTHING",
        [this.name, txnId, branch],
      );
      if (marker.rowCount === 1) return; // Empty rollback: the marker refuses a later try.
      const row = await this.lockRow(run, ref);
      if (row === undefined || row.state === 'cancelled') return;
      if (row.state === 'confirmed')
        throw new BranchConflictError(txnId, branch, 'cancel of a confirmed branch');
      await this.business.cancel(client, this.business.parseArgs(row.args), ref);
      await this.setState(run, ref, 'cancelled');
    });
  }

  /** The branch's state, or undefined when it has no row (tests and operators read it). */
  async state(txnId: string, branch: string): Promise<BranchState | undefined> {
    const ref = this.ref(txnId, branch);
    const result = await this.db.once(
      txnId,
      `SELECT state FROM ${this.table} WHERE resource = $1 AND txn_id = $2 AND branch = $3`,
      [this.name, ref.txnId, ref.branch],
    );
    return (result.rows[0] as { state: BranchState } | undefined)?.state;
  }

  close(): Promise<void> {
    return this.db.close();
  }

  private ref(txnId: string, branch: string): BranchRef {
    return {
      txnId: validateId(txnId, 'txnId', txnId),
      branch: validateId(txnId, 'branch', branch),
    };
  }

  private async lockRow(
    run: Run,
    ref: BranchRef,
  ): Promise<{ state: BranchState; args: unknown } | undefined> {
    const result = await run(
      `SELECT state, args FROM ${this.table} WHERE resource = $1 AND txn_id = $2 AND branch = $3 FOR UPDATE`,
      [this.name, ref.txnId, ref.branch],
    );
    return result.rows[0] as { state: BranchState; args: unknown } | undefined;
  }

  private async setState(run: Run, ref: BranchRef, state: BranchState): Promise<void> {
    await run(
      `UPDATE ${this.table} SET state = $4 WHERE resource = $1 AND txn_id = $2 AND branch = $3`,
      [this.name, ref.txnId, ref.branch, state],
    );
  }

  /** One local transaction; every statement first checks the caller's signal. */
  private local(
    txnId: string,
    signal: AbortSignal | undefined,
    body: (client: pg.PoolClient, run: Run) => Promise<void>,
  ): Promise<void> {
    signal?.throwIfAborted();
    return this.db.local(txnId, (client) =>
      body(client, (sql, params) => {
        signal?.throwIfAborted();
        return this.db.run(txnId, client, sql, params);
      }),
    );
  }
}

type Run = (sql: string, params?: readonly unknown[]) => Promise<pg.QueryResult>;
