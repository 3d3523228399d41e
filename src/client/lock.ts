// Locks over etcd's v3lock service (Lock, Unlock), which runs clientv3's Mutex recipe inside
// the server: Lock(name, lease) puts `name/<lease hex>` attached to the lease and answers once
// no older key under `name/` is left, with that key (the holder's proof: pass it to Unlock,
// or compare its create revision in a Txn to fence writes); Unlock(key) deletes it. The lock
// lives as long as the lease: a holder that dies stops renewing, the lease expires and its
// key goes, which wakes the next waiter. This is the thin RPC layer; issue 17's Lock
// interface (fencing tokens, renewal, `using`) is built on it.
//
// Retry rules: both calls are writes (connection.ts): never resent once they may have
// reached a server. A Lock repeated with the same lease keeps its place in the queue (the
// server finds the key it already has), so the caller may retry after an UNAVAILABLE error.
// Aborting a waiting Lock (its signal, or its deadline) cancels the call, and the server then
// deletes the waiter's key, as etcd does, so no stale waiter blocks the queue.
//
// Fault model: servers speak etcd's API; their errors are typed (errors.ts). The lease is the
// only thing that frees a lock whose holder vanished: keep it alive (lease.ts) while holding.

import type { CallOptions, Connection } from './connection.js';
import {
  type BytesLike,
  type Header,
  headerFromWire,
  type LeaseRef,
  leaseIdOf,
  long,
  toBytes,
} from './values.js';

export interface LockOptions extends CallOptions {
  /**
   * The lease the lock is held under (required: without one, etcd grants a 60 s lease that
   * nobody keeps alive, so the lock would vanish under its holder).
   */
  readonly lease: LeaseRef;
}

export interface LockResult {
  /** The holder's key (`name/<lease hex>`): unlock with it. */
  readonly key: Uint8Array;
  /** The header of the read that found the lock free. */
  readonly header: Header;
}

/** Lock calls of one client. */
export class Locks {
  constructor(private readonly connection: Connection) {}

  /** Waits until the lock `name` is held under `lease` (or the signal aborts the wait). */
  async lock(name: BytesLike, options: LockOptions): Promise<LockResult> {
    const lease = leaseIdOf(options.lease);
    if (lease <= 0n) throw new RangeError(`lock: lease id must be positive (got ${lease})`);
    const request = { name: toBytes(name), lease: long(lease) };
    const w = await this.connection.unary('Lock', 'Lock', request, 'at-most-once', options);
    const key = w.key instanceof Uint8Array ? w.key : new Uint8Array(0);
    return { key, header: headerFromWire(w.header) };
  }

  /** Releases the lock held with `key` (deletes it; a missing key is not an error). */
  async unlock(key: BytesLike, options?: CallOptions): Promise<Header> {
    const request = { key: toBytes(key) };
    const w = await this.connection.unary('Lock', 'Unlock', request, 'at-most-once', options);
    return headerFromWire(w.header);
  }
}
