// etcd-compatible snapshots (issue 16): the server's state as etcd v3.4's bbolt database —
// what Maintenance.Snapshot streams and `etcdctl snapshot status|restore` read — and back;
// Maintenance.Hash and HashKV as etcd computes them.
//
//   bolt-format.ts   bbolt's page layout; bolt-writer.ts (pure) and bolt-reader.ts (validating)
//   key-bucket.ts    MVCC versions ↔ etcd's key bucket; HashKV
//   etcd-buckets.ts  the whole state → etcd's buckets; Hash; snapshot status
//   etcd-restore.ts  etcd's buckets → the state (untrusted input)
//   data-dir.ts      a member's data directory from a restored state
//   server-state.ts  a running server's state (for the Maintenance handlers)
//   steps.ts         long builds as generators that yield, so a member keeps its heartbeats
//
// Fault model: see each file; files read from disk are untrusted and rejected with typed
// errors (BoltFormatError, EtcdSnapshotError, ProtoError, SnapshotError, AuthSnapshotError).

export { type BoltBucket, BoltFormatError, type BoltPair, PAGE_SIZE } from './bolt-format.js';
export { type BoltFile, readBolt } from './bolt-reader.js';
export { writeBolt } from './bolt-writer.js';
export {
  DataDirExistsError,
  type RestoreTarget,
  serverSnapshotOf,
  writeDataDir,
} from './data-dir.js';
export {
  type EtcdMember,
  type EtcdState,
  etcdBuckets,
  hashBuckets,
  type SnapshotStatus,
  snapshotStatus,
} from './etcd-buckets.js';
export { EtcdSnapshotError, type RestoredState, restoredState } from './etcd-restore.js';
export { hashKV } from './key-bucket.js';
export { ProtoError } from './protobuf.js';
export { serverHash, serverHashKV, serverSnapshotFile } from './server-state.js';
