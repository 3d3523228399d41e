// The MVCC state machine of the coordination server (issue 16, Deliver 1): etcd v3.4's key
// space, transactions, compaction and leases as a pure, deterministic object that Raft
// applies on every member and the gRPC layer reads from. Semantics learnt from etcd's
// mvcc/, lease/ and etcdserver/apply.go; the code is ours.
//
// Fault model: no clock, randomness or I/O. Time (`nowMs`) and lease ids arrive in the
// commands, fixed by the proposer. Rejections are EtcdError (../errors.ts: gRPC status name
// and etcd's exact message) thrown BEFORE anything changes, so all members agree.
//
// ─── Contract ──────────────────────────────────────────────────────────────────────────────
// Types (types.ts) are etcd's proto messages in proto-loader camelCase (keepCase:false):
// keys/values Uint8Array (unsigned byte order), revisions/versions/counts numbers, lease ids
// bigint (`ID`, `TTL`, `grantedTTL` keep etcd's capitals), enums as proto names ('EQUAL',
// 'ASCEND', 'PUT' …), optional request fields default as proto3. Response headers carry
// only `revision`; the gRPC layer adds cluster id, member id and raft term.
//
// const m = MvccMachine.create({ maxTxnOps: 128, minLeaseTtlSeconds: 2 });
//
// Replicated writes — apply in log order on every member, through `applyCommand(m, cmd)`
// (returns { ok: true, response, events } | { ok: false, error: EtcdError }), or directly:
//   m.put(PutRequest)                  → { response: PutResponse, events }
//   m.deleteRange(DeleteRangeRequest)  → { response: DeleteRangeResponse, events }
//   m.txn(TxnRequest)                  → { response: TxnResponse, events }
//   m.compact(CompactionRequest)       → CompactionResponse      (no events)
//   m.leaseGrant(req, nowMs)           → LeaseGrantResponse      (req.ID ≠ 0n, picked by the
//                                        proposer; TTL raised to the minimum)
//   m.leaseRevoke(req)                 → { response, events }   (all its keys, ONE revision)
//   m.leaseKeepAlive(req, nowMs)       → LeaseKeepAliveResponse  (expiry = now + TTL; an
//                                        unknown or expired lease throws leaseNotFound — the
//                                        gRPC stream answers that with TTL 0, as etcd does)
// `events` are the write's changes in order (PUT/DELETE, prevKv = the key just before the
// write's revision) for the watch hub; a write that changed nothing has none and did not
// move the revision (a delete of a missing key, a read-only txn, revoking a keyless lease).
//
// A proposer logs `packCommand(cmd)` in place of `cmd` (pack.ts): the same outcome, with keys
// and values as latin1 strings (request bytes may be Uint8Array or latin1 string: ReqBytes),
// so the Raft log, the WAL and the store share one compact copy.
//
// Reads — local, any member (serializable), or after a ReadIndex (linearizable):
//   m.range(RangeRequest)              → RangeResponse
//   m.leaseTimeToLive(req, nowMs)      → LeaseTimeToLiveResponse (unknown lease: TTL -1, as
//                                        etcd's server answers; not an error)
//   m.leaseLeases()                    → LeaseLeasesResponse     (by expiry, then id)
//   m.expiredLeases(nowMs, limit?)     → bigint[]  ids the LEADER should propose to revoke;
//                                        the machine never expires anything by itself
//   m.events(fromRev, toRev?)          → Event[]   history for a watch starting in the past;
//                                        fromRev < compactRevision throws `compacted` (the
//                                        hub then cancels with compact_revision), fromRev =
//                                        compactRevision is served in full, as in etcd
//   m.hashKV(revision)                 → HashKVResponse (crc32c over retained versions)
//   m.revision, m.compactRevision      (compactRevision is -1 before the first compaction)
//
// Snapshots — `m.snapshot()` is plain data the core codec encodes (numbers, bigint,
// Uint8Array, arrays); `MvccMachine.restore(snapshot, options)` rebuilds an identical
// machine (throws SnapshotError if inconsistent).
//
// Validation for the gRPC layer, before proposing (check-request.ts; the machine re-checks):
//   checkRangeRequest, checkPutRequest, checkDeleteRangeRequest,
//   checkTxnRequest(req, maxTxnOps) (op limit, empty keys, empty ops, duplicate keys),
//   checkLeaseGrantRequest (TTL ≤ 9e9 s).
// ───────────────────────────────────────────────────────────────────────────────────────────

export {
  ETCD_ERRORS,
  EtcdError,
  type EtcdErrorKind,
  etcdErrorKindOf,
  GRPC_STATUS,
  type GrpcStatusName,
} from '../errors.js';
export {
  checkDeleteRangeRequest,
  checkLeaseGrantRequest,
  checkPutRequest,
  checkRangeRequest,
  checkTxnRequest,
  DEFAULT_MAX_TXN_OPS,
  MAX_LEASE_TTL_SECONDS,
} from './check-request.js';
export {
  applyCommand,
  type MvccCommand,
  type MvccCommandResponses,
  type MvccCommandResult,
} from './commands.js';
export { MvccMachine, type MvccOptions, type WriteResult } from './machine.js';
export { packCommand } from './pack.js';
export { type MvccSnapshot, SNAPSHOT_FORMAT, SnapshotError } from './snapshot.js';
export type * from './types.js';
