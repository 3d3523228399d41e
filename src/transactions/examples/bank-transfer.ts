// The seed notes' example for XA: a bank transfer between accounts kept in two different
// PostgreSQL databases ("banks"), debit and credit in one distributed transaction, so money
// is never created or lost whatever crashes. The two statements run in a fixed order (by bank
// name): two transfers in opposite directions would otherwise each lock an account in one
// bank and wait for the other's account in the other bank — a distributed deadlock that no
// single database can see (the statement timeout would break it, at the cost of an abort).
//
// Fault model: as the transaction manager's (xa/manager.ts). A debit that would overdraw the
// account rolls the whole transfer back (TransactionAbortedError, cause InsufficientFunds).

import type pg from 'pg';
import type { XaTransactionManager } from '../xa/manager.js';

/** The accounts table in each bank; balances in cents, never negative. */
export const ACCOUNTS_SCHEMA =
  'CREATE TABLE IF NOT EXISTS accounts (id text PRIMARY KEY, ' +
  'balance bigint NOT NULL CHECK (balance >= 0))';

export interface AccountRef {
  /** The participant (database) name in the transaction manager. */
  readonly bank: string;
  readonly account: string;
}

export class InsufficientFunds extends Error {
  constructor(readonly account: AccountRef) {
    super(`account ${account.bank}/${account.account} has too little money or does not exist`);
    this.name = 'InsufficientFunds';
  }
}

export interface Transfer {
  readonly from: AccountRef;
  readonly to: AccountRef;
  /** Cents, > 0. */
  readonly amount: number;
}

/**
 * Moves `amount` from one account to another, all-or-nothing; resolves with the txn id. Only
 * `transaction` is used (so a caller may wrap it: the benchmark times the body).
 */
export async function transfer(
  tm: Pick<XaTransactionManager, 'transaction'>,
  t: Transfer,
): Promise<string> {
  if (!Number.isSafeInteger(t.amount) || t.amount <= 0)
    throw new RangeError(`amount must be a positive integer number of cents (${t.amount})`);
  const legs = [
    { ref: t.from, delta: -t.amount },
    { ref: t.to, delta: t.amount },
  ].sort((x, y) => (x.ref.bank < y.ref.bank ? -1 : x.ref.bank > y.ref.bank ? 1 : 0));
  const { txnId } = await tm.transaction(async (txn) => {
    for (const leg of legs) {
      const result = await txn.query(
        leg.ref.bank,
        'UPDATE accounts SET balance = balance + $1 WHERE id = $2 AND balance + $1 >= 0',
        [leg.delta, leg.ref.account],
      );
      if (result.rowCount !== 1) throw new InsufficientFunds(leg.ref);
    }
  });
  return txnId;
}

/** Creates the table in a bank and opens `accounts` with `balance` each. */
export async function openAccounts(
  client: pg.ClientBase,
  accounts: readonly string[],
  balance: number,
): Promise<void> {
  await client.query(ACCOUNTS_SCHEMA);
  await client.query(
    'INSERT INTO accounts (id, balance) SELECT unnest($1::text[]), $2 ON CONFLICT (id) DO NOTHING',
    [accounts, balance],
  );
}
