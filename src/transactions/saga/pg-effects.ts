// Exactly-once effects for saga steps on PostgreSQL: the orchestrator may run a step more than
// once and may compensate a step whose action never ran (orchestrator.ts), so each service
// records, in the SAME local transaction as its effect, a row per (saga, step) in an effects
// table: 'done' with the action's result, or 'compensated'.
// - action: inserts 'done' and runs the effect; if the row exists: 'done' → returns the stored
//   result without running again; 'compensated' → refused (StepCompensatedError: the
//   compensation came first, and a late action must not apply after it — TCC's suspension).
// - compensation: inserts a 'compensated' marker (the action never ran: nothing to undo); if
//   the row is 'done' → runs the undo and marks it 'compensated'; 'compensated' → done already.
// Concurrent calls for one (saga, step) serialise on the row's primary key.
//
// Fault model: the database may fail or hang (statement time limits: pg-participant.ts);
// calls are repeated and reordered by a retrying orchestrator; ids are validated.

import type pg from 'pg';
import { TransactionError, validateId } from '../errors.js';
import { type PgConnection, PgParticipant } from '../pg-participant.js';

/** A saga step's action arriving after its compensation: refused. */
export class StepCompensatedError extends TransactionError {
  constructor(
    sagaId: string,
    readonly step: string,
  ) {
    super('suspended', sagaId, `step ${step} was already compensated; its late action is refused`);
  }
}

export class PgSagaEffects {
  private constructor(
    readonly db: PgParticipant,
    private readonly table: string,
  ) {}

  /** Connects and creates the effects table (default cohort_saga_effects) if missing. */
  static async open(
    name: string,
    connection: PgConnection,
    options: { table?: string; timeoutMs?: number; poolSize?: number } = {},
  ): Promise<PgSagaEffects> {
    const table = options.table ?? 'cohort_saga_effects';
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(table)) throw new RangeError(`bad table name ${table}`);
    const db = new PgParticipant(validateId('?', 'service name', name), connection, options);
    await db.once(
      'schema',
      `CREATE TABLE IF NOT EXISTS ${table} (saga_id text NOT NULL, step text NOT NULL, ` +
        'state text NOT NULL, result jsonb, PRIMARY KEY (saga_id, step))',
    );
    return new PgSagaEffects(db, table);
  }

  /** Runs `effect` once for (sagaId, step); a repeat returns the first run's result. */
  async action<R>(
    sagaId: string,
    step: string,
    effect: (client: pg.ClientBase) => Promise<R>,
  ): Promise<R> {
    return this.local(sagaId, step, async (client, run) => {
      const inserted = await run(
        `INSERT INTO ${this.table} (saga_id, step, state) VALUES ($1, $2, 'done') ON CONFLICT DO NOTHING`,
      );
      if (inserted.rowCount === 1) {
        const result = await effect(client);
        await run(`UPDATE ${this.table} SET result = $3 WHERE saga_id = $1 AND step = $2`, [
          JSON.stringify(result ?? null),
        ]);
        return result;
      }
      const row = await this.lockRow(run);
      if (row?.state === 'compensated') throw new StepCompensatedError(sagaId, step);
      return row?.result as R;
    });
  }

  /** Undoes (sagaId, step)'s action once, or records that there is nothing to undo. */
  async compensation(
    sagaId: string,
    step: string,
    undo: (client: pg.ClientBase) => Promise<void>,
  ): Promise<void> {
    await this.local(sagaId, step, async (client, run) => {
      const marker = await run(
        `INSERT INTO ${this.table} (saga_id, step, state) VALUES ($1, $2, 'compensated') ON CONFLICT DO NOTHING`,
      );
      if (marker.rowCount === 1) return;
      const row = await this.lockRow(run);
      if (row?.state !== 'done') return;
      await undo(client);
      await run(`UPDATE ${this.table} SET state = 'compensated' WHERE saga_id = $1 AND step = $2`);
    });
  }

  close(): Promise<void> {
    return this.db.close();
  }

  private async lockRow(run: Run): Promise<{ state: string; result: unknown } | undefined> {
    const r = await run(
      `SELECT state, result FROM ${this.table} WHERE saga_id = $1 AND step = $2 FOR UPDATE`,
    );
    return r.rows[0] as { state: string; result: unknown } | undefined;
  }

  /** One local transaction; `run` binds $1 = sagaId and $2 = step before the extra params. */
  private local<T>(
    sagaId: string,
    step: string,
    body: (client: pg.PoolClient, run: Run) => Promise<T>,
  ): Promise<T> {
    validateId(sagaId, 'sagaId', sagaId);
    validateId(sagaId, 'step', step);
    return this.db.local(sagaId, (client) =>
      body(client, (sql, extra = []) => this.db.run(sagaId, client, sql, [sagaId, step, ...extra])),
    );
  }
}

type Run = (sql: string, extra?: readonly unknown[]) => Promise<pg.QueryResult>;
