// The lease table of the MVCC machine: which leases exist, their granted TTL, the expiry the
// machine keeps for each (a number of ms on the proposer's log clock, never a local clock),
// and the keys attached to each. Keys attach when a put names the lease and detach when they
// are overwritten without it or deleted; the store (store.ts) calls attach/detach as it
// writes, so the table always equals "the leases named by the keys' current versions".
//
// etcd keeps expiry only on the leader, in memory; here it is replicated state, because the
// keep-alives and the leader's revokes of expired leases go through the log. A lease never
// expires by itself: `expired(nowMs)` lists what the leader should propose to revoke.
//
// Fault model: none (plain data; the log supplies time).

import { assert } from '../../core/assert.js';

export interface LeaseRecord {
  readonly id: bigint;
  /** Granted TTL in seconds, after raising it to the minimum. */
  readonly ttlSeconds: number;
  /** When the lease expires, on the log clock (ms). */
  expiryMs: number;
  /** Attached keys (latin1). */
  readonly keys: Set<string>;
}

export class LeaseTable {
  private readonly byId = new Map<bigint, LeaseRecord>();

  get size(): number {
    return this.byId.size;
  }

  get(id: bigint): LeaseRecord | undefined {
    return this.byId.get(id);
  }

  has(id: bigint): boolean {
    return this.byId.has(id);
  }

  add(id: bigint, ttlSeconds: number, expiryMs: number): LeaseRecord {
    assert(id !== 0n && !this.byId.has(id), 'a new lease has a fresh non-zero id');
    const record: LeaseRecord = { id, ttlSeconds, expiryMs, keys: new Set() };
    this.byId.set(id, record);
    return record;
  }

  remove(id: bigint): void {
    this.byId.delete(id);
  }

  attach(id: bigint, key: string): void {
    const record = this.byId.get(id);
    assert(record !== undefined, 'a put names only existing leases (checked before writing)');
    record.keys.add(key);
  }

  detach(id: bigint, key: string): void {
    // A key's lease may already be gone: revoke detaches keys as it deletes them.
    this.byId.get(id)?.keys.delete(key);
  }

  /** Every lease, ordered by expiry then id (etcd lists leases by expiry). */
  list(): LeaseRecord[] {
    return [...this.byId.values()].sort((a, b) =>
      a.expiryMs !== b.expiryMs ? a.expiryMs - b.expiryMs : a.id < b.id ? -1 : a.id > b.id ? 1 : 0,
    );
  }
}
