// One participant's part of one XA transaction: a connection of its own on which the
// transaction manager runs BEGIN, the caller's statements, then PREPARE TRANSACTION and (after
// the decision) COMMIT/ROLLBACK PREPARED. The connection is opened lazily, on the first
// statement for that participant, so a transaction enlists only the databases it touches, and
// BEGIN goes out with that first statement, pipelined (the participant's pool is in pg's
// pipeline mode): one round trip, not two, before the branch has done any work.
//
// Fault model: any failure destroys the connection (pg-participant.ts), which makes
// PostgreSQL roll back an unprepared transaction; a prepared one survives the connection and
// is finished on another (COMMIT PREPARED may run on any session of that database), or by
// recovery. A PREPARE whose answer was lost leaves it unknown whether the branch is prepared:
// the caller treats it as possibly prepared and rolls it back by gid.
//
// A branch that may become the last resource (last-resource.ts) also asks, in the same
// pipeline, for its transaction's id (`pg_current_xact_id()`): the other branches' gids name
// it, and recovery reads the outcome by it.

import type pg from 'pg';
import { ParticipantError } from '../errors.js';
import { type PgParticipant, release } from '../pg-participant.js';
import { gidLiteral } from './gid.js';

/** SQLSTATE 42704 (undefined_object): COMMIT/ROLLBACK PREPARED of a gid that is not there. */
export const UNDEFINED_OBJECT = '42704';

export type BranchState = 'open' | 'prepared' | 'maybe-prepared' | 'finished' | 'failed';

export class XaBranch {
  state: BranchState = 'open';
  /** The transaction's id on its server, when asked for (`withXid`), once begun. */
  xid: string | undefined;
  private client: pg.PoolClient | undefined;
  /** BEGIN not sent yet: it goes with the first statement. */
  private begun = false;

  private constructor(
    readonly participant: PgParticipant,
    readonly txnId: string,
    /** The gid it is (or would be) prepared under: set by prepare(). */
    public gid: string,
    private readonly withXid: boolean,
  ) {}

  static async begin(
    participant: PgParticipant,
    txnId: string,
    gid: string,
    options: { withXid?: boolean } = {},
  ): Promise<XaBranch> {
    const branch = new XaBranch(participant, txnId, gid, options.withXid === true);
    branch.client = await participant.connect(txnId);
    return branch;
  }

  /** A statement inside the branch's transaction (before it is prepared). */
  async statement(sql: string, params: readonly unknown[] = []): Promise<pg.QueryResult> {
    const client = this.client;
    if (client === undefined || this.state !== 'open')
      throw new ParticipantError(this.txnId, this.participant.name, `branch is ${this.state}`);
    try {
      if (this.begun) return await this.participant.run(this.txnId, client, sql, params);
      this.begun = true;
      // All on the wire at once (pipeline mode); each answered on its own.
      const run = (text: string, values: readonly unknown[] = []) =>
        this.participant.run(this.txnId, client, text, values);
      const [begin, xid, result] = await Promise.allSettled([
        run('BEGIN'),
        this.withXid ? run('SELECT pg_current_xact_id()::text AS xid') : undefined,
        run(sql, params),
      ]);
      if (begin.status === 'rejected') throw begin.reason;
      if (xid.status === 'rejected') throw xid.reason;
      if (result.status === 'rejected') throw result.reason;
      if (xid.value !== undefined) this.xid = checkXid(xid.value.rows[0]?.xid);
      return result.value;
    } catch (error) {
      this.fail(error);
      throw error;
    }
  }

  /** Phase 1. A failure whose outcome is unknown leaves the branch 'maybe-prepared'. */
  async prepare(gid = this.gid): Promise<void> {
    this.gid = gid;
    const result = await this.statement(`PREPARE TRANSACTION ${gidLiteral(this.gid)}`).catch(
      (error: unknown) => {
        // The PREPARE may have reached the server: only a refusal means it did not prepare.
        if ((error as { cause?: { severity?: unknown } }).cause?.severity === undefined)
          this.state = 'maybe-prepared';
        throw error;
      },
    );
    // A transaction that had already failed answers PREPARE with ROLLBACK, not an error.
    if (result.command !== 'PREPARE') {
      this.state = 'failed';
      this.releaseClient();
      throw new ParticipantError(
        this.txnId,
        this.participant.name,
        `PREPARE TRANSACTION answered ${result.command}: the transaction had failed`,
      );
    }
    this.state = 'prepared';
  }

  /** Phase 2 on this branch's connection, or on a fresh one when that is gone. */
  async finish(decision: 'commit' | 'rollback'): Promise<void> {
    const sql = `${decision === 'commit' ? 'COMMIT' : 'ROLLBACK'} PREPARED ${gidLiteral(this.gid)}`;
    const client = this.client;
    try {
      if (client !== undefined) await this.participant.run(this.txnId, client, sql);
      else await this.participant.once(this.txnId, sql);
    } catch (error) {
      if (client !== undefined) this.fail(error);
      // Already finished (an earlier attempt whose answer was lost, or recovery).
      if (!isUndefinedObject(error)) throw error;
    }
    this.state = 'finished';
    this.releaseClient();
  }

  /** Undoes an unprepared branch: ROLLBACK, or dropping the connection when that fails. */
  async rollbackOpen(): Promise<void> {
    const client = this.client;
    if (client === undefined || this.state !== 'open') return;
    if (!this.begun) {
      this.state = 'finished'; // Nothing was sent: nothing to undo.
      this.releaseClient();
      return;
    }
    try {
      await this.participant.run(this.txnId, client, 'ROLLBACK');
      this.state = 'finished';
      this.releaseClient();
    } catch (error) {
      this.fail(error); // The server rolls back when the connection closes.
    }
  }

  /** Gives the connection back (healthy) — after phase 2 or when the caller is done. */
  releaseClient(error?: unknown): void {
    const client = this.client;
    this.client = undefined;
    if (client !== undefined) release(client, error);
  }

  private fail(error: unknown): void {
    if (this.state === 'open') this.state = 'failed';
    this.releaseClient(error ?? true);
  }
}

/** The server's answer to pg_current_xact_id(), checked: it will be part of gids. */
function checkXid(value: unknown): string {
  if (typeof value !== 'string' || !/^[0-9]{1,20}$/.test(value))
    throw new Error(`pg_current_xact_id() answered ${JSON.stringify(value)}`);
  return value;
}

export function isUndefinedObject(error: unknown): boolean {
  return (error as { cause?: { code?: unknown } }).cause?.code === UNDEFINED_OBJECT;
}
