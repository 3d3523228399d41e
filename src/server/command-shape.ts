// Shape checks for the server machine's commands as they arrive from peers (inside Raft's
// AppendEntries and forwarded ClientRequests): every field the MVCC machine will touch has
// the type it expects — bytes are Uint8Array (latin1 strings too in MVCC requests), revisions
// safe integers, lease ids bigint — so applying a command can only fail with etcd's errors,
// never with a TypeError that would stop the member. The machine checks the request's MEANING (empty key, too many ops …).
//
// Fault model: peers are authenticated, but their input is still untrusted (a bug or a
// corrupt frame must not stop a member): anything unexpected is refused, whole.

import { isRecord } from '../core/validate.js';
import { ALARM_TYPES } from './cluster-state.js';
import { isLatin1 } from './mvcc/bytes.js';

type Check = (x: unknown) => boolean;
type Fields = Readonly<Record<string, Check>>;

const bytes: Check = (x) => x instanceof Uint8Array;
/** MVCC request bytes: also their latin1 spelling, as a proposer logs them (mvcc/pack.ts). */
const reqBytes: Check = (x) => x instanceof Uint8Array || (typeof x === 'string' && isLatin1(x));
const int: Check = (x) => typeof x === 'number' && Number.isSafeInteger(x);
const bool: Check = (x) => typeof x === 'boolean';
const big: Check = (x) => typeof x === 'bigint';
const oneOf =
  (...names: readonly string[]): Check =>
  (x) =>
    typeof x === 'string' && names.includes(x);
const optional =
  (check: Check): Check =>
  (x) =>
    x === undefined || check(x);
const listOf =
  (check: Check): Check =>
  (x) =>
    Array.isArray(x) && x.every(check);

/** A record whose own fields, where present, pass their checks; unknown fields refuse it. */
function shaped(fields: Fields, required: readonly string[] = []): Check {
  return (x) => {
    if (!isRecord(x)) return false;
    for (const name of required) if (!Object.hasOwn(x, name)) return false;
    for (const [name, value] of Object.entries(x)) {
      const check = Object.hasOwn(fields, name) ? fields[name] : undefined;
      if (check === undefined || !check(value)) return false;
    }
    return true;
  };
}

const range = shaped(
  {
    key: reqBytes,
    rangeEnd: optional(reqBytes),
    limit: optional(int),
    revision: optional(int),
    sortOrder: optional(oneOf('NONE', 'ASCEND', 'DESCEND')),
    sortTarget: optional(oneOf('KEY', 'VERSION', 'CREATE', 'MOD', 'VALUE')),
    serializable: optional(bool),
    keysOnly: optional(bool),
    countOnly: optional(bool),
    minModRevision: optional(int),
    maxModRevision: optional(int),
    minCreateRevision: optional(int),
    maxCreateRevision: optional(int),
  },
  ['key'],
);
const put = shaped(
  {
    key: reqBytes,
    value: optional(reqBytes),
    lease: optional(big),
    prevKv: optional(bool),
    ignoreValue: optional(bool),
    ignoreLease: optional(bool),
  },
  ['key'],
);
const deleteRange = shaped(
  { key: reqBytes, rangeEnd: optional(reqBytes), prevKv: optional(bool) },
  ['key'],
);
const compare = shaped(
  {
    result: oneOf('EQUAL', 'GREATER', 'LESS', 'NOT_EQUAL'),
    target: oneOf('VERSION', 'CREATE', 'MOD', 'VALUE', 'LEASE'),
    key: reqBytes,
    rangeEnd: optional(reqBytes),
    version: optional(int),
    createRevision: optional(int),
    modRevision: optional(int),
    value: optional(reqBytes),
    lease: optional(big),
  },
  ['result', 'target', 'key'],
);
/** Txns nest; depth is bounded by the wire decoder's own limits and by etcd's op limit. */
const requestOp: Check = (x) =>
  shaped({
    requestRange: optional(range),
    requestPut: optional(put),
    requestDeleteRange: optional(deleteRange),
    requestTxn: optional(txn),
  })(x);
function txn(x: unknown): boolean {
  return shaped({
    compare: optional(listOf(compare)),
    success: optional(listOf(requestOp)),
    failure: optional(listOf(requestOp)),
  })(x);
}

const leaseId = shaped({ ID: big }, ['ID']);

// Auth (auth/commands.ts): names are strings, `auth` names the sender (empty user: none).
const str: Check = (x) => typeof x === 'string';
const named = (...names: readonly string[]): Check =>
  shaped(Object.fromEntries(names.map((n) => [n, str])), names);
const auth = shaped({ user: str, revision: int }, ['user', 'revision']);
const perm = shaped(
  { permType: oneOf('READ', 'WRITE', 'READWRITE'), key: bytes, rangeEnd: bytes },
  ['permType', 'key', 'rangeEnd'],
);
const userAdd = shaped({ name: str, password: str, noPassword: bool }, [
  'name',
  'password',
  'noPassword',
]);
const revokePermission = shaped({ role: str, key: bytes, rangeEnd: bytes }, [
  'role',
  'key',
  'rangeEnd',
]);

// Cluster state (cluster-state.ts): a member's attributes, alarms.
const alarmType = oneOf(...ALARM_TYPES);
const publishMember = shaped({ ID: big, name: str, clientURLs: listOf(str) }, [
  'ID',
  'name',
  'clientURLs',
]);
const raftId: Check = (x) => int(x) && (x as number) >= 1;
const seed = { ID: big, raftId, peerURLs: listOf(str) };
const rosterSeed = shaped(seed, ['ID', 'raftId', 'peerURLs']);
const addMember = shaped({ ...seed, isLearner: bool }, ['ID', 'raftId', 'peerURLs', 'isLearner']);
const updateMember = shaped({ ID: big, peerURLs: listOf(str) }, ['ID', 'peerURLs']);
const alarm = shaped({ action: oneOf('ACTIVATE', 'DEACTIVATE'), memberID: big, alarm: alarmType }, [
  'action',
  'memberID',
  'alarm',
]);

/** The machine's commands (mvcc/commands.ts MvccCommand, auth/commands.ts AuthCommand,
 * cluster-state.ts ClusterCommand) and reads (server/machine.ts). */
const COMMANDS: Readonly<Record<string, Fields>> = {
  put: { request: put },
  deleteRange: { request: deleteRange },
  txn: { request: txn },
  compact: { request: shaped({ revision: int, physical: optional(bool) }, ['revision']) },
  leaseGrant: { request: shaped({ TTL: int, ID: big }, ['TTL', 'ID']), nowMs: int },
  leaseRevoke: { request: leaseId },
  leaseKeepAlive: { request: leaseId, nowMs: int },
  range: { request: range },
  leaseTimeToLive: {
    request: shaped({ ID: big, keys: optional(bool) }, ['ID']),
    nowMs: int,
  },
  leaseLeases: {},
  authEnable: { auth },
  authDisable: { auth },
  authenticate: { request: named('name', 'prefix'), revision: int },
  userAdd: { request: userAdd, auth },
  userDelete: { request: named('name'), auth },
  userChangePassword: { request: named('name', 'password'), auth },
  userGrantRole: { request: named('user', 'role'), auth },
  userRevokeRole: { request: named('name', 'role'), auth },
  roleAdd: { request: named('name'), auth },
  roleDelete: { request: named('role'), auth },
  roleGrantPermission: { request: shaped({ name: str, perm }, ['name', 'perm']), auth },
  roleRevokePermission: { request: revokePermission, auth },
  userGet: { request: named('name'), auth },
  userList: { auth },
  roleGet: { request: named('role'), auth },
  roleList: { auth },
  authUser: { request: named('name') },
  publishMember: { request: publishMember },
  bootstrapMembers: { request: shaped({ members: listOf(rosterSeed) }, ['members']) },
  addMember: { request: addMember },
  removeMember: { request: shaped({ ID: big }, ['ID']) },
  updateMember: { request: updateMember },
  promoteMember: { request: shaped({ ID: big }, ['ID']) },
  alarm: { request: alarm },
  alarmGet: { request: shaped({ alarm: alarmType }, ['alarm']) },
};

/** The first problem of a command's shape, or undefined when the machine may apply it. */
export function commandShapeProblem(x: unknown): string | undefined {
  if (!isRecord(x) || typeof x.type !== 'string') return 'a command is an object with a type';
  const fields = Object.hasOwn(COMMANDS, x.type) ? COMMANDS[x.type] : undefined;
  if (fields === undefined) return `unknown server command ${JSON.stringify(x.type)}`;
  const check = shaped({ type: () => true, ...fields }, Object.keys(fields));
  return check(x) ? undefined : `malformed ${x.type} command`;
}
