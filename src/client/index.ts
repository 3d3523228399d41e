// cohort/client: a typed, promise-based client for etcd's v3 API, for Cohort's coordination
// server and for a real etcd 3.4. See docs/client.md.
//
// Fault model: see connection.ts (failover and retry rules), watch.ts (resume), lease.ts
// (keep-alive loss).

export { Client, connect } from './client.js';
export type { HashKV, Member, Members, Status } from './cluster.js';
export type { CallOptions, ConnectOptions, TlsOptions } from './connection.js';
export {
  type CampaignOptions,
  Election,
  ElectionError,
  type ElectionErrorKind,
  type LeaderKey,
  type LeaderState,
  type Leadership,
} from './election.js';
export {
  type ClientError,
  EtcdError,
  type EtcdErrorKind,
  GrpcError,
  type GrpcStatusName,
  LeaseLostError,
  type LeaseLostReason,
  WatchCanceledError,
  WatchCompactedError,
} from './errors.js';
export { KeepAlive, Lease, type TimeToLive } from './lease.js';
export type { LockOptions, LockResult } from './lock.js';
export type {
  DeleteOptions,
  DeleteResult,
  GetOptions,
  GetResult,
  OpResult,
  PutOptions,
  PutResult,
  RangeOptions,
  SortOrder,
  SortTarget,
  TxnResult,
} from './ops.js';
// Coordination recipes (issue 17): election, semaphore, barriers, queue, registry, config.
export * from './recipes/index.js';
export { Compare, type CompareOp, Op, TxnBuilder, type TxnCompare, type TxnOp } from './txn.js';
export { type BytesLike, type Header, KeyValue, type LeaseRef } from './values.js';
export type { WatchEvent, Watcher, WatchOptions } from './watch.js';
