// XA with a last resource (src/transactions/xa/last-resource.ts) across two real PostgreSQL
// databases: bank b is committed without PREPARE and its COMMIT is the decision. Transfers
// commit with no write to the manager's log; a last resource that refuses its COMMIT rolls
// the prepared branch back; the manager SIGKILLed before prepare, after prepare and after
// the decision leaves, after recovery, every transfer all-or-nothing; recovery reads each
// outcome from pg_xact_status — committed, aborted, or still in progress (left prepared
// until it ends).
//
// Fault model: the manager killed (SIGKILL, a real child process: test/support/txn-worker.ts);
// the last resource refusing its COMMIT (a deferred constraint); a last-resource transaction
// held open by another session while recovery runs.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../src/runtime/testing/wait.js';
import { TransactionAbortedError, TransactionError } from '../src/transactions/errors.js';
import { openAccounts, transfer } from '../src/transactions/examples/bank-transfer.js';
import { formatGid, gidLiteral, sessionName } from '../src/transactions/xa/gid.js';
import { type XaStep, XaTransactionManager } from '../src/transactions/xa/manager.js';
import type { PostgresServer } from './support/postgres.js';
import { FreezeProxy } from './support/tcp-freeze-proxy.js';
import {
  balances,
  createDatabases,
  preparedGids,
  runTxnWorker,
  startTxnPostgres,
  withClient,
} from './support/txn-databases.js';

const START = 1_000;

let server: PostgresServer;
let scratch: string;
beforeAll(async () => {
  server = await startTxnPostgres();
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-xa-lr-'));
});
afterAll(async () => {
  await server?.close();
  if (scratch !== undefined) fs.rmSync(scratch, { recursive: true, force: true });
});

let logCount = 0;
const newLogDir = () => path.join(scratch, `log-${++logCount}`);

/** Bank a holds alice, bank b holds bob, START cents each. */
async function twoBanks(): Promise<[pg.ClientConfig, pg.ClientConfig]> {
  const [a, b] = (await createDatabases(server, 'lr', 2)) as [pg.ClientConfig, pg.ClientConfig];
  await withClient(a, (c) => openAccounts(c, ['alice'], START));
  await withClient(b, (c) => openAccounts(c, ['bob'], START));
  return [a, b];
}

const leg = { from: { bank: 'a', account: 'alice' }, to: { bank: 'b', account: 'bob' } };

describe('XA with a last resource', () => {
  it('commits transfers with no log write; the other branch was prepared under a gid naming b', async () => {
    const [a, b] = await twoBanks();
    const tm = await XaTransactionManager.open({
      tmId: 'tm-lr',
      logDir: newLogDir(),
      participants: { a, b },
      lastResource: 'b',
    });
    try {
      const before = tm.log.fsyncs;
      for (let i = 0; i < 5; i++) await transfer(tm, { ...leg, amount: 7 });
      expect(tm.log.fsyncs - before).toBe(0);
      expect(await balances(a)).toEqual(new Map([['alice', START - 35]]));
      expect(await balances(b)).toEqual(new Map([['bob', START + 35]]));
      expect([...(await preparedGids(a)), ...(await preparedGids(b))]).toEqual([]);
      // PostgreSQL's own statistics: b committed five transactions and prepared none.
      const preparedOnB = await withClient(b, (c) =>
        c.query("SELECT count(*)::int AS n FROM pg_prepared_xacts WHERE gid LIKE 'cohort:%'"),
      );
      expect(preparedOnB.rows[0].n).toBe(0);
    } finally {
      await tm.close();
    }
  });

  it('a last resource that refuses its COMMIT rolls the prepared branch back', async () => {
    const [a, b] = await twoBanks();
    await withClient(b, (c) =>
      c.query('CREATE TABLE once (k int UNIQUE DEFERRABLE INITIALLY DEFERRED)'),
    );
    const tm = await XaTransactionManager.open({
      tmId: 'tm-lr-refused',
      logDir: newLogDir(),
      participants: { a, b },
      lastResource: 'b',
    });
    try {
      const run = tm.transaction(async (txn) => {
        await txn.query('a', 'UPDATE accounts SET balance = balance - 5 WHERE id = $1', ['alice']);
        // Checked only at COMMIT: b's commit, the decision, fails after a is prepared.
        await txn.query('b', 'INSERT INTO once VALUES (1), (1)');
      });
      await expect(run).rejects.toBeInstanceOf(TransactionAbortedError);
      await expect(run).rejects.toThrow(/last resource b did not commit/);
      expect(await balances(a)).toEqual(new Map([['alice', START]]));
      expect([...(await preparedGids(a)), ...(await preparedGids(b))]).toEqual([]);
    } finally {
      await tm.close();
    }
  });

  it('a last resource that hangs at its COMMIT: in doubt, then recovery follows what b did', async () => {
    const [a, b] = await twoBanks();
    const proxy = new FreezeProxy(server.port);
    await proxy.listen();
    const tm = await XaTransactionManager.open({
      tmId: 'tm-lr-hang',
      logDir: newLogDir(),
      participants: { a, b: { ...b, port: proxy.port } },
      lastResource: 'b',
      timeoutMs: 500,
      retry: { attempts: 2, baseDelayMs: 10, maxDelayMs: 20 },
      hooks: { at: (step) => (step === 'after-prepare' ? proxy.freeze() : undefined) },
    });
    try {
      // The COMMIT and every pg_xact_status question wait in the frozen proxy.
      const error = await transfer(tm, { ...leg, amount: 5 }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TransactionError);
      expect((error as TransactionError).code).toBe('in-doubt');
      expect(await preparedGids(a)).toHaveLength(1);
      proxy.thaw();
      // The held COMMIT reaches b after its client gave up on the connection: whatever b
      // did with it, recovery follows b's own record of the outcome.
      // b may still be running the transaction when first asked: recovery then waits.
      await until(async () => (await tm.recover()).errors.length === 0, 'b to decide');
      expect(await preparedGids(a)).toEqual([]);
      const [ba, bb] = [await balances(a), await balances(b)];
      expect(START - (ba.get('alice') ?? 0)).toBe((bb.get('bob') ?? 0) - START);
    } finally {
      await tm.close();
      await proxy.close();
    }
  });

  const steps: [XaStep, boolean, number][] = [
    // step, whether transfer #2 commits after recovery, branches prepared in a after the crash
    ['before-prepare', false, 0],
    ['after-prepare', false, 1],
    ['after-decision', true, 1],
  ];
  it.each(steps)(
    'manager SIGKILLed %s: recovery reads the outcome from b and finishes a',
    async (step, commits, preparedInA) => {
      const [a, b] = await twoBanks();
      const logDir = newLogDir();
      const exit = await runTxnWorker({
        kind: 'xa',
        tmId: 'tm-lr-crash',
        logDir,
        participants: { a, b },
        lastResource: 'b',
        transfers: Array.from({ length: 5 }, () => ({ ...leg, amount: 10 })),
        concurrency: 1,
        crashAt: { step, nth: 2 },
      });
      expect(exit.signal).toBe('SIGKILL');
      expect([(await preparedGids(a)).length, (await preparedGids(b)).length]).toEqual([
        preparedInA,
        0,
      ]);
      const tm = await XaTransactionManager.open({
        tmId: 'tm-lr-crash',
        logDir,
        participants: { a, b },
        lastResource: 'b',
      });
      try {
        const done = 2 + (commits ? 1 : 0);
        expect(await balances(a)).toEqual(new Map([['alice', START - 10 * done]]));
        expect(await balances(b)).toEqual(new Map([['bob', START + 10 * done]]));
        expect([...(await preparedGids(a)), ...(await preparedGids(b))]).toEqual([]);
        await transfer(tm, { ...leg, amount: 10 });
        expect((await balances(b)).get('bob')).toBe(START + 10 * (done + 1));
      } finally {
        await tm.close();
      }
    },
  );

  it('SIGKILLed among 8 concurrent transfers: each is all-or-nothing after recovery', async () => {
    const names = Array.from({ length: 16 }, (_, i) => i);
    const [a, b] = (await createDatabases(server, 'lr_many', 2)) as [
      pg.ClientConfig,
      pg.ClientConfig,
    ];
    await withClient(a, (c) =>
      openAccounts(
        c,
        names.map((i) => `a${i}`),
        START,
      ),
    );
    await withClient(b, (c) =>
      openAccounts(
        c,
        names.map((i) => `b${i}`),
        START,
      ),
    );
    const logDir = newLogDir();
    const transfers = names.map((i) => ({
      from: { bank: 'a', account: `a${i}` },
      to: { bank: 'b', account: `b${i}` },
      amount: i + 1,
    }));
    for (const step of ['after-prepare', 'after-decision'] as const) {
      const exit = await runTxnWorker({
        ...{ kind: 'xa', tmId: 'tm-lr-many', logDir, participants: { a, b } },
        ...{ lastResource: 'b', transfers, concurrency: 8, crashAt: { step, nth: 5 } },
      });
      expect(exit.signal).toBe('SIGKILL');
      const tm = await XaTransactionManager.open({
        ...{ tmId: 'tm-lr-many', logDir, participants: { a, b }, lastResource: 'b' },
      });
      await tm.close();
    }
    const [ba, bb] = [await balances(a), await balances(b)];
    for (const i of names) {
      const debited = START - (ba.get(`a${i}`) ?? 0);
      expect(debited).toBe((bb.get(`b${i}`) ?? 0) - START); // Both legs or neither.
    }
    expect([...(await preparedGids(a)), ...(await preparedGids(b))]).toEqual([]);
  });

  it('recovery waits while the last resource runs the transaction, then follows its outcome', async () => {
    const [a, b] = await twoBanks();
    const tm = await XaTransactionManager.open({
      tmId: 'tm-lr-wait',
      logDir: newLogDir(),
      participants: { a, b },
      lastResource: 'b',
    });
    // Two transactions on b held by sessions that are not the manager's (recovery does not
    // end them), and a branch prepared on a for each, as a manager would have left them.
    const sessions = [new pg.Client(b), new pg.Client(b)];
    try {
      const gids: string[] = [];
      for (const [i, session] of sessions.entries()) {
        await session.connect();
        await session.query('BEGIN');
        if (i === 0)
          await session.query('UPDATE accounts SET balance = balance + 1 WHERE id = $1', ['bob']);
        const xid = (await session.query('SELECT pg_current_xact_id()::text AS x')).rows[0].x;
        const gid = formatGid({
          tmId: 'tm-lr-wait',
          txnId: `held-${i}`,
          participant: 'a',
          decidedBy: { participant: 'b', xid },
        });
        gids.push(gid);
        await withClient(a, async (c) => {
          await c.query('BEGIN');
          // The first debits alice; the second holds no row (it would wait for the first's).
          if (i === 0)
            await c.query('UPDATE accounts SET balance = balance - 1 WHERE id = $1', ['alice']);
          await c.query(`PREPARE TRANSACTION ${gidLiteral(gid)}`);
        });
      }
      const waiting = await tm.recover();
      expect(waiting.committed).toEqual([]);
      expect(waiting.rolledBack).toEqual([]);
      expect(waiting.errors.map((e) => String(e.error))).toEqual([
        expect.stringMatching(/still running/),
        expect.stringMatching(/still running/),
      ]);
      expect((await preparedGids(a)).sort()).toEqual([...gids].sort());
      // One commits, the other rolls back: recovery follows each.
      await sessions[0]?.query('COMMIT');
      await sessions[1]?.query('ROLLBACK');
      const done = await tm.recover();
      expect(done.committed).toEqual([gids[0]]);
      expect(done.rolledBack).toEqual([gids[1]]);
      expect(done.errors).toEqual([]);
      expect(await balances(a)).toEqual(new Map([['alice', START - 1]]));
      expect(await balances(b)).toEqual(new Map([['bob', START + 1]]));
      expect(await preparedGids(a)).toEqual([]);
    } finally {
      await Promise.all(sessions.map((s) => s.end().catch(() => undefined)));
      await tm.close();
    }
  });

  it("recovery first ends a dead manager's session on the last resource, then reads its outcome", async () => {
    const [a, b] = await twoBanks();
    // The dead manager's session on b is still open (a half-open connection: its host was
    // cut off, not killed), inside the transaction a's prepared branch names.
    const old = new pg.Client({ ...b, application_name: sessionName('tm-lr-old', 'dead0001') });
    await old.connect();
    old.on('error', () => {}); // Recovery terminates it.
    await old.query('BEGIN');
    await old.query('UPDATE accounts SET balance = balance + 3 WHERE id = $1', ['bob']);
    const xid = (await old.query('SELECT pg_current_xact_id()::text AS x')).rows[0].x;
    const gid = formatGid({
      ...{ tmId: 'tm-lr-old', txnId: 'cut-off', participant: 'a' },
      decidedBy: { participant: 'b', xid },
    });
    await withClient(a, async (c) => {
      await c.query('BEGIN');
      await c.query('UPDATE accounts SET balance = balance - 3 WHERE id = $1', ['alice']);
      await c.query(`PREPARE TRANSACTION ${gidLiteral(gid)}`);
    });
    // a is scanned before b (participants in name order): b's session must end first.
    const tm = await XaTransactionManager.open({
      ...{ tmId: 'tm-lr-old', logDir: newLogDir(), participants: { a, b } },
      lastResource: 'b',
    });
    try {
      expect(await preparedGids(a)).toEqual([]);
      expect(await balances(a)).toEqual(new Map([['alice', START]]));
      expect(await balances(b)).toEqual(new Map([['bob', START]]));
    } finally {
      await tm.close();
      await old.end().catch(() => undefined);
    }
  });

  it('refuses a last resource that is not a participant', async () => {
    const [a, b] = await twoBanks();
    await expect(
      XaTransactionManager.open({
        tmId: 'tm-lr-bad',
        logDir: newLogDir(),
        participants: { a, b },
        lastResource: 'c',
      }),
    ).rejects.toThrow(/lastResource c is no participant/);
  });
});
