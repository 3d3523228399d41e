// The four ways `cohort bench txn` moves money (bench/txn.ts), each reduced to one call —
// `transfer(w)`: move 1 cent from worker w's account in bank a to its account in bank b —
// over cohort/transactions on two real PostgreSQL servers (bank a on server a, bank b on b):
// - local: ONE local PostgreSQL transaction in bank a holding both accounts (the limit: what
//   the transfer costs when no distribution is needed). It runs the same `transfer()` as XA
//   (examples/bank-transfer.ts), through an adapter that maps both banks to one transaction;
// - xa: XaTransactionManager, two-phase commit across the two servers (examples/bank-transfer.ts);
// - xa-lr: the same with bank b as the last resource (xa/last-resource.ts): a is prepared, b's
//   plain COMMIT is the decision, then a's COMMIT PREPARED — no log write of the manager's;
// - xa-1srv, xa-lr-1srv: xa and xa-lr with bank b a second database of server a (the issue's
//   "two databases"): both branches share one WAL, so one fsync can cover both PREPAREs (or
//   both COMMIT PREPAREDs), and only one server's processes work;
// - tcc: TccCoordinator over two PgTccParticipants (examples/tcc-transfer.ts's accounts);
// - saga: SagaOrchestrator, debit in a then credit in b, each a PgSagaEffects local
//   transaction (compensation: refund the debit).
// Each call resolves with how long the transfer held row locks: from its first UPDATE to the
// answer of the COMMIT that releases them (XA: the last COMMIT PREPARED; XA's figure also
// holds its first branch's BEGIN, one loopback round trip, as the manager opens a branch
// inside the first statement). TCC and sagas lock rows only inside each local transaction:
// their figure is the longest of those (TCC's logical hold, the frozen amount, lasts longer).
// No two workers share an account, so no transfer waits for another's locks.
//
// Fault model: a failed transfer rejects (bench/server-loop.ts counts it); `audit` checks
// afterwards that no money was created or lost and nothing was left prepared or frozen.

import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type pg from 'pg';
import { openAccounts, transfer } from '../src/transactions/examples/bank-transfer.js';
import { accountBusiness, openTccAccounts } from '../src/transactions/examples/tcc-transfer.js';
import { PgParticipant } from '../src/transactions/pg-participant.js';
import { type SagaDefinition, SagaOrchestrator } from '../src/transactions/saga/orchestrator.js';
import { PgSagaEffects } from '../src/transactions/saga/pg-effects.js';
import { TccCoordinator } from '../src/transactions/tcc/coordinator.js';
import {
  PgTccParticipant,
  type TccBusiness,
  type TccResource,
} from '../src/transactions/tcc/participant.js';
import { XaTransactionManager } from '../src/transactions/xa/manager.js';

export const PROTOCOLS = ['local', 'xa', 'xa-lr', 'xa-1srv', 'xa-lr-1srv', 'tcc', 'saga'] as const;
export type ProtocolName = (typeof PROTOCOLS)[number];
export type ServerName = 'a' | 'b';
/** The XA variants: two servers or one, a decision log or a last resource. */
export const XA_PROTOCOLS = ['xa', 'xa-lr', 'xa-1srv', 'xa-lr-1srv'] as const;
export type XaProtocolName = (typeof XA_PROTOCOLS)[number];
const isXa = (name: ProtocolName): name is XaProtocolName =>
  (XA_PROTOCOLS as readonly string[]).includes(name);
/** Bank b on server a (a second database of it), not on server b. */
const oneServer = (name: XaProtocolName) => name.endsWith('-1srv');

/** Pools (each up to `workers` connections) a protocol holds on each server. */
export function poolsOn(name: ProtocolName): Readonly<Record<ServerName, number>> {
  if (name === 'local') return { a: 1, b: 0 };
  return isXa(name) && oneServer(name) ? { a: 2, b: 0 } : { a: 1, b: 1 };
}

/** Every account starts with this many cents (never runs out). */
export const START_CENTS = 1_000_000_000_000;

export interface ProtocolContext {
  readonly banks: Readonly<Record<ServerName, pg.ClientConfig>>;
  /** Bank b as a second database of server a (the one-server XA variants). */
  readonly bankBOnA: pg.ClientConfig;
  /** Where coordinator logs go (one directory per protocol). */
  readonly scratch: string;
  /** Workers (= accounts per bank and protocol). */
  readonly workers: number;
  readonly poolSize: number;
}

export interface Protocol {
  readonly name: ProtocolName;
  /** One transfer by worker `w`; resolves with its lock hold time in ms. */
  transfer(w: number): Promise<number>;
  /** Every pool it holds, by server (the benchmark flushes their statistics). */
  readonly pools: readonly { readonly server: ServerName; readonly pool: pg.Pool }[];
  /** fsyncs of its coordinator log so far (local: none). */
  logFsyncs(): number;
  /** What is wrong with the money afterwards (undefined: nothing). */
  audit(): Promise<string | undefined>;
  close(): Promise<void>;
}

const account = (protocol: ProtocolName, w: number) => `${protocol}-${w}`;
const accounts = (protocol: ProtocolName, workers: number) =>
  Array.from({ length: workers }, (_, w) => account(protocol, w));

export function openProtocol(name: ProtocolName, ctx: ProtocolContext): Promise<Protocol> {
  if (isXa(name)) return openXa(ctx, name);
  const open = { local: openLocal, tcc: openTcc, saga: openSaga }[name];
  return open(ctx);
}

/** `transfer()` with its body timed: from the body's start to the commit's answer. */
async function timedTransfer(
  tm: Pick<XaTransactionManager, 'transaction'>,
  from: { bank: ServerName; account: string },
  to: { bank: ServerName; account: string },
): Promise<number> {
  let started = Number.NaN;
  await transfer(
    {
      transaction: (body, options) =>
        tm.transaction((txn) => {
          started = performance.now();
          return body(txn);
        }, options),
    },
    { from, to, amount: 1 },
  );
  return performance.now() - started;
}

/** The first row's columns of `sql` (sums over the accounts `ids`) as numbers. */
async function sums(db: PgParticipant, sql: string, ids: readonly string[]): Promise<number[]> {
  const result = await db.once('audit', sql, ids.length > 0 ? [ids] : []);
  return Object.values(result.rows[0] ?? {}).map((v) => Number(v ?? 0));
}

const SUM_BALANCES = 'SELECT sum(balance) AS total FROM accounts WHERE id = ANY($1)';

/** Money in both banks' `accounts` rows of `protocol` against what they started with. */
async function auditAccounts(
  protocol: ProtocolName,
  workers: number,
  dbs: readonly PgParticipant[],
  ids: readonly string[],
): Promise<string | undefined> {
  const totals = await Promise.all(dbs.map((db) => sums(db, SUM_BALANCES, ids)));
  const sum = totals.reduce((x, [y = 0]) => x + y, 0);
  const expected = 2 * workers * START_CENTS;
  return sum === expected ? undefined : `${protocol}: ${sum} cents in all, expected ${expected}`;
}

async function openLocal(ctx: ProtocolContext): Promise<Protocol> {
  const db = new PgParticipant('local', ctx.banks.a, { poolSize: ctx.poolSize });
  // Both "banks" are rows of one database: account ids say which side they are.
  const ids = [
    ...accounts('local', ctx.workers).map((id) => `${id}-a`),
    ...accounts('local', ctx.workers).map((id) => `${id}-b`),
  ];
  await db.local('setup', (client) => openAccounts(client, ids, START_CENTS));
  let next = 0;
  const local: Pick<XaTransactionManager, 'transaction'> = {
    async transaction(body, options) {
      const txnId = options?.txnId ?? `local-${next++}`;
      const value = await db.local(txnId, (client) =>
        body({
          txnId,
          query: async (_bank, sql, params = []) => {
            const result = await db.run(txnId, client, sql, params);
            return { rows: result.rows, rowCount: result.rowCount };
          },
        }),
      );
      return { txnId, value };
    },
  };
  return {
    name: 'local',
    transfer: (w) =>
      timedTransfer(
        local,
        { bank: 'a', account: `${account('local', w)}-a` },
        { bank: 'b', account: `${account('local', w)}-b` },
      ),
    pools: [{ server: 'a', pool: db.pool }],
    logFsyncs: () => 0,
    audit: () => auditAccounts('local', ctx.workers, [db], ids),
    close: () => db.close(),
  };
}

async function openXa(ctx: ProtocolContext, name: XaProtocolName): Promise<Protocol> {
  const ids = accounts(name, ctx.workers);
  const bankB = oneServer(name) ? ctx.bankBOnA : ctx.banks.b;
  for (const bank of [ctx.banks.a, bankB]) {
    const setup = new PgParticipant('setup', bank);
    await setup.local('setup', (client) => openAccounts(client, ids, START_CENTS));
    await setup.close();
  }
  const tm = await XaTransactionManager.open({
    tmId: `bench-${name}`,
    logDir: path.join(ctx.scratch, `${name}-log`),
    participants: { a: ctx.banks.a, b: bankB },
    poolSize: ctx.poolSize,
    ...(name.startsWith('xa-lr') && { lastResource: 'b' }),
  });
  const dbs = (['a', 'b'] as const).map((s) => tm.participants.get(s) as PgParticipant);
  return {
    name,
    transfer: (w) =>
      timedTransfer(
        tm,
        { bank: 'a', account: account(name, w) },
        { bank: 'b', account: account(name, w) },
      ),
    pools: dbs.map((db, i) => ({ server: i === 0 || oneServer(name) ? 'a' : 'b', pool: db.pool })),
    logFsyncs: () => tm.log.fsyncs,
    audit: async () => {
      const money = await auditAccounts(name, ctx.workers, dbs, ids);
      // pg_prepared_xacts lists the whole server's: each database counts its own.
      const sql = 'SELECT count(*) FROM pg_prepared_xacts WHERE database = current_database()';
      const prepared = await Promise.all(dbs.map((db) => sums(db, sql, [])));
      const left = prepared.reduce((x, [y = 0]) => x + y, 0);
      return money ?? (left > 0 ? `${name}: ${left} transactions left prepared` : undefined);
    },
    close: () => tm.close(),
  };
}

/** Lock hold times of TCC branches: a phase's local transaction, business UPDATE → COMMIT. */
class BranchTimes {
  private readonly started = new Map<string, number>();
  private readonly longest = new Map<string, number>();

  /** The business side, timing the start of each try and confirm. */
  business<A>(inner: TccBusiness<A>): TccBusiness<A> {
    const mark = (txnId: string, branch: string) =>
      this.started.set(`${txnId}/${branch}`, performance.now());
    return {
      parseArgs: (args) => inner.parseArgs(args),
      try: (client, args, ref) => {
        mark(ref.txnId, ref.branch);
        return inner.try(client, args, ref);
      },
      confirm: (client, args, ref) => {
        mark(ref.txnId, ref.branch);
        return inner.confirm(client, args, ref);
      },
      cancel: (client, args, ref) => inner.cancel(client, args, ref),
    };
  }

  /** The resource, noting each try's and confirm's hold once its commit has answered. */
  resource(inner: TccResource): TccResource {
    const done = (txnId: string, branch: string) => {
      const t = this.started.get(`${txnId}/${branch}`);
      this.started.delete(`${txnId}/${branch}`);
      if (t !== undefined)
        this.longest.set(txnId, Math.max(this.longest.get(txnId) ?? 0, performance.now() - t));
    };
    return {
      name: inner.name,
      try: async (txnId, branch, args, signal) => {
        await inner.try(txnId, branch, args, signal);
        done(txnId, branch);
      },
      confirm: async (txnId, branch, signal) => {
        await inner.confirm(txnId, branch, signal);
        done(txnId, branch);
      },
      cancel: (txnId, branch, signal) => inner.cancel(txnId, branch, signal),
    };
  }

  /** The longest hold of `txnId`'s branches (forgotten then). */
  take(txnId: string): number {
    const ms = this.longest.get(txnId) ?? Number.NaN;
    this.longest.delete(txnId);
    return ms;
  }
}

async function openTcc(ctx: ProtocolContext): Promise<Protocol> {
  const ids = accounts('tcc', ctx.workers);
  const times = new BranchTimes();
  const business = times.business(accountBusiness);
  const participants = await Promise.all(
    (['a', 'b'] as const).map((name) =>
      PgTccParticipant.open({
        name,
        connection: ctx.banks[name],
        business,
        poolSize: ctx.poolSize,
      }),
    ),
  );
  for (const p of participants)
    await p.db.local('setup', (c) => openTccAccounts(c, ids, START_CENTS));
  const tcc = await TccCoordinator.open({
    coordinatorId: 'bench',
    logDir: path.join(ctx.scratch, 'tcc-log'),
    resources: participants.map((p) => times.resource(p)),
  });
  let next = 0;
  return {
    name: 'tcc',
    async transfer(w) {
      const txnId = `tcc-${next++}`;
      await tcc.run(
        [
          { resource: 'a', args: { account: account('tcc', w), delta: -1 } },
          { resource: 'b', args: { account: account('tcc', w), delta: 1 } },
        ],
        { txnId },
      );
      return times.take(txnId);
    },
    pools: participants.map((p) => ({ server: p.name as ServerName, pool: p.db.pool })),
    logFsyncs: () => tcc.log.fsyncs,
    audit: async () => {
      // Conserved once every transfer is confirmed: nothing frozen or incoming is left.
      const sql =
        'SELECT sum(balance), sum(frozen) + sum(incoming) FROM tcc_accounts WHERE id = ANY($1)';
      const rows = await Promise.all(participants.map((p) => sums(p.db, sql, ids)));
      const sum = rows.reduce((x, [y = 0]) => x + y, 0);
      const pending = rows.reduce((x, [, y = 0]) => x + y, 0);
      const expected = 2 * ctx.workers * START_CENTS;
      if (pending !== 0) return `tcc: ${pending} cents still frozen or incoming`;
      return sum === expected ? undefined : `tcc: ${sum} cents in all, expected ${expected}`;
    },
    async close() {
      await tcc.close();
      await Promise.all(participants.map((p) => p.close()));
    },
  };
}

interface SagaTransfer {
  readonly account: string;
}

/** The saga: debit a, credit b; each step's hold is its effect's UPDATE → local COMMIT. */
function transferSaga(
  banks: Readonly<Record<ServerName, PgSagaEffects>>,
  longest: Map<string, number>,
): SagaDefinition<SagaTransfer> {
  const update = 'UPDATE accounts SET balance = balance + $1 WHERE id = $2 AND balance + $1 >= 0';
  const change = (bank: ServerName, step: string, delta: number) => {
    return async (sagaId: string, id: string): Promise<void> => {
      let started = Number.NaN;
      await banks[bank].action(sagaId, step, async (client) => {
        started = performance.now();
        const result = await client.query(update, [delta, id]);
        if (result.rowCount !== 1) throw new Error(`account ${bank}/${id}: too little money`);
      });
      longest.set(sagaId, Math.max(longest.get(sagaId) ?? 0, performance.now() - started));
    };
  };
  const debit = change('a', 'debit', -1);
  const credit = change('b', 'credit', 1);
  return {
    name: 'transfer',
    parseInput: (input) => {
      const account = (input as Partial<SagaTransfer> | null)?.account;
      if (typeof account !== 'string' || account.length === 0) throw new TypeError('account');
      return { account };
    },
    steps: [
      {
        name: 'debit',
        action: ({ sagaId, input }) => debit(sagaId, input.account),
        compensate: ({ sagaId, input }) =>
          banks.a.compensation(sagaId, 'debit', async (client) => {
            await client.query(update, [1, input.account]);
          }),
      },
      { name: 'credit', action: ({ sagaId, input }) => credit(sagaId, input.account) },
    ],
  };
}

async function openSaga(ctx: ProtocolContext): Promise<Protocol> {
  const ids = accounts('saga', ctx.workers);
  const effects = await Promise.all(
    (['a', 'b'] as const).map((name) =>
      PgSagaEffects.open(name, ctx.banks[name], { poolSize: ctx.poolSize }),
    ),
  );
  const [a, b] = effects as [PgSagaEffects, PgSagaEffects];
  for (const e of effects) await e.db.local('setup', (c) => openAccounts(c, ids, START_CENTS));
  const longest = new Map<string, number>();
  const sagas = await SagaOrchestrator.open({
    orchestratorId: 'bench',
    logDir: path.join(ctx.scratch, 'saga-log'),
    sagas: [transferSaga({ a, b }, longest)],
  });
  let next = 0;
  return {
    name: 'saga',
    async transfer(w) {
      const sagaId = `saga-${next++}`;
      await sagas.start('transfer', { account: account('saga', w) }, { sagaId });
      const ms = longest.get(sagaId) ?? Number.NaN;
      longest.delete(sagaId);
      return ms;
    },
    pools: [
      { server: 'a', pool: a.db.pool },
      { server: 'b', pool: b.db.pool },
    ],
    logFsyncs: () => sagas.log.fsyncs,
    audit: () => auditAccounts('saga', ctx.workers, [a.db, b.db], ids),
    async close() {
      await sagas.close();
      await Promise.all(effects.map((e) => e.close()));
    },
  };
}
