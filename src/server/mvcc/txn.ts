// Put, DeleteRange and Txn over one write transaction, as etcd v3.4's applierV3backend (Put,
// DeleteRange, Txn, compareToPath, applyCompare, checkRequests) does them:
// - every compare of the txn AND of its nested txns is evaluated first, against the state
//   before the txn (etcd's compareToPath), which fixes the branch taken at every level;
// - then the chosen ops are checked against that same state (a put's lease must exist; an
//   ignore_value/ignore_lease put needs the key; a range's revision must be neither future
//   nor compacted), so nothing is written unless everything will apply;
// - then the ops run in order on one WriteTxn: reads see the txn's earlier writes, every
//   write shares revision + 1, and a nested txn's response header says revision 0, as etcd's.
// A compare over a range holds only if every key in it satisfies it; over no key at all, a
// VALUE compare fails and the others compare against 0.
//
// Fault model: requests are validated (check-request.ts) before they get here; the checks
// here need the store. Errors are thrown before the first write.

import { EtcdError } from '../errors.js';
import { toLatin1 } from './bytes.js';
import type { Entry } from './key-history.js';
import type { LeaseTable } from './leases.js';
import { executeRange, type RangeReader, spanOf } from './range.js';
import { type KvStore, toKeyValue, type WriteTxn } from './store.js';
import type {
  Compare,
  DeleteRangeRequest,
  DeleteRangeResponse,
  PutRequest,
  PutResponse,
  ReqBytes,
  RequestOp,
  ResponseOp,
  TxnRequest,
  TxnResponse,
} from './types.js';

export function readerOf(txn: WriteTxn): RangeReader {
  return (span, atRev, limit, countOnly) => txn.range(span, atRev, limit, countOnly);
}

/** A standalone Put's checks, in etcd's order: the lease first, then the ignore flags. */
export function checkStandalonePut(store: KvStore, p: PutRequest<ReqBytes>): void {
  const lease = p.lease ?? 0n;
  if (lease !== 0n && !store.leases.has(lease)) throw new EtcdError('leaseNotFound');
  if (p.ignoreValue === true || p.ignoreLease === true) {
    if (store.current(toLatin1(p.key)) === undefined) throw new EtcdError('keyNotFound');
  }
}

/** A Put inside a Txn is checked in the other order (etcd's checkRequestPut). */
function checkTxnPut(store: KvStore, leases: LeaseTable, p: PutRequest<ReqBytes>): void {
  if (p.ignoreValue === true || p.ignoreLease === true) {
    if (store.current(toLatin1(p.key)) === undefined) throw new EtcdError('keyNotFound');
  }
  const lease = p.lease ?? 0n;
  if (lease !== 0n && !leases.has(lease)) throw new EtcdError('leaseNotFound');
}

export function executePut(txn: WriteTxn, p: PutRequest<ReqBytes>): PutResponse {
  const key = toLatin1(p.key);
  const ignoreValue = p.ignoreValue === true;
  const ignoreLease = p.ignoreLease === true;
  const needPrev = ignoreValue || ignoreLease || p.prevKv === true;
  const prev: Entry | undefined = needPrev
    ? txn.range({ key, end: undefined }).entries[0]
    : undefined;
  // `prev` can be missing here only when an earlier op of the same txn deleted the key with a
  // "\0" range_end, which etcd's duplicate check lets through and etcd then panics on; we
  // write as if the key were new instead of failing half-way through a txn.
  const value = ignoreValue ? (prev?.value ?? '') : toLatin1(p.value);
  const lease = ignoreLease ? (prev?.lease ?? 0n) : (p.lease ?? 0n);
  const revision = txn.put(key, value, lease);
  if (p.prevKv === true && prev !== undefined)
    return { header: { revision }, prevKv: toKeyValue(prev) };
  return { header: { revision } };
}

export function executeDeleteRange(
  txn: WriteTxn,
  d: DeleteRangeRequest<ReqBytes>,
): DeleteRangeResponse {
  const span = spanOf(d.key, d.rangeEnd);
  const prevKvs = d.prevKv === true ? txn.range(span).entries.map((e) => toKeyValue(e)) : [];
  const { deleted, revision } = txn.deleteRange(span);
  return { header: { revision }, deleted, prevKvs };
}

/** The branch every level of a txn takes, decided before anything runs. */
interface Plan {
  readonly succeeded: boolean;
  readonly ops: readonly RequestOp<ReqBytes>[];
  /** Per op index, the plan of a nested txn. */
  readonly nested: ReadonlyMap<number, Plan>;
}

function planOf(store: KvStore, rt: TxnRequest<ReqBytes>): Plan {
  const succeeded = (rt.compare ?? []).every((c) => compareHolds(store, c));
  const ops = (succeeded ? rt.success : rt.failure) ?? [];
  const nested = new Map<number, Plan>();
  ops.forEach((op, i) => {
    if (op.requestTxn !== undefined) nested.set(i, planOf(store, op.requestTxn));
  });
  return { succeeded, ops, nested };
}

function compareHolds(store: KvStore, c: Compare<ReqBytes>): boolean {
  const value = c.target === 'VALUE' ? toLatin1(c.value) : '';
  let any = false;
  let all = true;
  store.visit(spanOf(c.key, c.rangeEnd), store.revision, (entry) => {
    any = true;
    if (all && !compareEntry(c, entry, value)) all = false;
  });
  // gRPC cannot tell a missing value from an empty one, so a VALUE compare on no key fails.
  if (!any) return c.target === 'VALUE' ? false : compareEntry(c, undefined, value);
  return all;
}

const sign = <T extends number | bigint | string>(a: T, b: T) => (a < b ? -1 : a > b ? 1 : 0);

function compareEntry(c: Compare<ReqBytes>, e: Entry | undefined, value: string): boolean {
  let r: number;
  switch (c.target) {
    case 'VALUE':
      r = sign(e?.value ?? '', value);
      break;
    case 'CREATE':
      r = sign(e?.createRevision ?? 0, c.createRevision ?? 0);
      break;
    case 'MOD':
      r = sign(e?.modRevision ?? 0, c.modRevision ?? 0);
      break;
    case 'VERSION':
      r = sign(e?.version ?? 0, c.version ?? 0);
      break;
    case 'LEASE':
      r = sign(e?.lease ?? 0n, c.lease ?? 0n);
      break;
    default:
      r = 0; // An unknown target compares equal, as etcd's switch falls through.
  }
  switch (c.result) {
    case 'EQUAL':
      return r === 0;
    case 'NOT_EQUAL':
      return r !== 0;
    case 'GREATER':
      return r > 0;
    case 'LESS':
      return r < 0;
    default:
      return true; // etcd: an unknown result holds.
  }
}

function isReadOnly(rt: TxnRequest<ReqBytes>): boolean {
  const opsReadOnly = (ops: readonly RequestOp<ReqBytes>[] | undefined) =>
    (ops ?? []).every(
      (op) =>
        op.requestPut === undefined &&
        op.requestDeleteRange === undefined &&
        (op.requestTxn === undefined || isReadOnly(op.requestTxn)),
    );
  return opsReadOnly(rt.success) && opsReadOnly(rt.failure);
}

/** etcd's checkRequests along the chosen path, against the state before the txn. */
function checkPlan(plan: Plan, check: (op: RequestOp<ReqBytes>) => void): void {
  plan.ops.forEach((op, i) => {
    const nested = plan.nested.get(i);
    if (nested !== undefined) checkPlan(nested, check);
    else check(op);
  });
}

function checkRangeRevision(store: KvStore, op: RequestOp<ReqBytes>): void {
  const rev = op.requestRange?.revision ?? 0;
  if (rev === 0) return;
  if (rev > store.revision) throw new EtcdError('futureRev');
  // Raw comparison, as etcd's: a negative revision inside a txn is "compacted".
  if (rev < store.compactRevision) throw new EtcdError('compacted');
}

function runPlan(txn: WriteTxn, plan: Plan): ResponseOp[] {
  return plan.ops.map((op, i): ResponseOp => {
    const nested = plan.nested.get(i);
    if (nested !== undefined) {
      const responses = runPlan(txn, nested);
      return { responseTxn: { header: { revision: 0 }, succeeded: nested.succeeded, responses } };
    }
    if (op.requestRange !== undefined) {
      return { responseRange: executeRange(readerOf(txn), op.requestRange) };
    }
    if (op.requestPut !== undefined) return { responsePut: executePut(txn, op.requestPut) };
    if (op.requestDeleteRange !== undefined) {
      return { responseDeleteRange: executeDeleteRange(txn, op.requestDeleteRange) };
    }
    throw new EtcdError('keyNotFound'); // Unreachable: validation rejects empty ops first.
  });
}

/** Runs a validated Txn; the caller ends `txn` (which commits the revision). */
export function executeTxn(
  store: KvStore,
  txn: WriteTxn,
  rt: TxnRequest<ReqBytes>,
): Omit<TxnResponse, 'header'> {
  const plan = planOf(store, rt);
  // Two passes in etcd's order: every put first (write txns only), then every range.
  if (!isReadOnly(rt)) {
    checkPlan(plan, (op) => {
      if (op.requestPut !== undefined) checkTxnPut(store, store.leases, op.requestPut);
    });
  }
  checkPlan(plan, (op) => checkRangeRevision(store, op));
  return { succeeded: plan.succeeded, responses: runPlan(txn, plan) };
}
