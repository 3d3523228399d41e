// The actor example (issue 20): a bank of account actors on worker processes, moving money
// only by messages — a transfer is a `withdraw` told to the payer, which tells the payee to
// `deposit`. Transfers are drawn from a seed with every balance large enough that none is
// refused, so the final balance of each account is known exactly (initial + received −
// paid) whatever order the messages run in; a run checks that, and conservation (the sum of
// balances, read by `ask`, equals the money the bank started with, less only deposits a
// policy dropped as dead letters). `crashAt` tells one account to crash between transfers
// (its supervisor restarts it); a hook may kill a node mid-run.

import { Prng } from '../../core/prng.js';
import type { SupervisorPolicy } from './protocol.js';
import { ActorSystem, ActorSystemError, type ActorSystemHooks, type DeadLetter } from './system.js';

export interface BankOptions {
  readonly workers: number;
  readonly accounts: number;
  readonly transfers: number;
  readonly seed?: number;
  /** Tell account 0 to crash after this many transfers have been sent. */
  readonly crashAt?: number;
  readonly policy?: Partial<SupervisorPolicy>;
  readonly journalDir?: string;
}

export interface BankResult {
  readonly balances: readonly number[];
  readonly expected: readonly number[];
  readonly total: number;
  readonly initialTotal: number;
  /** Money in deposits dropped as dead letters (lost by the `drop` mailbox policy). */
  readonly lostInDeadLetters: number;
  readonly conserved: boolean;
  readonly exact: boolean;
  readonly deadLetters: readonly DeadLetter[];
  readonly stats: ActorSystem['stats'];
  readonly elapsedMs: number;
}

const MAX_AMOUNT = 100;

interface Transfer {
  readonly from: number;
  readonly to: number;
  readonly amount: number;
}

function drawTransfers(o: BankOptions): Transfer[] {
  const rng = new Prng(o.seed ?? 1, 'bank');
  return Array.from({ length: o.transfers }, () => {
    const from = rng.int(o.accounts);
    const to = (from + rng.range(1, o.accounts - 1)) % o.accounts;
    return { from, to, amount: rng.range(1, MAX_AMOUNT) };
  });
}

const name = (i: number) => `account-${i}`;

export async function runBank(o: BankOptions, hooks: ActorSystemHooks = {}): Promise<BankResult> {
  if (!Number.isSafeInteger(o.accounts) || o.accounts < 2)
    throw new ActorSystemError(`--accounts must be an integer ≥ 2, got ${o.accounts}`);
  if (!Number.isSafeInteger(o.transfers) || o.transfers < 0)
    throw new ActorSystemError(`--transfers must be a non-negative integer, got ${o.transfers}`);
  const transfers = drawTransfers(o);
  // No balance can fall short: every account could pay every transfer.
  const initial = Math.max(1, o.transfers) * MAX_AMOUNT;
  const expected = Array.from({ length: o.accounts }, () => initial);
  for (const t of transfers) {
    expected[t.from] = (expected[t.from] as number) - t.amount;
    expected[t.to] = (expected[t.to] as number) + t.amount;
  }
  const actors = expected.map((_, i) => ({
    name: name(i),
    behaviour: 'account',
    args: { balance: initial },
  }));
  const started = performance.now();
  const system = new ActorSystem(
    {
      nodes: o.workers,
      actors,
      ...(o.policy && { policy: o.policy }),
      ...(o.journalDir !== undefined && { journalDir: o.journalDir }),
    },
    hooks,
  );
  try {
    transfers.forEach((t, i) => {
      if (i === o.crashAt) system.tell(name(0), { type: 'crash' });
      system.tell(name(t.from), { type: 'withdraw', amount: t.amount, to: name(t.to) });
    });
    await system.quiescent();
    const answers = await Promise.all(
      expected.map((_, i) => system.ask(name(i), { type: 'balance' })),
    );
    const balances = answers.map((a) => (a as { balance: number }).balance);
    const total = balances.reduce((s, b) => s + b, 0);
    const lost = system.deadLetters
      .map((d) => d.envelope.body as { type?: unknown; amount?: unknown })
      .filter((b) => b.type === 'deposit' && typeof b.amount === 'number')
      .reduce((s, b) => s + (b.amount as number), 0);
    const initialTotal = initial * o.accounts;
    return {
      balances,
      expected,
      total,
      initialTotal,
      lostInDeadLetters: lost,
      conserved: total + lost === initialTotal,
      exact: balances.every((b, i) => b === expected[i]),
      deadLetters: [...system.deadLetters],
      stats: { ...system.stats },
      elapsedMs: Math.round(performance.now() - started),
    };
  } finally {
    await system.shutdown();
  }
}
