// etcd v3.4's database buckets (etcd-buckets.ts) back into the server's state: what
// `cohort snapshot restore` starts a member from. As etcd's own restore does, the members
// of the old cluster are dropped (the restored cluster is the one named on the command line)
// and the store is rebuilt from the key bucket (mvcc/kvstore.go restore): the current
// revision is the last version's, or the finished compaction's when that is later; a
// compaction that was scheduled but not finished is completed here (etcd resumes it).
//
// Fault model: the file is untrusted. The bolt reader has checked its structure; here every
// revision key, protobuf and field is checked, and the rebuilt state is validated whole by
// the machines' own restore (MvccMachine.restore, AuthStore.restore). Problems throw
// EtcdSnapshotError (or the reader's BoltFormatError).

import type { AuthSnapshot } from '../auth/store.js';
import { ALARM_TYPES, type AlarmType } from '../cluster-state.js';
import { type MvccSnapshot, SNAPSHOT_FORMAT } from '../mvcc/index.js';
import type { BoltBucket } from './bolt-format.js';
import type { BoltFile } from './bolt-reader.js';
import { PERM_TYPE_NUMBERS } from './etcd-buckets.js';
import { REVISION_BYTES, TOMBSTONE_MARK } from './key-bucket.js';
import { asInt64, decodeKeyValue, ProtoError, readFields } from './protobuf.js';

export class EtcdSnapshotError extends Error {
  override readonly name = 'EtcdSnapshotError';
}

function fail(what: string, cause?: unknown): never {
  throw new EtcdSnapshotError(`etcd snapshot: ${what}`, { cause });
}

export interface RestoredState {
  readonly mvcc: MvccSnapshot;
  readonly auth: AuthSnapshot;
  readonly alarms: readonly (readonly [bigint, AlarmType])[];
}

interface Version {
  readonly key: string;
  readonly mod: number;
  readonly sub: number;
  readonly create: number;
  readonly version: number;
  readonly value: string;
  readonly lease: bigint;
}

const latin1 = (b: Uint8Array) =>
  Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
const view = (b: Uint8Array) => Buffer.from(b.buffer, b.byteOffset, b.byteLength);

/** A revision number that fits a JS number and is not negative. */
function revisionNumber(v: number | bigint, what: string): number {
  if (typeof v === 'number') return v;
  if (v < 0n || v > BigInt(Number.MAX_SAFE_INTEGER)) fail(`${what} out of range`);
  return Number(v);
}

function parseRevision(key: Uint8Array, what: string): { main: number; sub: number } {
  if (key.length < REVISION_BYTES || key[8] !== 0x5f) fail(`${what}: not a revision`);
  const b = view(key);
  return {
    main: revisionNumber(b.readBigInt64BE(0), what),
    sub: revisionNumber(b.readBigInt64BE(9), what),
  };
}

function parseVersion(key: Uint8Array, value: Uint8Array): Version {
  const tombstone = key.length === REVISION_BYTES + 1 && key[REVISION_BYTES] === TOMBSTONE_MARK;
  if (key.length !== REVISION_BYTES && !tombstone) fail('a key bucket key of bad length');
  const { main, sub } = parseRevision(key, 'key bucket');
  const kv = decodeKeyValue(value);
  if (kv.key.length === 0) fail(`revision ${main}: a version without a key`);
  if (tombstone)
    return { key: latin1(kv.key), mod: main, sub, create: 0, version: 0, value: '', lease: 0n };
  if (kv.modRevision !== main) fail(`revision ${main}: mod_revision differs`);
  if (kv.lease < 0n) fail(`revision ${main}: negative lease`);
  return {
    key: latin1(kv.key),
    mod: main,
    sub,
    create: revisionNumber(kv.createRevision, 'create_revision'),
    version: revisionNumber(kv.version, 'version'),
    value: latin1(kv.value),
    lease: kv.lease,
  };
}

/** etcd's compaction at `compact`: per key, below it only the newest put survives. */
function compacted(versions: Version[], compact: number): Version[] {
  if (compact <= 0) return versions;
  const out: Version[] = [];
  for (let i = 0; i < versions.length; i++) {
    const v = versions[i] as Version;
    const next = versions[i + 1];
    const newestBelow = next === undefined || next.key !== v.key || next.mod > compact;
    if (v.mod > compact || (newestBelow && v.version !== 0)) out.push(v);
  }
  return out;
}

function metaRevision(meta: BoltBucket | undefined, name: string): number {
  if (meta === undefined) return -1;
  for (let i = 0; i < meta.pairs.length; i++)
    if (latin1(meta.pairs.key(i)) === name) return parseRevision(meta.pairs.value(i), name).main;
  return -1;
}

function leaseColumns(lease: BoltBucket | undefined) {
  const ids: bigint[] = [];
  const ttls: number[] = [];
  for (let i = 0; lease !== undefined && i < lease.pairs.length; i++) {
    let id = 0n;
    let ttl = 0n;
    for (const [field, v] of readFields(lease.pairs.value(i))) {
      if (typeof v !== 'bigint') continue;
      if (field === 1) id = asInt64(v);
      else if (field === 2) ttl = asInt64(v);
    }
    if (id <= 0n || view(lease.pairs.key(i)).length !== 8) fail('a lease without a positive id');
    if (view(lease.pairs.key(i)).readBigUInt64BE(0) !== id) fail('a lease under another id');
    if (ttl < 0n || ttl > 9_000_000_000n) fail(`lease ${id}: TTL out of range`);
    ids.push(id);
    ttls.push(Number(ttl));
  }
  // The file keeps no expiry. As etcd's restored lessor does, a lease never expires until
  // the first leader renews every lease on its promotion (etcd-server.ts keepLeases): then
  // it gets its full TTL from that moment.
  return {
    leaseIds: ids,
    leaseTtls: ttls,
    leaseExpiriesMs: ttls.map(() => Number.MAX_SAFE_INTEGER),
  };
}

function mvccOf(buckets: Map<string, BoltBucket>): MvccSnapshot {
  const keyBucket = buckets.get('key');
  const parsed: Version[] = [];
  for (let i = 0; keyBucket !== undefined && i < keyBucket.pairs.length; i++)
    parsed.push(parseVersion(keyBucket.pairs.key(i), keyBucket.pairs.value(i)));
  const lastMain = parsed.at(-1)?.mod ?? 1;
  const finished = metaRevision(buckets.get('meta'), 'finishedCompactRev');
  const scheduled = metaRevision(buckets.get('meta'), 'scheduledCompactRev');
  const compactRevision = Math.max(finished, scheduled);
  // Stable: each key's versions stay in revision order.
  parsed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const versions = compacted(parsed, compactRevision);
  const keys: string[] = [];
  const entryCounts: number[] = [];
  for (const v of versions) {
    const last = entryCounts.length - 1;
    if (keys.at(-1) === v.key) entryCounts[last] = (entryCounts[last] as number) + 1;
    else {
      keys.push(v.key);
      entryCounts.push(1);
    }
  }
  return {
    format: SNAPSHOT_FORMAT,
    revision: Math.max(lastMain, compactRevision, 1),
    compactRevision,
    keyBytes: Buffer.from(keys.join(''), 'latin1'),
    keyLengths: keys.map((k) => k.length),
    entryCounts,
    modRevisions: versions.map((v) => v.mod),
    subs: versions.map((v) => v.sub),
    createRevisions: versions.map((v) => v.create),
    versions: versions.map((v) => v.version),
    leases: versions.map((v) => v.lease),
    valueBytes: Buffer.from(versions.map((v) => v.value).join(''), 'latin1'),
    valueLengths: versions.map((v) => v.value.length),
    ...leaseColumns(buckets.get('lease')),
  };
}

const PERM_NAMES = Object.keys(PERM_TYPE_NUMBERS) as (keyof typeof PERM_TYPE_NUMBERS)[];

function authOf(buckets: Map<string, BoltBucket>): AuthSnapshot {
  const auth = buckets.get('auth');
  let enabled = false;
  let revision = 1;
  for (let i = 0; auth !== undefined && i < auth.pairs.length; i++) {
    const name = latin1(auth.pairs.key(i));
    const value = view(auth.pairs.value(i));
    if (name === 'authEnabled') enabled = value.length === 1 && value[0] === 1;
    if (name === 'authRevision' && value.length === 8)
      revision = Math.max(1, revisionNumber(value.readBigUInt64BE(0), 'authRevision'));
  }
  const users: AuthSnapshot['users'][number][] = [];
  const userBucket = buckets.get('authUsers');
  for (let i = 0; userBucket !== undefined && i < userBucket.pairs.length; i++) {
    let name = '';
    let password = '';
    let noPassword = false;
    const roles: string[] = [];
    for (const [field, v] of readFields(userBucket.pairs.value(i))) {
      if (!(v instanceof Uint8Array)) continue;
      if (field === 1) name = view(v).toString('utf8');
      else if (field === 2) password = view(v).toString('utf8');
      else if (field === 3) roles.push(view(v).toString('utf8'));
      else if (field === 4) noPassword = readFields(v).some(([f, x]) => f === 1 && x === 1n);
    }
    users.push([name, password, noPassword, roles]);
  }
  const roles: AuthSnapshot['roles'][number][] = [];
  const roleBucket = buckets.get('authRoles');
  for (let i = 0; roleBucket !== undefined && i < roleBucket.pairs.length; i++) {
    let name = '';
    const perms: [string, Uint8Array, Uint8Array][] = [];
    for (const [field, v] of readFields(roleBucket.pairs.value(i))) {
      if (!(v instanceof Uint8Array)) continue;
      if (field === 1) name = view(v).toString('utf8');
      if (field !== 2) continue;
      const perm: [string, Uint8Array, Uint8Array] = ['READ', new Uint8Array(0), new Uint8Array(0)];
      for (const [f, x] of readFields(v)) {
        if (f === 1 && typeof x === 'bigint') perm[0] = PERM_NAMES[Number(x)] ?? fail('perm type');
        if (f === 2 && x instanceof Uint8Array) perm[1] = Uint8Array.from(x);
        if (f === 3 && x instanceof Uint8Array) perm[2] = Uint8Array.from(x);
      }
      perms.push(perm);
    }
    roles.push([name, perms]);
  }
  return { enabled, revision, users, roles };
}

function alarmsOf(buckets: Map<string, BoltBucket>): RestoredState['alarms'] {
  const alarm = buckets.get('alarm');
  const out: [bigint, AlarmType][] = [];
  for (let i = 0; alarm !== undefined && i < alarm.pairs.length; i++) {
    let member = 0n;
    let type = 0;
    for (const [field, v] of readFields(alarm.pairs.key(i))) {
      if (field === 1 && typeof v === 'bigint') member = v;
      if (field === 2 && typeof v === 'bigint') type = Number(v);
    }
    out.push([member, ALARM_TYPES[type] ?? fail(`alarm type ${type}`)]);
  }
  return out;
}

/** The state in an etcd database file; throws EtcdSnapshotError on anything malformed. */
export function restoredState(file: BoltFile): RestoredState {
  const buckets = new Map(file.buckets.map((b) => [latin1(b.name), b]));
  try {
    return { mvcc: mvccOf(buckets), auth: authOf(buckets), alarms: alarmsOf(buckets) };
  } catch (error) {
    if (error instanceof ProtoError) fail(`a malformed protobuf: ${error.message}`, error);
    throw error;
  }
}
