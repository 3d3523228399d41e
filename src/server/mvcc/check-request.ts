// Request validation that needs no store state, shared by the gRPC layer (which rejects a bad
// request before proposing it) and the MVCC machine (which checks again when applying, so a
// command that reaches it some other way cannot half-apply). Semantics and messages are
// etcd v3.4's etcdserver/api/v3rpc/key.go (checkRangeRequest … checkIntervals) and
// v3_server.go's lease TTL bound, quirks included, so answers match a real etcd:
// - the op limit counts the largest of compares, success and failure (not their sum), and a
//   nested txn may hold only what its parent left (`maxTxnOps - opc`);
// - a RequestOp with no request set is "key not found";
// - a delete whose range_end is "\0" ("to the end") conflicts with no put, because etcd 3.4
//   compares the raw range_end, for which [key, "\0") is empty;
// - a put in a nested txn is checked against deletes of earlier siblings only.
//
// Fault model: requests are untrusted input; every failure is an EtcdError, never a throw of
// anything else, and the work is bounded by the request's size.

import { EtcdError } from '../errors.js';
import { toLatin1 } from './bytes.js';
import type {
  DeleteRangeRequest,
  LeaseGrantRequest,
  PutRequest,
  RangeRequest,
  ReqBytes,
  RequestOp,
  TxnRequest,
} from './types.js';

/** etcd's --max-txn-ops default. */
export const DEFAULT_MAX_TXN_OPS = 128;
/** lease.MaxLeaseTTL: 9,000,000,000 seconds. */
export const MAX_LEASE_TTL_SECONDS = 9_000_000_000;

const SORT_ORDERS: ReadonlySet<unknown> = new Set(['NONE', 'ASCEND', 'DESCEND']);
const SORT_TARGETS: ReadonlySet<unknown> = new Set(['KEY', 'VERSION', 'CREATE', 'MOD', 'VALUE']);

const isEmpty = (bytes: ReqBytes | undefined) => bytes === undefined || bytes.length === 0;

export function checkRangeRequest(r: RangeRequest<ReqBytes>): void {
  if (isEmpty(r.key)) throw new EtcdError('emptyKey');
  // etcd 3.4 panics on an unknown sort option; 3.5 answers this, and so do we.
  if (r.sortOrder !== undefined && !SORT_ORDERS.has(r.sortOrder)) {
    throw new EtcdError('invalidSortOption');
  }
  if (r.sortTarget !== undefined && !SORT_TARGETS.has(r.sortTarget)) {
    throw new EtcdError('invalidSortOption');
  }
}

export function checkPutRequest(r: PutRequest<ReqBytes>): void {
  if (isEmpty(r.key)) throw new EtcdError('emptyKey');
  if (r.ignoreValue === true && !isEmpty(r.value)) throw new EtcdError('valueProvided');
  if (r.ignoreLease === true && (r.lease ?? 0n) !== 0n) throw new EtcdError('leaseProvided');
}

export function checkDeleteRangeRequest(r: DeleteRangeRequest<ReqBytes>): void {
  if (isEmpty(r.key)) throw new EtcdError('emptyKey');
}

export function checkLeaseGrantRequest(r: LeaseGrantRequest): void {
  if (r.TTL > MAX_LEASE_TTL_SECONDS) throw new EtcdError('leaseTtlTooLarge');
}

/** checkTxnRequest and the duplicate-key check of both branches, as etcd's kvServer.Txn. */
export function checkTxnRequest(r: TxnRequest<ReqBytes>, maxTxnOps = DEFAULT_MAX_TXN_OPS): void {
  checkTxnOps(r, maxTxnOps);
  // After the op checks, as etcd does: the interval check is the expensive one.
  checkIntervals(r.success ?? []);
  checkIntervals(r.failure ?? []);
}

function checkTxnOps(r: TxnRequest<ReqBytes>, maxTxnOps: number): void {
  const compare = r.compare ?? [];
  const success = r.success ?? [];
  const failure = r.failure ?? [];
  const opc = Math.max(compare.length, success.length, failure.length);
  if (opc > maxTxnOps) throw new EtcdError('tooManyOps');
  for (const c of compare) if (isEmpty(c.key)) throw new EtcdError('emptyKey');
  for (const op of success) checkRequestOp(op, maxTxnOps - opc);
  for (const op of failure) checkRequestOp(op, maxTxnOps - opc);
}

function checkRequestOp(op: RequestOp<ReqBytes>, maxTxnOps: number): void {
  if (op.requestRange !== undefined) checkRangeRequest(op.requestRange);
  else if (op.requestPut !== undefined) checkPutRequest(op.requestPut);
  else if (op.requestDeleteRange !== undefined) checkDeleteRangeRequest(op.requestDeleteRange);
  else if (op.requestTxn !== undefined) checkTxnOps(op.requestTxn, maxTxnOps);
  else throw new EtcdError('keyNotFound');
}

/** [begin, end) in latin1; end undefined is +∞ (adt's affine ""). */
interface Interval {
  readonly begin: string;
  readonly end: string | undefined;
}

class DeleteSet {
  readonly intervals: Interval[] = [];
  private sorted: { begins: string[]; maxEnds: (string | undefined)[] } | undefined;

  add(interval: Interval): void {
    this.intervals.push(interval);
    this.sorted = undefined;
  }

  /** Whether some interval holds `key` (adt's Intersects with the point [key, key\0)). */
  holds(key: string): boolean {
    const { begins, maxEnds } = this.index();
    // The intervals beginning at or before `key`: a prefix of the sorted list. One of them
    // holds the key iff the largest end among them lies beyond it.
    let lo = 0;
    let hi = begins.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((begins[mid] as string) <= key) lo = mid + 1;
      else hi = mid;
    }
    if (lo === 0) return false;
    const end = maxEnds[lo - 1];
    return end === undefined || key < end;
  }

  private index(): { begins: string[]; maxEnds: (string | undefined)[] } {
    if (this.sorted !== undefined) return this.sorted;
    const byBegin = [...this.intervals].sort((a, b) =>
      a.begin < b.begin ? -1 : a.begin > b.begin ? 1 : 0,
    );
    const begins: string[] = [];
    const maxEnds: (string | undefined)[] = [];
    let max: string | undefined = '';
    for (const { begin, end } of byBegin) {
      if (max !== undefined && (end === undefined || end > max)) max = end;
      begins.push(begin);
      maxEnds.push(max);
    }
    this.sorted = { begins, maxEnds };
    return this.sorted;
  }
}

/** etcd's checkIntervals: puts must not repeat a key or fall in a delete of the same txn. */
function checkIntervals(reqs: readonly RequestOp<ReqBytes>[]): {
  puts: Set<string>;
  dels: DeleteSet;
} {
  const dels = new DeleteSet();
  for (const op of reqs) {
    const d = op.requestDeleteRange;
    if (d === undefined) continue;
    const begin = toLatin1(d.key);
    // A point is [key, key\0); a range uses the raw range_end, so "\0" yields an empty one.
    dels.add({ begin, end: isEmpty(d.rangeEnd) ? `${begin}\u0000` : toLatin1(d.rangeEnd) });
  }
  const puts = new Set<string>();
  for (const op of reqs) {
    const t = op.requestTxn;
    if (t === undefined) continue;
    const then = checkIntervals(t.success ?? []);
    const otherwise = checkIntervals(t.failure ?? []);
    for (const key of then.puts) {
      if (puts.has(key) || dels.holds(key)) throw new EtcdError('duplicateKey');
      puts.add(key);
    }
    for (const key of otherwise.puts) {
      // A key put by both branches is fine: only one branch runs.
      if (puts.has(key) && !then.puts.has(key)) throw new EtcdError('duplicateKey');
      if (dels.holds(key)) throw new EtcdError('duplicateKey');
      puts.add(key);
    }
    // etcd unions the children's deletes that meet ["\0", ∞): every non-empty interval.
    for (const iv of [...then.dels.intervals, ...otherwise.dels.intervals]) {
      if (iv.end === undefined || iv.begin < iv.end) dels.add(iv);
    }
  }
  for (const op of reqs) {
    const p = op.requestPut;
    if (p === undefined) continue;
    const key = toLatin1(p.key);
    if (puts.has(key) || dels.holds(key)) throw new EtcdError('duplicateKey');
    puts.add(key);
  }
  return { puts, dels };
}
