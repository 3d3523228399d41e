// XA two-phase commit (src/transactions/xa) with a PARTICIPANT SIGKILLed: bank b's PostgreSQL
// postmaster — its own server, killed by the pid we started — dies before prepare, after
// prepare, or between the two COMMIT PREPAREDs (issue 18's steps; the manager's own kills are
// in test/transactions-xa.test.ts). The manager reports a typed error naming the transaction
// (aborted before the decision, in doubt after it); the server is started again on its data
// directory (crash recovery: a prepared transaction survives it) and the manager's recovery
// finishes the rest. Afterwards every transfer is all-or-nothing, the balances sum to the
// starting total, no prepared transaction is left in pg_prepared_xacts, the decision log is
// empty, and the manager goes on working.
//
// Fault model: SIGKILL of a real postmaster; its backends notice and exit on their own (we wait
// for the branch's backend to be gone before going on, so the step is deterministic).

import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { until } from '../src/runtime/testing/wait.js';
import { type InDoubtError, TransactionAbortedError } from '../src/transactions/errors.js';
import { openAccounts } from '../src/transactions/examples/bank-transfer.js';
import { type XaStep, XaTransactionManager } from '../src/transactions/xa/manager.js';
import type { PostgresServer } from './support/postgres.js';
import {
  balances,
  createDatabases,
  preparedGids,
  startTxnPostgres,
  sum,
  withClient,
} from './support/txn-databases.js';

const START = 1_000;
const AMOUNT = 10;

let servers: [PostgresServer, PostgresServer];
let scratch: string;
beforeAll(async () => {
  servers = (await Promise.all([startTxnPostgres(), startTxnPostgres()])) as [
    PostgresServer,
    PostgresServer,
  ];
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-xa-participant-'));
}, 60_000);
afterAll(async () => {
  await Promise.all((servers ?? []).map((s) => s?.close()));
  if (scratch !== undefined) fs.rmSync(scratch, { recursive: true, force: true });
});

/** Gone, or a zombie nobody reaps: either way it holds no connection and no shared memory. */
function processGone(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return true;
  }
}

/** SIGKILLs the postmaster (by the pid we started) and waits for `backend` to be gone too. */
async function killPostmaster(server: PostgresServer, backend: number): Promise<void> {
  const pid = server.pid;
  if (pid === undefined) throw new Error('the participant is not running');
  process.kill(pid, 'SIGKILL');
  await until(() => processGone(pid) && processGone(backend), 'the postmaster and its backend');
}

/**
 * Starts the killed server again on its data directory (crash recovery). The first attempts
 * may find the old shared memory still attached by a backend that has not noticed yet.
 */
async function restart(server: PostgresServer): Promise<void> {
  await until(async () => {
    await server.stop(); // Forgets the dead postmaster (it has exited).
    return server.startAgain().then(
      () => true,
      () => false,
    );
  }, 'the participant to start again');
}

async function bank(server: PostgresServer, accounts: string[]): Promise<pg.ClientConfig> {
  const [db] = (await createDatabases(server, 'bank', 1)) as [pg.ClientConfig];
  await withClient(db, (c) => openAccounts(c, accounts, START));
  return db;
}

const cases: [XaStep, 'aborted' | 'in-doubt'][] = [
  ['before-prepare', 'aborted'],
  ['after-prepare', 'in-doubt'],
  ['between-commits', 'in-doubt'],
];

describe('XA with a participant PostgreSQL SIGKILLed', () => {
  it.each(cases)(
    'participant b killed %s: typed error, then restart and recovery: all-or-nothing',
    async (step, expected) => {
      const [a, b] = [await bank(servers[0], ['alice']), await bank(servers[1], ['bob'])];
      let backendOfB = 0;
      let armed = false;
      const tm = await XaTransactionManager.open({
        tmId: `tm-${step}`,
        logDir: path.join(scratch, step),
        participants: { a, b },
        timeoutMs: 2_000,
        retry: { attempts: 3, baseDelayMs: 10, maxDelayMs: 50 },
        hooks: {
          async at(at) {
            if (at !== step || !armed) return;
            armed = false;
            await killPostmaster(servers[1], backendOfB);
          },
        },
      });
      const move = (opts: { kill: boolean }) => {
        armed = opts.kill;
        return tm.transaction(async (txn) => {
          await txn.query('a', 'UPDATE accounts SET balance = balance - $1 WHERE id = $2', [
            AMOUNT,
            'alice',
          ]);
          const r = await txn.query<{ pid: number }>(
            'b',
            'UPDATE accounts SET balance = balance + $1 WHERE id = $2 RETURNING pg_backend_pid() AS pid',
            [AMOUNT, 'bob'],
          );
          backendOfB = r.rows[0]?.pid ?? 0;
        });
      };
      try {
        await move({ kill: false });
        const error = (await move({ kill: true }).catch((e: unknown) => e)) as Error;
        expect(error).toMatchObject({ code: expected });
        const { txnId } = error as TransactionAbortedError;
        expect(txnId).toMatch(/^[0-9a-f-]{36}$/);
        expect(error.message).toContain(txnId);
        if (expected === 'in-doubt') {
          expect((error as InDoubtError).decision).toBe('commit');
          expect((error as InDoubtError).pending).toEqual(['b']);
          expect(tm.decision(txnId)).toEqual({ decision: 'commit', participants: ['a', 'b'] });
        } else expect(error).toBeInstanceOf(TransactionAbortedError);

        await restart(servers[1]);
        // The prepared branch survived the crash exactly when the decision was commit.
        const left = await preparedGids(b);
        expect(left).toEqual(expected === 'in-doubt' ? [tm.gid(txnId, 'b')] : []);
        const report = await tm.recover();
        expect(report.errors).toEqual([]);
        expect(report.committed).toEqual(left);

        const done = expected === 'in-doubt' ? 2 : 1;
        const [ba, bb] = [await balances(a), await balances(b)];
        expect(ba.get('alice')).toBe(START - AMOUNT * done);
        expect(bb.get('bob')).toBe(START + AMOUNT * done);
        expect(sum(ba) + sum(bb)).toBe(2 * START);
        expect([...(await preparedGids(a)), ...(await preparedGids(b))]).toEqual([]);
        expect(tm.log.keys('xa/')).toEqual([]);
        // The manager goes on working against the restarted participant.
        await move({ kill: false });
        expect((await balances(b)).get('bob')).toBe(START + AMOUNT * (done + 1));
      } finally {
        await tm.close();
      }
    },
    60_000,
  );
});
