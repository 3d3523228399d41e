// The crash tests' coordinator process (test/transactions-*.test.ts): a separate Node process
// that runs bank transfers through a real XaTransactionManager or TccCoordinator (or orders
// through the order saga's SagaOrchestrator) and SIGKILLs
// itself at a chosen step of a chosen transaction — a deterministic crash point, not a timed
// one. Run with tsx:  node --import tsx test/support/txn-worker.ts '<Job as JSON>'
// Prints {"event":"done"} when every transfer finished (none crashed it).
//
// Fault model: none of its own; any error is printed on stderr and exits with status 1.

import type { Transfer } from '../../src/transactions/examples/bank-transfer.js';
import { transfer } from '../../src/transactions/examples/bank-transfer.js';
import { type OrderInput, orderSaga } from '../../src/transactions/examples/order-saga.js';
import { accountBusiness } from '../../src/transactions/examples/tcc-transfer.js';
import type { PgConnection } from '../../src/transactions/pg-participant.js';
import { type SagaHookStep, SagaOrchestrator } from '../../src/transactions/saga/orchestrator.js';
import { PgSagaEffects } from '../../src/transactions/saga/pg-effects.js';
import { TccCoordinator, type TccStep } from '../../src/transactions/tcc/coordinator.js';
import { PgTccParticipant } from '../../src/transactions/tcc/participant.js';
import { type XaStep, XaTransactionManager } from '../../src/transactions/xa/manager.js';

export interface XaJob {
  readonly kind: 'xa';
  readonly tmId: string;
  readonly logDir: string;
  readonly participants: Record<string, PgConnection>;
  readonly transfers: readonly Transfer[];
  /** Transfers in flight at once. */
  readonly concurrency: number;
  /** Die at `step` of the `nth` (0-based) transaction to reach it. */
  readonly crashAt?: { readonly step: XaStep; readonly nth: number };
  /** XA only: the participant committed last, without PREPARE (xa/last-resource.ts). */
  readonly lastResource?: string;
}

/** The same transfers through TCC: resources named like the banks (participants). */
export interface TccJob extends Omit<XaJob, 'kind' | 'crashAt'> {
  readonly kind: 'tcc';
  readonly crashAt?: { readonly step: TccStep; readonly nth: number };
}

/** Orders through the order saga; the crash comes at `point` of step `step`. */
export interface SagaJob {
  readonly kind: 'saga';
  readonly tmId: string;
  readonly logDir: string;
  readonly services: Record<'orders' | 'payments' | 'inventory', PgConnection>;
  readonly orders: readonly OrderInput[];
  readonly concurrency: number;
  readonly crashAt?: { readonly step: SagaHookStep; readonly name: string; readonly nth: number };
}

export type Job = XaJob | TccJob | SagaJob;

async function runSagas(job: SagaJob): Promise<void> {
  const open = (name: 'orders' | 'payments' | 'inventory') =>
    PgSagaEffects.open(name, job.services[name]);
  const services = {
    orders: await open('orders'),
    payments: await open('payments'),
    inventory: await open('inventory'),
  };
  let reached = 0;
  const sagas = await SagaOrchestrator.open({
    orchestratorId: job.tmId,
    logDir: job.logDir,
    sagas: [orderSaga(services)],
    hooks: {
      at(point, _sagaId, step) {
        if (point !== job.crashAt?.step || step !== job.crashAt.name) return;
        if (reached++ === job.crashAt.nth) process.kill(process.pid, 'SIGKILL');
      },
    },
  });
  let next = 0;
  await Promise.all(
    Array.from({ length: job.concurrency }, async () => {
      while (next < job.orders.length) {
        const order = job.orders[next++] as OrderInput;
        await sagas.start('order', order, { sagaId: order.orderId }).catch(() => {}); // Refusals.
      }
    }),
  );
  await sagas.close();
  await Promise.all(Object.values(services).map((s) => s.close()));
}

/** A hook that SIGKILLs this process at the `nth` arrival at `crashAt.step`. */
function crasher(crashAt: { step: string; nth: number } | undefined) {
  let reached = 0;
  return {
    at(step: string) {
      if (step !== crashAt?.step) return;
      if (reached++ === crashAt.nth) process.kill(process.pid, 'SIGKILL');
    },
  };
}

async function runAll(job: XaJob | TccJob, one: (t: Transfer) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: job.concurrency }, async () => {
      while (next < job.transfers.length) await one(job.transfers[next++] as Transfer);
    }),
  );
}

async function main(job: Job): Promise<void> {
  if (job.kind === 'saga') await runSagas(job);
  else if (job.kind === 'xa') {
    const tm = await XaTransactionManager.open({ ...job, hooks: crasher(job.crashAt) });
    await runAll(job, (t) => transfer(tm, t));
    await tm.close();
  } else {
    const resources = await Promise.all(
      Object.entries(job.participants).map(([name, connection]) =>
        PgTccParticipant.open({ name, connection, business: accountBusiness }),
      ),
    );
    const tcc = await TccCoordinator.open({
      coordinatorId: job.tmId,
      logDir: job.logDir,
      resources,
      hooks: crasher(job.crashAt),
    });
    await runAll(job, (t) =>
      tcc.run([
        { resource: t.from.bank, args: { account: t.from.account, delta: -t.amount } },
        { resource: t.to.bank, args: { account: t.to.account, delta: t.amount } },
      ]),
    );
    await tcc.close();
    await Promise.all(resources.map((r) => r.close()));
  }
  process.stdout.write(`${JSON.stringify({ event: 'done' })}\n`);
}

main(JSON.parse(process.argv[2] ?? '{}') as Job).then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`txn-worker: ${e instanceof Error ? (e.stack ?? e.message) : e}\n`);
    process.exit(1);
  },
);
