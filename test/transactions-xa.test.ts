// XA two-phase commit (src/transactions/xa) across two real PostgreSQL databases: bank
// transfers commit atomically; a transfer that fails anywhere is rolled back everywhere; the
// transaction manager SIGKILLed at each step the seed notes list (before prepare, after
// prepare, after the decision is logged, between the two commits) leaves, after recovery,
// every transfer all-or-nothing, the balances summing to the starting total and no prepared
// transaction behind; participants that hang, answer garbage or vanish in phase 2 give typed
// errors that carry the transaction id.
//
// Fault model: the manager killed (SIGKILL, a real child process: test/support/txn-worker.ts,
// crashing at a deterministic step); a participant frozen behind a proxy (hangs), replaced by
// a garbage-speaking server, or unreachable during phase 2.

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  InDoubtError,
  InvalidTransactionArgument,
  ParticipantError,
  ParticipantTimeoutError,
  TransactionAbortedError,
} from '../src/transactions/errors.js';
import {
  InsufficientFunds,
  openAccounts,
  transfer,
} from '../src/transactions/examples/bank-transfer.js';
import { type XaStep, XaTransactionManager } from '../src/transactions/xa/manager.js';
import type { PostgresServer } from './support/postgres.js';
import { FreezeProxy, garbageServer } from './support/tcp-freeze-proxy.js';
import {
  balances,
  createDatabases,
  preparedGids,
  runTxnWorker,
  startTxnPostgres,
  sum,
  withClient,
} from './support/txn-databases.js';

const START = 1_000;

let server: PostgresServer;
let scratch: string;
beforeAll(async () => {
  server = await startTxnPostgres();
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-xa-'));
});
afterAll(async () => {
  await server?.close();
  if (scratch !== undefined) fs.rmSync(scratch, { recursive: true, force: true });
});

let logCount = 0;
const newLogDir = () => path.join(scratch, `log-${++logCount}`);

/** Two banks: a (alice, carol) and b (bob, dave), START cents each. */
async function twoBanks(accounts = ['alice', 'bob', 'carol', 'dave']): Promise<pg.ClientConfig[]> {
  const [a, b] = (await createDatabases(server, 'bank', 2)) as [pg.ClientConfig, pg.ClientConfig];
  await withClient(a, (c) =>
    openAccounts(
      c,
      accounts.filter((_, i) => i % 2 === 0),
      START,
    ),
  );
  await withClient(b, (c) =>
    openAccounts(
      c,
      accounts.filter((_, i) => i % 2 === 1),
      START,
    ),
  );
  return [a, b];
}

describe('XA across two PostgreSQL databases', () => {
  it('commits transfers on both databases; one decision fsync per transfer', async () => {
    const [a, b] = await twoBanks();
    const tm = await XaTransactionManager.open({
      tmId: 'tm-ok',
      logDir: newLogDir(),
      participants: { a: a as pg.ClientConfig, b: b as pg.ClientConfig },
    });
    try {
      const before = tm.log.fsyncs;
      for (let i = 0; i < 5; i++)
        await transfer(tm, {
          from: { bank: 'a', account: 'alice' },
          to: { bank: 'b', account: 'bob' },
          amount: 7,
        });
      expect(tm.log.fsyncs - before).toBe(5);
      expect(await balances(a as pg.ClientConfig)).toEqual(
        new Map([
          ['alice', START - 35],
          ['carol', START],
        ]),
      );
      expect(await balances(b as pg.ClientConfig)).toEqual(
        new Map([
          ['bob', START + 35],
          ['dave', START],
        ]),
      );
      expect(await preparedGids(a as pg.ClientConfig)).toEqual([]);
      expect(await preparedGids(b as pg.ClientConfig)).toEqual([]);
      expect(tm.log.keys('xa/')).toEqual([]);
    } finally {
      await tm.close();
    }
  });

  it('rolls back both databases when one leg fails; bad names and ids are typed errors', async () => {
    const [a, b] = (await twoBanks()) as [pg.ClientConfig, pg.ClientConfig];
    const tm = await XaTransactionManager.open({
      tmId: 'tm-bad',
      logDir: newLogDir(),
      participants: { a, b },
    });
    try {
      // The debit (bank a) succeeds, the credit names no account in bank b: all undone.
      const failed = transfer(tm, {
        from: { bank: 'a', account: 'alice' },
        to: { bank: 'b', account: 'nobody' },
        amount: 5,
      });
      await expect(failed).rejects.toBeInstanceOf(TransactionAbortedError);
      const error = (await failed.catch((e: unknown) => e)) as TransactionAbortedError;
      expect(error.cause).toBeInstanceOf(InsufficientFunds);
      expect(error.txnId).toMatch(/^[0-9a-f-]{36}$/);
      expect(error.message).toContain(error.txnId);
      const unknown = tm.transaction((txn) => txn.query('zz', 'SELECT 1'), { txnId: 'named-1' });
      await expect(unknown).rejects.toMatchObject({ code: 'aborted', txnId: 'named-1' });
      expect(((await unknown.catch((e: unknown) => e)) as Error).cause).toBeInstanceOf(
        InvalidTransactionArgument,
      );
      await expect(tm.transaction(async () => {}, { txnId: 'no:colons' })).rejects.toBeInstanceOf(
        InvalidTransactionArgument,
      );
      expect(() => tm.decision('../etc')).toThrow(InvalidTransactionArgument);
      expect(tm.decision('never-heard-of')).toBeUndefined();
      expect(sum(await balances(a)) + sum(await balances(b))).toBe(4 * START);
      expect(await balances(a)).toEqual(
        new Map([
          ['alice', START],
          ['carol', START],
        ]),
      );
      expect([...(await preparedGids(a)), ...(await preparedGids(b))]).toEqual([]);
    } finally {
      await tm.close();
    }
  });

  const steps: [XaStep, boolean, [number, number]][] = [
    // step, whether transfer #2 commits after recovery, [prepared in a, in b] after the crash
    ['before-prepare', false, [0, 0]],
    ['after-prepare', false, [1, 1]],
    ['after-decision', true, [1, 1]],
    ['between-commits', true, [0, 1]],
  ];
  it.each(steps)(
    'manager SIGKILLed %s: recovery makes each transfer all-or-nothing',
    async (step, commits, left) => {
      const [a, b] = (await twoBanks()) as [pg.ClientConfig, pg.ClientConfig];
      const logDir = newLogDir();
      const leg = {
        from: { bank: 'a', account: 'alice' },
        to: { bank: 'b', account: 'bob' },
        amount: 10,
      };
      const exit = await runTxnWorker({
        kind: 'xa',
        tmId: 'tm-crash',
        logDir,
        participants: { a, b },
        transfers: Array.from({ length: 5 }, () => leg),
        concurrency: 1,
        crashAt: { step, nth: 2 },
      });
      expect(exit.signal).toBe('SIGKILL');
      expect([(await preparedGids(a)).length, (await preparedGids(b)).length]).toEqual(left);
      const tm = await XaTransactionManager.open({
        tmId: 'tm-crash',
        logDir,
        participants: { a, b },
      });
      try {
        const done = 2 + (commits ? 1 : 0);
        expect(await balances(a)).toEqual(
          new Map([
            ['alice', START - 10 * done],
            ['carol', START],
          ]),
        );
        expect(await balances(b)).toEqual(
          new Map([
            ['bob', START + 10 * done],
            ['dave', START],
          ]),
        );
        expect([...(await preparedGids(a)), ...(await preparedGids(b))]).toEqual([]);
        expect(tm.log.keys('xa/')).toEqual([]);
        // The recovered manager goes on working.
        await transfer(tm, leg);
        expect((await balances(b)).get('bob')).toBe(START + 10 * (done + 1));
      } finally {
        await tm.close();
      }
    },
  );

  it('SIGKILLed among 8 concurrent transfers: each is all-or-nothing after recovery', async () => {
    const names = Array.from({ length: 32 }, (_, i) => [`a${i}`, `b${i}`]).flat();
    const [a, b] = (await twoBanks(names)) as [pg.ClientConfig, pg.ClientConfig];
    const logDir = newLogDir();
    const transfers = Array.from({ length: 32 }, (_, i) => ({
      from: { bank: 'a', account: `a${i}` },
      to: { bank: 'b', account: `b${i}` },
      amount: i + 1,
    }));
    for (const step of ['after-decision', 'between-commits'] as const) {
      const exit = await runTxnWorker({
        kind: 'xa',
        tmId: 'tm-many',
        logDir,
        participants: { a, b },
        transfers,
        concurrency: 8,
        crashAt: { step, nth: 11 },
      });
      expect(exit.signal).toBe('SIGKILL');
      const tm = await XaTransactionManager.open({
        tmId: 'tm-many',
        logDir,
        participants: { a, b },
      });
      await tm.close();
    }
    const [ba, bb] = [await balances(a), await balances(b)];
    expect(sum(ba) + sum(bb)).toBe(64 * START);
    for (let i = 0; i < 32; i++) {
      const debited = START - (ba.get(`a${i}`) ?? 0);
      const credited = (bb.get(`b${i}`) ?? 0) - START;
      expect(debited).toBe(credited); // Both legs or neither, per transfer.
    }
    expect([...(await preparedGids(a)), ...(await preparedGids(b))]).toEqual([]);
  });
});

describe('XA participants that hang, answer garbage or vanish', () => {
  it('a participant that hangs at PREPARE: timeout with the txn id, rolled back everywhere', async () => {
    const [a, b] = (await twoBanks()) as [pg.ClientConfig, pg.ClientConfig];
    const proxy = new FreezeProxy(server.port);
    await proxy.listen();
    const tm = await XaTransactionManager.open({
      tmId: 'tm-hang',
      logDir: newLogDir(),
      participants: { a, b: { ...b, port: proxy.port } },
      timeoutMs: 500,
      retry: { attempts: 2, baseDelayMs: 10, maxDelayMs: 20 },
      hooks: { at: (step) => (step === 'before-prepare' ? proxy.freeze() : undefined) },
    });
    try {
      const result = transfer(tm, {
        from: { bank: 'a', account: 'alice' },
        to: { bank: 'b', account: 'bob' },
        amount: 5,
      });
      const error = (await result.catch((e: unknown) => e)) as TransactionAbortedError;
      expect(error).toBeInstanceOf(TransactionAbortedError);
      expect(error.cause).toBeInstanceOf(ParticipantTimeoutError);
      expect((error.cause as ParticipantTimeoutError).participant).toBe('b');
      expect((error.cause as ParticipantTimeoutError).txnId).toBe(error.txnId);
      await proxy.close(); // bank b's session ends: its unprepared transaction rolls back.
      expect(await preparedGids(a)).toEqual([]); // a's prepared branch was rolled back.
      expect(await balances(a)).toEqual(
        new Map([
          ['alice', START],
          ['carol', START],
        ]),
      );
      expect(await balances(b)).toEqual(
        new Map([
          ['bob', START],
          ['dave', START],
        ]),
      );
    } finally {
      await tm.close();
    }
  });

  it('a participant that answers garbage: a typed error with the txn id, nothing applied', async () => {
    const [a] = (await twoBanks()) as [pg.ClientConfig, pg.ClientConfig];
    const garbage = await garbageServer();
    const tm = await XaTransactionManager.open({
      tmId: 'tm-garbage',
      logDir: newLogDir(),
      participants: { a, b: { ...server.connection, port: garbage.port } },
      timeoutMs: 2_000,
      recover: false,
    });
    try {
      const result = transfer(tm, {
        from: { bank: 'a', account: 'alice' },
        to: { bank: 'b', account: 'bob' },
        amount: 5,
      });
      const error = (await result.catch((e: unknown) => e)) as TransactionAbortedError;
      expect(error).toBeInstanceOf(TransactionAbortedError);
      expect(error.cause).toBeInstanceOf(ParticipantError);
      expect((error.cause as ParticipantError).txnId).toBe(error.txnId);
      expect(await balances(a)).toEqual(
        new Map([
          ['alice', START],
          ['carol', START],
        ]),
      );
      expect(await preparedGids(a)).toEqual([]);
    } finally {
      await tm.close();
      await garbage.close();
    }
  });

  it('a participant unreachable in phase 2: InDoubtError(commit); recovery commits it later', async () => {
    const [a, b] = (await twoBanks()) as [pg.ClientConfig, pg.ClientConfig];
    const proxy = new FreezeProxy(server.port);
    await proxy.listen();
    const tm = await XaTransactionManager.open({
      tmId: 'tm-phase2',
      logDir: newLogDir(),
      participants: { a, b: { ...b, port: proxy.port } },
      timeoutMs: 500,
      retry: { attempts: 2, baseDelayMs: 10, maxDelayMs: 20 },
      hooks: { at: (step) => (step === 'after-decision' ? proxy.freeze() : undefined) },
    });
    try {
      const result = transfer(tm, {
        from: { bank: 'a', account: 'alice' },
        to: { bank: 'b', account: 'bob' },
        amount: 5,
      });
      const error = (await result.catch((e: unknown) => e)) as InDoubtError;
      expect(error).toBeInstanceOf(InDoubtError);
      expect(error.decision).toBe('commit');
      expect(error.pending).toEqual(['b']);
      expect(tm.decision(error.txnId)).toEqual({ decision: 'commit', participants: ['a', 'b'] });
      expect(await preparedGids(b)).toEqual([tm.gid(error.txnId, 'b')]);
      proxy.thaw();
      const report = await tm.recover();
      expect(report.errors).toEqual([]);
      expect(report.forgotten).toEqual([error.txnId]);
      expect(await preparedGids(b)).toEqual([]);
      expect(tm.decision(error.txnId)).toBeUndefined();
      expect(await balances(a)).toEqual(
        new Map([
          ['alice', START - 5],
          ['carol', START],
        ]),
      );
      expect(await balances(b)).toEqual(
        new Map([
          ['bob', START + 5],
          ['dave', START],
        ]),
      );
    } finally {
      await tm.close();
      await proxy.close();
    }
  });
});
