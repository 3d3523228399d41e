// The MVCC state machine every member applies in log order: the KV store (store.ts), the
// lease table (leases.ts), and the request semantics of etcd v3.4's applier (range.ts,
// txn.ts). Reads are methods too, so a member serves serializable reads (and linearizable
// ones after a ReadIndex) straight from its machine. See index.ts for the contract.
//
// Fault model: deterministic and pure — no clock, no randomness, no I/O; time arrives as
// `nowMs` on the commands that need it (the proposer's log time), lease ids are chosen by the
// proposer. A rejected request throws EtcdError before changing anything, so every member
// rejects the same commands the same way and stays identical.

import { EtcdError } from '../errors.js';
import { fromLatin1 } from './bytes.js';
import {
  checkDeleteRangeRequest,
  checkLeaseGrantRequest,
  checkPutRequest,
  checkRangeRequest,
  checkTxnRequest,
  DEFAULT_MAX_TXN_OPS,
} from './check-request.js';
import { LeaseTable } from './leases.js';
import { executeRange } from './range.js';
import { hashKV, type MvccSnapshot, restoreSnapshot, takeSnapshot } from './snapshot.js';
import { KvStore, type WriteTxn } from './store.js';
import { checkStandalonePut, executeDeleteRange, executePut, executeTxn } from './txn.js';
import type {
  CompactionRequest,
  CompactionResponse,
  DeleteRangeRequest,
  DeleteRangeResponse,
  Event,
  HashKVResponse,
  LeaseGrantRequest,
  LeaseGrantResponse,
  LeaseKeepAliveRequest,
  LeaseKeepAliveResponse,
  LeaseLeasesResponse,
  LeaseRevokeRequest,
  LeaseRevokeResponse,
  LeaseTimeToLiveRequest,
  LeaseTimeToLiveResponse,
  PutRequest,
  PutResponse,
  RangeRequest,
  RangeResponse,
  ReqBytes,
  TxnRequest,
  TxnResponse,
} from './types.js';

export interface MvccOptions {
  /** etcd's --max-txn-ops: the most compares, success ops or failure ops in one txn. */
  readonly maxTxnOps?: number;
  /**
   * The smallest TTL a lease gets, in seconds. etcd derives it from the election timeout,
   * ceil(1.5 × election timeout): 2 s with etcd's defaults (1000 ms), the default here.
   */
  readonly minLeaseTtlSeconds?: number;
}

/** A write's answer and the events it produced, in order (empty if nothing changed). */
export interface WriteResult<R> {
  readonly response: R;
  readonly events: Event[];
}

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

export class MvccMachine {
  readonly maxTxnOps: number;
  readonly minLeaseTtlSeconds: number;

  private constructor(
    readonly store: KvStore,
    readonly leases: LeaseTable,
    options: MvccOptions,
  ) {
    this.maxTxnOps = options.maxTxnOps ?? DEFAULT_MAX_TXN_OPS;
    this.minLeaseTtlSeconds = options.minLeaseTtlSeconds ?? 2;
  }

  static create(options: MvccOptions = {}): MvccMachine {
    const leases = new LeaseTable();
    return new MvccMachine(new KvStore(leases), leases, options);
  }

  /** A machine equal to the one `snapshot` was taken from (throws SnapshotError if corrupt). */
  static restore(snapshot: MvccSnapshot, options: MvccOptions = {}): MvccMachine {
    const { store, leases } = restoreSnapshot(snapshot);
    return new MvccMachine(store, leases, options);
  }

  get revision(): number {
    return this.store.revision;
  }

  get compactRevision(): number {
    return this.store.compactRevision;
  }

  range(r: RangeRequest<ReqBytes>): RangeResponse {
    checkRangeRequest(r);
    const rev = this.store.revision;
    return executeRange(
      (span, atRev, limit, countOnly) => this.store.rangeAt(span, atRev, rev, limit, countOnly),
      r,
    );
  }

  put(r: PutRequest<ReqBytes>): WriteResult<PutResponse> {
    checkPutRequest(r);
    checkStandalonePut(this.store, r);
    return this.write((txn) => executePut(txn, r));
  }

  deleteRange(r: DeleteRangeRequest<ReqBytes>): WriteResult<DeleteRangeResponse> {
    checkDeleteRangeRequest(r);
    return this.write((txn) => executeDeleteRange(txn, r));
  }

  txn(r: TxnRequest<ReqBytes>): WriteResult<TxnResponse> {
    checkTxnRequest(r, this.maxTxnOps);
    const txn = this.store.write();
    let result: Omit<TxnResponse, 'header'>;
    try {
      result = executeTxn(this.store, txn, r);
    } finally {
      // executeTxn throws only before its first write; ending an unchanged txn is a no-op.
      txn.end();
    }
    return {
      response: { header: { revision: this.store.revision }, ...result },
      events: txn.events,
    };
  }

  compact(r: CompactionRequest): CompactionResponse {
    this.store.compact(r.revision);
    return { header: { revision: this.store.revision } };
  }

  /** Grants lease `r.ID` (chosen by the proposer, non-zero) expiring TTL seconds after `nowMs`. */
  leaseGrant(r: LeaseGrantRequest, nowMs: number): LeaseGrantResponse {
    checkLeaseGrantRequest(r);
    // etcd's lessor answers a zero id with "lease not found"; its server never proposes one.
    if (r.ID === 0n || r.ID < INT64_MIN || r.ID > INT64_MAX) throw new EtcdError('leaseNotFound');
    if (this.leases.has(r.ID)) throw new EtcdError('leaseExist');
    const ttl = Math.max(r.TTL, this.minLeaseTtlSeconds);
    this.leases.add(r.ID, ttl, nowMs + ttl * 1000);
    return { header: { revision: this.store.revision }, ID: r.ID, TTL: ttl, error: '' };
  }

  /** Revokes a lease, deleting all its keys (in key order) at one revision. */
  leaseRevoke(r: LeaseRevokeRequest): WriteResult<LeaseRevokeResponse> {
    const lease = this.leases.get(r.ID);
    if (lease === undefined) throw new EtcdError('leaseNotFound');
    const keys = [...lease.keys].sort();
    const result = this.write((txn) => {
      for (const key of keys) txn.deleteRange({ key, end: undefined });
      return undefined;
    });
    this.leases.remove(r.ID);
    return { response: { header: { revision: this.store.revision } }, events: result.events };
  }

  /** A keep-alive: the lease now expires TTL seconds after `nowMs`. */
  leaseKeepAlive(r: LeaseKeepAliveRequest, nowMs: number): LeaseKeepAliveResponse {
    const lease = this.leases.get(r.ID);
    // An expired lease awaiting its revoke is gone already, as etcd's Renew answers.
    if (lease === undefined || lease.expiryMs <= nowMs) throw new EtcdError('leaseNotFound');
    lease.expiryMs = nowMs + lease.ttlSeconds * 1000;
    return { header: { revision: this.store.revision }, ID: r.ID, TTL: lease.ttlSeconds };
  }

  /** etcd's LeaseTimeToLive answer: an unknown lease is TTL -1, not an error. */
  leaseTimeToLive(r: LeaseTimeToLiveRequest, nowMs: number): LeaseTimeToLiveResponse {
    const header = { revision: this.store.revision };
    const lease = this.leases.get(r.ID);
    if (lease === undefined) return { header, ID: r.ID, TTL: -1, grantedTTL: 0, keys: [] };
    const keys = r.keys === true ? [...lease.keys].sort().map(fromLatin1) : [];
    // Go's int64(duration.Seconds()) truncates toward zero.
    const TTL = Math.trunc((lease.expiryMs - nowMs) / 1000);
    return { header, ID: r.ID, TTL, grantedTTL: lease.ttlSeconds, keys };
  }

  leaseLeases(): LeaseLeasesResponse {
    const leases = this.leases.list().map((l) => ({ ID: l.id }));
    return { header: { revision: this.store.revision }, leases };
  }

  /**
   * Leases whose expiry is at or before `nowMs`, soonest first, at most `limit` of them (etcd
   * revokes at most 1,000 a second): the leader proposes their revokes.
   */
  expiredLeases(nowMs: number, limit = Number.POSITIVE_INFINITY): bigint[] {
    const expired: bigint[] = [];
    for (const l of this.leases.list()) {
      if (l.expiryMs > nowMs || expired.length >= limit) break;
      expired.push(l.id);
    }
    return expired;
  }

  /**
   * Every event with `fromRev` ≤ revision ≤ `toRev` (default: the current one), in order, with
   * prev_kv when it is still known. Like etcd's watch, a start before the compact revision
   * is refused; a start AT it is served in full.
   */
  events(fromRev: number, toRev = this.store.revision): Event[] {
    if (fromRev < this.store.compactRevision) throw new EtcdError('compacted');
    const log = this.store.log;
    let lo = 0;
    let hi = log.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((log[mid] as { modRevision: number }).modRevision < fromRev) lo = mid + 1;
      else hi = mid;
    }
    const out: Event[] = [];
    for (let i = lo; i < log.length; i++) {
      const entry = log[i];
      if (entry === undefined || entry.modRevision > toRev) break;
      out.push(this.store.eventOf(entry));
    }
    return out;
  }

  hashKV(revision: number): HashKVResponse {
    const hash = hashKV(this.store, revision);
    const { revision: current, compactRevision } = this.store;
    return { header: { revision: current }, hash, compactRevision };
  }

  snapshot(): MvccSnapshot {
    return takeSnapshot(this.store, this.leases);
  }

  private write<R>(body: (txn: WriteTxn) => R): WriteResult<R> {
    const txn = this.store.write();
    let response: R;
    try {
      response = body(txn);
    } finally {
      txn.end();
    }
    return { response, events: txn.events };
  }
}
