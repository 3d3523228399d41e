// etcd's Txn as a builder: `client.txn().if(...compares).then(...ops).else(...ops).commit()`.
// Compares are ANDed; the `then` ops run when all hold, the `else` ops otherwise, all at one
// revision. `Compare.*` builds the guards (on a key's value, version, create or mod revision,
// or lease), `Op.*` the operations (get, put, delete, and a nested txn).
//
// A Txn made only of gets (at any depth) is a read and is retried on another endpoint like
// one; any write makes the whole Txn at-most-once (connection.ts).
//
// Fault model: none here beyond the connection's; etcd's limits (128 ops, a key written twice)
// are the server's to enforce and come back as EtcdError ('tooManyOps', 'duplicateKey').

import type { CallOptions, Connection } from './connection.js';
import {
  type DeleteOptions,
  deleteRequest,
  type GetOptions,
  type PutOptions,
  putRequest,
  type RangeOptions,
  rangeOf,
  rangeRequest,
  type TxnResult,
  txnResult,
} from './ops.js';
import { type BytesLike, type LeaseRef, leaseIdOf, long, toBytes, type Wire } from './values.js';

export type CompareOp = '=' | '!=' | '<' | '>';

const RESULTS = { '=': 'EQUAL', '!=': 'NOT_EQUAL', '<': 'LESS', '>': 'GREATER' } as const;

/** One guard, opaque to callers: build it with `Compare.*`. */
export interface TxnCompare {
  readonly wire: Wire;
}

/** One operation, opaque to callers: build it with `Op.*`. */
export interface TxnOp {
  readonly wire: Wire;
  /** False when the op (or a nested one) writes. */
  readonly readOnly: boolean;
}

function compare(
  key: BytesLike,
  op: CompareOp,
  target: 'VALUE' | 'VERSION' | 'CREATE' | 'MOD' | 'LEASE',
  field: Wire,
  range: RangeOptions,
): TxnCompare {
  const result = RESULTS[op];
  if (result === undefined) throw new RangeError(`Compare: unknown operator ${String(op)}`);
  return { wire: { ...rangeOf(key, range), result, target, ...field } };
}

/**
 * Txn guards. Each takes the key (or, with `{ prefix }` / `{ rangeEnd }`, a range: every key in
 * it must satisfy the guard), an operator and the operand. A missing key has version,
 * createRevision and modRevision 0, so `Compare.version(k, '=', 0)` means "k does not exist".
 */
export const Compare = {
  value: (key: BytesLike, op: CompareOp, value: BytesLike, range: RangeOptions = {}) =>
    compare(key, op, 'VALUE', { value: toBytes(value) }, range),
  version: (key: BytesLike, op: CompareOp, version: number, range: RangeOptions = {}) =>
    compare(key, op, 'VERSION', { version }, range),
  createRevision: (key: BytesLike, op: CompareOp, revision: number, range: RangeOptions = {}) =>
    compare(key, op, 'CREATE', { createRevision: revision }, range),
  modRevision: (key: BytesLike, op: CompareOp, revision: number, range: RangeOptions = {}) =>
    compare(key, op, 'MOD', { modRevision: revision }, range),
  /** The key's lease id (0n: no lease). */
  lease: (key: BytesLike, op: CompareOp, lease: LeaseRef, range: RangeOptions = {}) =>
    compare(key, op, 'LEASE', { lease: long(leaseIdOf(lease)) }, range),
} as const;

export const Op = {
  get: (key: BytesLike, options: GetOptions = {}): TxnOp => ({
    wire: { requestRange: rangeRequest(key, options) },
    readOnly: true,
  }),
  put: (key: BytesLike, value: BytesLike, options: PutOptions = {}): TxnOp => ({
    wire: { requestPut: putRequest(key, value, options) },
    readOnly: false,
  }),
  delete: (key: BytesLike, options: DeleteOptions = {}): TxnOp => ({
    wire: { requestDeleteRange: deleteRequest(key, options) },
    readOnly: false,
  }),
  /** A nested Txn (etcd ≥ 3.3); its writes share the outer Txn's revision. */
  txn: (
    compares: readonly TxnCompare[],
    success: readonly TxnOp[],
    failure: readonly TxnOp[] = [],
  ): TxnOp => ({
    wire: { requestTxn: txnRequest(compares, success, failure) },
    readOnly: [...success, ...failure].every((op) => op.readOnly),
  }),
} as const;

function txnRequest(
  compares: readonly TxnCompare[],
  success: readonly TxnOp[],
  failure: readonly TxnOp[],
): Wire {
  return {
    compare: compares.map((c) => c.wire),
    success: success.map((op) => op.wire),
    failure: failure.map((op) => op.wire),
  };
}

export class TxnBuilder {
  private readonly compares: TxnCompare[] = [];
  private readonly success: TxnOp[] = [];
  private readonly failure: TxnOp[] = [];

  constructor(private readonly connection: Connection) {}

  /** Adds guards (ANDed with those already given). */
  if(...compares: TxnCompare[]): this {
    this.compares.push(...compares);
    return this;
  }

  /** Adds operations run when every guard holds. */
  // biome-ignore lint/suspicious/noThenProperty: clientv3's If/Then/Else shape (as etcd3's); awaiting the builder by mistake is rejected below instead of hanging.
  then(...ops: TxnOp[]): this {
    if (ops.some((op) => typeof op === 'function'))
      throw new TypeError('a TxnBuilder is not a promise: call .commit()');
    this.success.push(...ops);
    return this;
  }

  /** Adds operations run when a guard fails. */
  else(...ops: TxnOp[]): this {
    this.failure.push(...ops);
    return this;
  }

  /** Sends the Txn. A Txn with writes is never resent once it may have reached a server. */
  async commit(options: CallOptions = {}): Promise<TxnResult> {
    const request = txnRequest(this.compares, this.success, this.failure);
    const readOnly = [...this.success, ...this.failure].every((op) => op.readOnly);
    const safety = readOnly ? 'idempotent' : 'at-most-once';
    return txnResult(await this.connection.unary('KV', 'Txn', request, safety, options));
  }
}
