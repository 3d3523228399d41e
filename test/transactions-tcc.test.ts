// TCC (src/transactions/tcc) on real PostgreSQL: the participant's branch table makes try,
// confirm and cancel idempotent and order-proof as Seata's TCC mode does — duplicate confirms
// and cancels apply once (also across a participant restart and a database restart), a
// cancel before its try records an empty rollback and the late try is refused (suspension),
// confirm-after-cancel and cancel-after-confirm are conflicts, unknown ids are typed errors;
// the coordinator confirms a transfer everywhere or cancels it everywhere, and SIGKILLed at
// each step (after logging the branches, after the tries, after the decision, between the
// confirms) recovery leaves every transfer all-or-nothing with nothing left frozen.
//
// Fault model: the coordinator killed (SIGKILL, a real child process: txn-worker.ts); the
// database restarted (fast stop); duplicated and reordered calls; bad arguments.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BranchConflictError,
  InvalidTransactionArgument,
  SuspendedTryError,
  TransactionAbortedError,
  UnknownTransactionError,
} from '../src/transactions/errors.js';
import {
  accountBusiness,
  InsufficientBalance,
  openTccAccounts,
} from '../src/transactions/examples/tcc-transfer.js';
import { TccCoordinator, type TccStep } from '../src/transactions/tcc/coordinator.js';
import { PgTccParticipant } from '../src/transactions/tcc/participant.js';
import type { PostgresServer } from './support/postgres.js';
import {
  createDatabases,
  runTxnWorker,
  startTxnPostgres,
  withClient,
} from './support/txn-databases.js';

const START = 1_000;

let server: PostgresServer;
let scratch: string;
beforeAll(async () => {
  server = await startTxnPostgres();
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-tcc-'));
});
afterAll(async () => {
  await server?.close();
  if (scratch !== undefined) fs.rmSync(scratch, { recursive: true, force: true });
});

let logCount = 0;
const newLogDir = () => path.join(scratch, `log-${++logCount}`);

interface Account {
  balance: number;
  frozen: number;
  incoming: number;
}

async function accounts(connection: pg.ClientConfig): Promise<Map<string, Account>> {
  return withClient(connection, async (c) => {
    const r = await c.query<{ id: string; balance: string; frozen: string; incoming: string }>(
      'SELECT id, balance, frozen, incoming FROM tcc_accounts ORDER BY id',
    );
    return new Map(
      r.rows.map((row) => [
        row.id,
        {
          balance: Number(row.balance),
          frozen: Number(row.frozen),
          incoming: Number(row.incoming),
        },
      ]),
    );
  });
}

/** Two banks a and b with `names` split alternately between them, START cents each. */
async function twoBanks(names: string[]): Promise<[pg.ClientConfig, pg.ClientConfig]> {
  const [a, b] = (await createDatabases(server, 'tcc', 2)) as [pg.ClientConfig, pg.ClientConfig];
  await withClient(a, (c) =>
    openTccAccounts(
      c,
      names.filter((_, i) => i % 2 === 0),
      START,
    ),
  );
  await withClient(b, (c) =>
    openTccAccounts(
      c,
      names.filter((_, i) => i % 2 === 1),
      START,
    ),
  );
  return [a, b];
}

const open = (name: string, connection: pg.ClientConfig) =>
  PgTccParticipant.open({ name, connection, business: accountBusiness, timeoutMs: 5_000 });

describe('TCC participant: idempotence, empty rollback, suspension', () => {
  it('duplicate confirms and cancels apply once, also across restarts', async () => {
    const [a] = await twoBanks(['alice', 'bob']);
    let p = await open('a', a);
    try {
      await p.try('t1', 'debit', { account: 'alice', delta: -100 });
      await p.try('t1', 'debit', { account: 'alice', delta: -100 }); // A repeated try: no-op.
      expect((await accounts(a)).get('alice')).toEqual({ balance: 900, frozen: 100, incoming: 0 });
      await p.confirm('t1', 'debit');
      await p.confirm('t1', 'debit');
      await p.close();
      await server.restart('fast');
      p = await open('a', a); // A new process's participant: the state is in the table.
      await p.confirm('t1', 'debit');
      expect((await accounts(a)).get('alice')).toEqual({ balance: 900, frozen: 0, incoming: 0 });
      expect(await p.state('t1', 'debit')).toBe('confirmed');
      await expect(p.cancel('t1', 'debit')).rejects.toBeInstanceOf(BranchConflictError);

      await p.try('t2', 'debit', { account: 'alice', delta: -50 });
      await p.cancel('t2', 'debit');
      await p.cancel('t2', 'debit');
      await expect(p.confirm('t2', 'debit')).rejects.toMatchObject({
        code: 'conflict',
        txnId: 't2',
      });
      expect((await accounts(a)).get('alice')).toEqual({ balance: 900, frozen: 0, incoming: 0 });
    } finally {
      await p.close();
    }
  });

  it('cancel before try: empty rollback, then the late try is refused (suspension)', async () => {
    const [a] = await twoBanks(['alice', 'bob']);
    const p = await open('a', a);
    try {
      await p.cancel('t3', 'debit'); // The try never arrived: only a marker.
      expect(await p.state('t3', 'debit')).toBe('cancelled');
      const late = p.try('t3', 'debit', { account: 'alice', delta: -100 });
      await expect(late).rejects.toBeInstanceOf(SuspendedTryError);
      await expect(late).rejects.toMatchObject({ txnId: 't3', branch: 'debit' });
      await p.cancel('t3', 'debit');
      expect((await accounts(a)).get('alice')).toEqual({ balance: START, frozen: 0, incoming: 0 });
      // A try that failed locally (too little money) left no row: its cancel is empty too.
      await expect(
        p.try('t4', 'debit', { account: 'alice', delta: -5_000 }),
      ).rejects.toBeInstanceOf(InsufficientBalance);
      await p.cancel('t4', 'debit');
      expect((await accounts(a)).get('alice')).toEqual({ balance: START, frozen: 0, incoming: 0 });
    } finally {
      await p.close();
    }
  });

  it('unknown ids and bad arguments are typed errors with the txn id', async () => {
    const [a] = await twoBanks(['alice', 'bob']);
    const p = await open('a', a);
    try {
      await expect(p.confirm('never-tried', 'debit')).rejects.toBeInstanceOf(
        UnknownTransactionError,
      );
      await expect(p.confirm('never-tried', 'debit')).rejects.toMatchObject({
        txnId: 'never-tried',
      });
      await expect(p.try('t5', 'debit', { account: 'alice', delta: 1.5 })).rejects.toBeInstanceOf(
        InvalidTransactionArgument,
      );
      await expect(p.try('t5', 'debit', 'garbage')).rejects.toMatchObject({
        code: 'invalid',
        txnId: 't5',
      });
      await expect(p.try("x'; DROP TABLE tcc_accounts; --", 'b', {})).rejects.toBeInstanceOf(
        InvalidTransactionArgument,
      );
      expect(await p.state('t5', 'debit')).toBeUndefined();
      expect((await accounts(a)).get('alice')).toEqual({ balance: START, frozen: 0, incoming: 0 });
    } finally {
      await p.close();
    }
  });
});

describe('TCC coordinator', () => {
  it('confirms a transfer on both banks, or cancels it on both', async () => {
    const [a, b] = await twoBanks(['alice', 'bob']);
    const resources = [await open('a', a), await open('b', b)];
    const tcc = await TccCoordinator.open({ coordinatorId: 'c1', logDir: newLogDir(), resources });
    try {
      const txnId = await tcc.run([
        { resource: 'a', args: { account: 'alice', delta: -300 } },
        { resource: 'b', args: { account: 'bob', delta: 300 } },
      ]);
      expect((await accounts(a)).get('alice')).toEqual({ balance: 700, frozen: 0, incoming: 0 });
      expect((await accounts(b)).get('bob')).toEqual({ balance: 1_300, frozen: 0, incoming: 0 });
      expect(() => tcc.status(txnId)).toThrow(UnknownTransactionError);
      await expect(tcc.resolve('no-such-txn')).rejects.toBeInstanceOf(UnknownTransactionError);

      const refused = tcc.run(
        [
          { resource: 'b', args: { account: 'bob', delta: 5_000 } },
          { resource: 'a', args: { account: 'alice', delta: -5_000 } },
        ],
        { txnId: 'too-much' },
      );
      await expect(refused).rejects.toBeInstanceOf(TransactionAbortedError);
      await expect(refused).rejects.toMatchObject({ txnId: 'too-much' });
      expect((await accounts(a)).get('alice')).toEqual({ balance: 700, frozen: 0, incoming: 0 });
      expect((await accounts(b)).get('bob')).toEqual({ balance: 1_300, frozen: 0, incoming: 0 });
      expect(await resources[0]?.state('too-much', 'a')).toBe('cancelled'); // Empty rollback.
      await expect(
        tcc.run([{ resource: 'nowhere', args: {} }], { txnId: 'bad-resource' }),
      ).rejects.toMatchObject({ code: 'invalid', txnId: 'bad-resource' });
      expect(tcc.log.keys('tcc/')).toEqual([]);
    } finally {
      await tcc.close();
      await Promise.all(resources.map((r) => r.close()));
    }
  });

  const steps: [TccStep, boolean][] = [
    ['after-begin', false],
    ['after-try', false],
    ['after-decision', true],
    ['between-confirms', true],
  ];
  it.each(steps)(
    'coordinator SIGKILLed %s: all-or-nothing after recovery',
    async (step, confirms) => {
      const [a, b] = await twoBanks(['alice', 'bob']);
      const logDir = newLogDir();
      const leg = {
        from: { bank: 'a', account: 'alice' },
        to: { bank: 'b', account: 'bob' },
        amount: 10,
      };
      const job = { tmId: 'c-crash', logDir, participants: { a, b }, concurrency: 1 };
      const exit = await runTxnWorker({
        ...job,
        kind: 'tcc',
        transfers: Array.from({ length: 5 }, () => leg),
        crashAt: { step, nth: 2 },
      });
      expect(exit.signal).toBe('SIGKILL');
      const resources = [await open('a', a), await open('b', b)];
      const tcc = await TccCoordinator.open({ coordinatorId: 'c-crash', logDir, resources });
      try {
        const done = 2 + (confirms ? 1 : 0);
        expect((await accounts(a)).get('alice')).toEqual({
          balance: START - 10 * done,
          frozen: 0,
          incoming: 0,
        });
        expect((await accounts(b)).get('bob')).toEqual({
          balance: START + 10 * done,
          frozen: 0,
          incoming: 0,
        });
        expect(tcc.log.keys('tcc/')).toEqual([]);
      } finally {
        await tcc.close();
        await Promise.all(resources.map((r) => r.close()));
      }
    },
  );

  it('SIGKILLed among 8 concurrent transfers: each is all-or-nothing after recovery', async () => {
    const names = Array.from({ length: 24 }, (_, i) => [`a${i}`, `b${i}`]).flat();
    const [a, b] = await twoBanks(names);
    const logDir = newLogDir();
    const transfers = Array.from({ length: 24 }, (_, i) => ({
      from: { bank: 'a', account: `a${i}` },
      to: { bank: 'b', account: `b${i}` },
      amount: i + 1,
    }));
    for (const step of ['after-try', 'between-confirms'] as const) {
      const job = {
        kind: 'tcc' as const,
        tmId: 'c-many',
        logDir,
        participants: { a, b },
        transfers,
      };
      const exit = await runTxnWorker({ ...job, concurrency: 8, crashAt: { step, nth: 9 } });
      expect(exit.signal).toBe('SIGKILL');
      const resources = [await open('a', a), await open('b', b)];
      const tcc = await TccCoordinator.open({ coordinatorId: 'c-many', logDir, resources });
      expect(tcc.log.keys('tcc/')).toEqual([]);
      await tcc.close();
      await Promise.all(resources.map((r) => r.close()));
    }
    const [ba, bb] = [await accounts(a), await accounts(b)];
    let total = 0;
    for (let i = 0; i < 24; i++) {
      const from = ba.get(`a${i}`) as Account;
      const to = bb.get(`b${i}`) as Account;
      expect([from.frozen, from.incoming, to.frozen, to.incoming]).toEqual([0, 0, 0, 0]);
      expect(START - from.balance).toBe(to.balance - START); // Both legs or neither.
      total += from.balance + to.balance;
    }
    expect(total).toBe(48 * START);
  });
});
