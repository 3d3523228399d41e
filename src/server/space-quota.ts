// etcd's backend quota (--quota-backend-bytes) and its NOSPACE alarm, for a store that lives
// in memory. The SIZE we hold against the quota is what the MVCC machine retains, counted
// deterministically from its contents: for every retained version of every key (history
// since the last compaction plus each key's last version before it, tombstones included) the
// key's bytes, the value's bytes and ENTRY_OVERHEAD_BYTES for its numbers; plus LEASE_BYTES
// per live lease. It is NOT the data directory's size (the WAL and Raft snapshots grow and
// shrink on their own schedule) and not bolt's file size as etcd's is: deleting keys does not
// shrink it (tombstones are added), compaction does — etcd needs compaction AND defrag.
//
// As etcd: a write that would not fit (size + its cost ≥ quota) is refused at the member that
// received it with "etcdserver: mvcc: database space exceeded" (RESOURCE_EXHAUSTED), once that
// member has raised NOSPACE for itself through Raft (v3rpc/quota.go); writes that slip past the
// check and fill the store make the leader raise it (apply.go's quota applier). Once raised,
// the alarm is machine state (cluster-state.ts): every member refuses puts, txns with puts
// and lease grants until `etcdctl alarm disarm`; deletes, reads and compaction still work.
//
// Fault model: the raise is a proposal that may fail (no leader, timeout): the refusal is
// answered anyway and the raise is tried again at the next refused or applied write. One
// raise is in flight at a time; refused writes meanwhile wait for that one.

import { EtcdError } from './errors.js';
import type { Event, MvccCommand, MvccMachine, RequestOp, TxnRequest } from './mvcc/index.js';
import { entriesOf, type History } from './mvcc/key-history.js';

/** A retained version's numbers: create and mod revision, sub-revision, version, lease id. */
export const ENTRY_OVERHEAD_BYTES = 40;
/** A lease's id, TTL and expiry. */
export const LEASE_BYTES = 24;
/** etcd's DefaultQuotaBytes (2 GiB), used when the flag is 0. */
export const DEFAULT_QUOTA_BYTES = 2 * 1024 ** 3;

/** The bytes the key space retains (all versions of all keys), by walking it. */
export function retainedKvBytes(mvcc: MvccMachine): number {
  let total = 0;
  for (const [key, history] of mvcc.store.tree.entries()) total += historyBytes(key, history);
  return total;
}

function historyBytes(key: string, history: History | undefined): number {
  if (history === undefined) return 0;
  let total = 0;
  for (const entry of entriesOf(history))
    total += key.length + entry.value.length + ENTRY_OVERHEAD_BYTES;
  return total;
}

/**
 * Measures a compaction at `revision`: call before applying it, and the result once it has
 * applied, for the new retained bytes. Only keys written since the last compaction, up to
 * `revision`, can lose versions (mvcc/store.ts compact): when they are few, only they are
 * counted before and after; otherwise the whole space is counted again.
 */
export function measureCompaction(
  mvcc: MvccMachine,
  revision: number,
  bytesBefore: number,
): () => number {
  const log = mvcc.store.log;
  const few = mvcc.store.tree.size / 4;
  let cut = 0;
  while (cut < log.length && (log[cut]?.modRevision ?? 0) <= revision) {
    if (++cut > few) return () => retainedKvBytes(mvcc);
  }
  const keys = new Set<string>();
  for (let i = 0; i < cut; i++) keys.add(log[i]?.key as string);
  const measure = () => {
    let total = 0;
    for (const key of keys) total += historyBytes(key, mvcc.store.tree.get(key));
    return total;
  };
  const before = measure();
  return () => bytesBefore - before + measure();
}

/** The bytes a write's events added: each event is one new retained version. */
export function eventsBytes(events: readonly Event[]): number {
  let total = 0;
  for (const e of events) total += e.kv.key.length + e.kv.value.length + ENTRY_OVERHEAD_BYTES;
  return total;
}

function txnCost(t: TxnRequest): number {
  const opCost = (op: RequestOp): number =>
    op.requestPut !== undefined
      ? op.requestPut.key.length + (op.requestPut.value?.length ?? 0) + ENTRY_OVERHEAD_BYTES
      : op.requestTxn !== undefined
        ? txnCost(op.requestTxn)
        : 0;
  const sum = (ops: readonly RequestOp[] | undefined) =>
    (ops ?? []).reduce((n, op) => n + opCost(op), 0);
  return Math.max(sum(t.success), sum(t.failure));
}

/** What a write may add to the size (etcd's Quota.Cost; 0: it adds nothing). */
export function requestCost(command: MvccCommand): number {
  switch (command.type) {
    case 'put':
      return (
        command.request.key.length + (command.request.value?.length ?? 0) + ENTRY_OVERHEAD_BYTES
      );
    case 'txn':
      return txnCost(command.request);
    case 'leaseGrant':
      return LEASE_BYTES;
    default:
      return 0;
  }
}

/** The quota in bytes from etcd's flag value: 0 is the default, negative disables it. */
export function quotaBytesOf(flag: number): number | undefined {
  if (flag < 0) return undefined;
  return flag === 0 ? DEFAULT_QUOTA_BYTES : flag;
}

/** What the quota needs from the server. */
export interface QuotaHost {
  /** The store's size now (ServerMachine.storeBytes on this member). */
  storeBytes(): number;
  /** Whether a NOSPACE alarm is active (raised by `memberId`, or by anyone). */
  hasNoSpace(memberId?: bigint): boolean;
  readonly memberId: bigint;
  isLeader(): boolean;
  /** Proposes ACTIVATE NOSPACE for this member. */
  activate(): Promise<unknown>;
}

export class SpaceQuota {
  private raising: Promise<void> | undefined;

  constructor(
    /** undefined: no quota (etcd's negative --quota-backend-bytes). */
    readonly quotaBytes: number | undefined,
    private readonly host: QuotaHost,
  ) {}

  /**
   * etcd's quotaKVServer: a write that would not fit raises NOSPACE (unless this member's
   * stands already), then is refused (rejects with etcd's noSpace).
   */
  async check(command: MvccCommand): Promise<void> {
    if (this.quotaBytes === undefined) return;
    const cost = requestCost(command);
    if (cost === 0 || this.host.storeBytes() + cost < this.quotaBytes) return;
    if (!this.host.hasNoSpace(this.host.memberId)) await this.raise();
    throw new EtcdError('noSpace');
  }

  /** After an applied write: the leader raises NOSPACE if the store is full and none is. */
  afterApply(): void {
    if (this.quotaBytes === undefined || !this.host.isLeader()) return;
    if (this.host.storeBytes() < this.quotaBytes || this.host.hasNoSpace()) return;
    this.raise();
  }

  private raise(): Promise<void> {
    this.raising ??= this.host.activate().then(
      () => {
        this.raising = undefined;
      },
      () => {
        this.raising = undefined;
      },
    );
    return this.raising;
  }
}
