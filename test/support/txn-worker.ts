// The crash tests' transaction manager process (test/transactions-xa.test.ts): a separate
// Node process that runs bank transfers through a real XaTransactionManager and SIGKILLs
// itself at a chosen step of a chosen transaction — a deterministic crash point, not a timed
// one. Run with tsx:  node --import tsx test/support/txn-worker.ts '<XaJob as JSON>'
// Prints {"event":"done"} when every transfer finished (none crashed it).
//
// Fault model: none of its own; any error is printed on stderr and exits with status 1.

import type { Transfer } from '../../src/transactions/examples/bank-transfer.js';
import { transfer } from '../../src/transactions/examples/bank-transfer.js';
import type { PgConnection } from '../../src/transactions/pg-participant.js';
import { type XaStep, XaTransactionManager } from '../../src/transactions/xa/manager.js';

export interface XaJob {
  readonly tmId: string;
  readonly logDir: string;
  readonly participants: Record<string, PgConnection>;
  readonly transfers: readonly Transfer[];
  /** Transfers in flight at once. */
  readonly concurrency: number;
  /** Die at `step` of the `nth` (0-based) transaction to reach it. */
  readonly crashAt?: { readonly step: XaStep; readonly nth: number };
}

async function main(job: XaJob): Promise<void> {
  let reached = 0;
  const tm = await XaTransactionManager.open({
    tmId: job.tmId,
    logDir: job.logDir,
    participants: job.participants,
    hooks: {
      at(step) {
        if (step !== job.crashAt?.step) return;
        if (reached++ === job.crashAt.nth) process.kill(process.pid, 'SIGKILL');
      },
    },
  });
  let next = 0;
  await Promise.all(
    Array.from({ length: job.concurrency }, async () => {
      while (next < job.transfers.length) {
        const t = job.transfers[next++] as Transfer;
        await transfer(tm, t);
      }
    }),
  );
  await tm.close();
  process.stdout.write(`${JSON.stringify({ event: 'done' })}\n`);
}

main(JSON.parse(process.argv[2] ?? '{}') as XaJob).then(
  () => process.exit(0),
  (e: unknown) => {
    process.stderr.write(`txn-worker: ${e instanceof Error ? (e.stack ?? e.message) : e}\n`);
    process.exit(1);
  },
);
