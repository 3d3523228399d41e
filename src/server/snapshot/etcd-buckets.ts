// The server's state as etcd v3.4's database buckets, so a snapshot is the file etcd's
// `etcdctl snapshot status|restore` reads. Learnt from etcd v3.4.23: mvcc/kvstore.go (key,
// meta), lease/lessor.go (lease), etcdserver/api/membership/store.go (members,
// members_removed, cluster), auth/store.go (auth, authUsers, authRoles) and
// etcdserver/api/v3alarm (alarm). And the hashes etcd computes over them: Maintenance.Hash
// (mvcc/backend Hash: every bucket but meta's consistent_index) and snapshot status's.
//
//   key      revision key → mvccpb.KeyValue               (key-bucket.ts)
//   meta     consistent_index → u64 BE; finishedCompactRev, scheduledCompactRev → revision key
//   lease    lease id (u64 BE) → leasepb.Lease {ID, TTL}
//   members  member id (16 hex digits) → JSON {id, peerURLs, isLearner (when true), name, clientURLs}
//   cluster  clusterVersion → "3.4.0"
//   auth     authRevision → u64 BE; authEnabled → [1] (only once enabled)
//   authUsers / authRoles  name → authpb.User / authpb.Role
//   alarm    etcdserverpb.AlarmMember → (empty)
//
// Passwords are Cohort's scrypt strings (auth/password.ts), not bcrypt: etcd restores the
// users and roles but cannot check those passwords (nor Cohort etcd's).
//
// Fault model: the input is our own state, already validated.

import { crc32c } from '@node-rs/crc32';
import type { AuthSnapshot } from '../auth/store.js';
import { ALARM_TYPES, type AlarmType } from '../cluster-state.js';
import type { MvccSnapshot } from '../mvcc/index.js';
import { ETCD_CLUSTER_VERSION } from '../version.js';
import { type BoltBucket, type BoltPair, bucket, compareBytes } from './bolt-format.js';
import type { BoltFile } from './bolt-reader.js';
import { keyBucketSteps, REVISION_BYTES, revisionKey } from './key-bucket.js';
import { ProtoWriter } from './protobuf.js';
import { runSteps, STEP_ITEMS, type Steps } from './steps.js';

export interface EtcdMember {
  readonly id: bigint;
  readonly name: string;
  readonly peerURLs: readonly string[];
  readonly clientURLs: readonly string[];
  /** Written only when true (Go's `json:"isLearner,omitempty"`). */
  readonly isLearner?: boolean;
}

/** What a snapshot holds: the replicated state, plus this member's view of the cluster. */
export interface EtcdState {
  readonly mvcc: MvccSnapshot;
  readonly auth: AuthSnapshot;
  readonly members: readonly EtcdMember[];
  readonly alarms: readonly (readonly [bigint, AlarmType])[];
  /** The Raft index the state reflects (etcd's consistent_index). */
  readonly consistentIndex: number;
}

export const PERM_TYPE_NUMBERS = { READ: 0, WRITE: 1, READWRITE: 2 } as const;

function u64(value: number | bigint): Uint8Array {
  const out = Buffer.alloc(8);
  out.writeBigUInt64BE(BigInt.asUintN(64, BigInt(value)));
  return out;
}

const text = (s: string) => Buffer.from(s, 'utf8');

function byKey(pairs: BoltPair[]): BoltPair[] {
  return pairs.sort((a, b) => compareBytes(a.key, b.key));
}

function metaPairs(s: EtcdState): BoltPair[] {
  const pairs: BoltPair[] = [{ key: text('consistent_index'), value: u64(s.consistentIndex) }];
  if (s.mvcc.compactRevision > 0) {
    const rev = revisionKey(s.mvcc.compactRevision);
    pairs.push({ key: text('finishedCompactRev'), value: rev });
    pairs.push({ key: text('scheduledCompactRev'), value: rev });
  }
  return pairs;
}

function leasePairs(m: MvccSnapshot): BoltPair[] {
  // Ids are positive int64: big-endian unsigned order is their numeric order.
  return byKey(
    m.leaseIds.map((id, i) => ({
      key: u64(id),
      value: new ProtoWriter()
        .int(1, id)
        .int(2, m.leaseTtls[i] as number)
        .finish(),
    })),
  );
}

/** Go's encoding/json of a string: HTML-sensitive characters escaped as Go escapes them. */
function goJson(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => {
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

function memberPairs(members: readonly EtcdMember[]): BoltPair[] {
  return byKey(
    members.map((m) => ({
      key: text(m.id.toString(16).padStart(16, '0')),
      value: text(
        `{"id":${m.id},"peerURLs":${goJson(m.peerURLs)},` +
          `${m.isLearner === true ? '"isLearner":true,' : ''}"name":${goJson(m.name)},` +
          `"clientURLs":${goJson(m.clientURLs)}}`,
      ),
    })),
  );
}

function authPairs(a: AuthSnapshot): BoltPair[] {
  const pairs: BoltPair[] = [];
  if (a.enabled) pairs.push({ key: text('authEnabled'), value: Uint8Array.of(1) });
  pairs.push({ key: text('authRevision'), value: u64(a.revision) });
  return pairs;
}

function userPairs(a: AuthSnapshot): BoltPair[] {
  return byKey(
    a.users.map(([name, password, noPassword, roles]) => {
      const w = new ProtoWriter().bytes(1, name).bytes(2, password);
      for (const role of roles) w.bytes(3, role, true);
      if (noPassword) w.bytes(4, new ProtoWriter().int(1, true).finish());
      return { key: text(name), value: w.finish() };
    }),
  );
}

function rolePairs(a: AuthSnapshot): BoltPair[] {
  return byKey(
    a.roles.map(([name, perms]) => {
      const w = new ProtoWriter().bytes(1, name);
      for (const [permType, key, rangeEnd] of perms) {
        const p = new ProtoWriter()
          .int(1, PERM_TYPE_NUMBERS[permType as keyof typeof PERM_TYPE_NUMBERS])
          .bytes(2, key)
          .bytes(3, rangeEnd)
          .finish();
        w.bytes(2, p, true);
      }
      return { key: text(name), value: w.finish() };
    }),
  );
}

function alarmPairs(alarms: EtcdState['alarms']): BoltPair[] {
  return byKey(
    alarms.map(([memberID, alarm]) => ({
      key: new ProtoWriter().int(1, memberID).int(2, ALARM_TYPES.indexOf(alarm)).finish(),
      value: new Uint8Array(0),
    })),
  );
}

/** The buckets of etcd's database for `s`, by name. */
export function etcdBuckets(s: EtcdState): BoltBucket[] {
  return runSteps(etcdBucketSteps(s));
}

/** etcdBuckets in steps (see steps.ts). */
export function* etcdBucketSteps(s: EtcdState): Steps<BoltBucket[]> {
  const key = yield* keyBucketSteps(s.mvcc);
  return [
    bucket('alarm', alarmPairs(s.alarms)),
    bucket('auth', authPairs(s.auth)),
    bucket('authRoles', rolePairs(s.auth)),
    bucket('authUsers', userPairs(s.auth)),
    bucket('cluster', [{ key: text('clusterVersion'), value: text(ETCD_CLUSTER_VERSION) }]),
    { name: text('key'), pairs: key },
    bucket('lease', leasePairs(s.mvcc)),
    bucket('members', memberPairs(s.members)),
    bucket('members_removed', []),
    bucket('meta', metaPairs(s)),
  ];
}

const CONSISTENT_INDEX = text('consistent_index');

/**
 * CRC-32C over every bucket's name and pairs, in order: etcd's backend Hash (Maintenance.Hash,
 * which skips meta's consistent_index) or snapshot status's (which does not).
 */
export function hashBuckets(buckets: readonly BoltBucket[], o: { consistentIndex: boolean }) {
  return runSteps(hashBucketSteps(buckets, o));
}

/** hashBuckets in steps (see steps.ts). */
export function* hashBucketSteps(
  buckets: readonly BoltBucket[],
  o: { consistentIndex: boolean },
): Steps<number> {
  let crc = 0;
  for (const b of buckets) {
    crc = crc32c(Buffer.from(b.name), crc);
    const meta = Buffer.from(b.name).toString('latin1') === 'meta';
    for (let i = 0; i < b.pairs.length; i++) {
      if (i % STEP_ITEMS === STEP_ITEMS - 1) yield;
      const key = b.pairs.key(i);
      if (meta && !o.consistentIndex && compareBytes(key, CONSISTENT_INDEX) === 0) continue;
      crc = crc32c(Buffer.from(key.buffer, key.byteOffset, key.byteLength), crc);
      const value = b.pairs.value(i);
      crc = crc32c(Buffer.from(value.buffer, value.byteOffset, value.byteLength), crc);
    }
  }
  return crc >>> 0;
}

/** `etcdctl snapshot status`'s fields (clientv3/snapshot Status). */
export interface SnapshotStatus {
  readonly hash: number;
  /** The main revision of the key bucket's last pair (0 when it is empty). */
  readonly revision: number;
  readonly totalKey: number;
  readonly totalSize: number;
}

export function snapshotStatus(file: BoltFile): SnapshotStatus {
  let totalKey = 0;
  let revision = 0;
  for (const b of file.buckets) {
    totalKey += b.pairs.length;
    const isKey = Buffer.from(b.name).toString('latin1') === 'key';
    if (isKey && b.pairs.length > 0) {
      const last = b.pairs.key(b.pairs.length - 1);
      if (last.length >= REVISION_BYTES)
        revision = Number(Buffer.from(last.buffer, last.byteOffset, 8).readBigInt64BE(0));
    }
  }
  return {
    hash: hashBuckets(file.buckets, { consistentIndex: true }),
    revision,
    totalKey,
    totalSize: file.highWater * file.pageSize,
  };
}
