// The bank transfer again, as TCC (Try-Confirm-Cancel) instead of XA: no prepared
// transactions and no locks held between the phases — each phase is a short local
// transaction, and the money in flight is visible as reserved amounts. An account's Try
// moves a debit into `frozen` (refused if the balance would go negative) or notes a credit
// as `incoming`; Confirm makes the move final; Cancel puts it back. Between Try and
// Confirm the money is in neither spendable balance: that is TCC's isolation.
//
// Fault model: as the TCC framework's (tcc/participant.ts, tcc/coordinator.ts). Args are
// validated: an account id and a non-zero integer number of cents.

import type pg from 'pg';
import type { TccBusiness } from '../tcc/participant.js';

/** One bank's accounts for TCC: spendable balance, frozen debits, incoming credits. */
export const TCC_ACCOUNTS_SCHEMA =
  'CREATE TABLE IF NOT EXISTS tcc_accounts (id text PRIMARY KEY, ' +
  'balance bigint NOT NULL CHECK (balance >= 0), frozen bigint NOT NULL DEFAULT 0, ' +
  'incoming bigint NOT NULL DEFAULT 0)';

export interface AccountChange {
  readonly account: string;
  /** Cents: negative debits the account, positive credits it. */
  readonly delta: number;
}

export class InsufficientBalance extends Error {
  constructor(readonly account: string) {
    super(`account ${account} has too little money or does not exist`);
    this.name = 'InsufficientBalance';
  }
}

async function update(client: pg.ClientBase, sql: string, change: AccountChange): Promise<void> {
  const amount = Math.abs(change.delta);
  const result = await client.query(`UPDATE tcc_accounts SET ${sql} WHERE id = $2`, [
    amount,
    change.account,
  ]);
  if (result.rowCount !== 1) throw new InsufficientBalance(change.account);
}

export const accountBusiness: TccBusiness<AccountChange> = {
  parseArgs(args) {
    const a = args as Partial<AccountChange> | null;
    if (typeof a?.account !== 'string' || a.account.length === 0 || a.account.length > 100)
      throw new TypeError('account must be a non-empty string');
    if (!Number.isSafeInteger(a.delta) || a.delta === 0)
      throw new TypeError('delta must be a non-zero integer');
    return { account: a.account, delta: a.delta as number };
  },
  async try(client, change) {
    if (change.delta > 0) return update(client, 'incoming = incoming + $1', change);
    const amount = -change.delta;
    const result = await client.query(
      'UPDATE tcc_accounts SET balance = balance - $1, frozen = frozen + $1 WHERE id = $2 AND balance >= $1',
      [amount, change.account],
    );
    if (result.rowCount !== 1) throw new InsufficientBalance(change.account);
  },
  async confirm(client, change) {
    if (change.delta > 0)
      return update(client, 'balance = balance + $1, incoming = incoming - $1', change);
    return update(client, 'frozen = frozen - $1', change);
  },
  async cancel(client, change) {
    if (change.delta > 0) return update(client, 'incoming = incoming - $1', change);
    return update(client, 'balance = balance + $1, frozen = frozen - $1', change);
  },
};

export async function openTccAccounts(
  client: pg.ClientBase,
  accounts: readonly string[],
  balance: number,
): Promise<void> {
  await client.query(TCC_ACCOUNTS_SCHEMA);
  await client.query(
    'INSERT INTO tcc_accounts (id, balance) SELECT unnest($1::text[]), $2 ON CONFLICT (id) DO NOTHING',
    [accounts, balance],
  );
}
