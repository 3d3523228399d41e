// The cluster's own replicated state inside the server machine (etcd keeps it beside the
// key space: the membership store and the alarm bucket): each member's published attributes
// — its name and client URLs, proposed by the member itself once a leader exists (etcd's
// `publish`, etcdserver/server.go), so MemberList on any member names every member's client
// URLs — and the alarms (etcd's v3alarm AlarmStore: one per (alarm type, member id)). A
// NOSPACE alarm caps the key space: writes that add data are refused until it is disarmed;
// a CORRUPT alarm refuses every logged KV and lease write (etcd's capped and corrupt appliers).
//
// Semantics learnt from etcd v3.4 etcdserver/apply.go Alarm, api/v3alarm/alarms.go; the code
// is ours. Alarms of type NONE can be activated (etcd stores them too) but cap nothing.
//
// Fault model: none of its own (pure and deterministic); commands are shape-checked before
// they get here (command-shape.ts), and `restore` refuses a malformed snapshot whole.

import { isRecord } from '../core/validate.js';
import type { MvccCommand, RequestOp, TxnRequest } from './mvcc/index.js';

export const ALARM_TYPES = ['NONE', 'NOSPACE', 'CORRUPT'] as const;
export type AlarmType = (typeof ALARM_TYPES)[number];

export interface AlarmMember {
  readonly memberID: bigint;
  readonly alarm: AlarmType;
}

export interface MemberAttributes {
  readonly name: string;
  readonly clientURLs: readonly string[];
}

export type ClusterCommand =
  | {
      readonly type: 'publishMember';
      readonly request: { readonly ID: bigint } & MemberAttributes;
    }
  | {
      readonly type: 'alarm';
      readonly request: {
        readonly action: 'ACTIVATE' | 'DEACTIVATE';
        readonly memberID: bigint;
        readonly alarm: AlarmType;
      };
    };

/** etcd's Alarm GET: the alarms of one type (NONE: all), answered after a ReadIndex. */
export interface ClusterRead {
  readonly type: 'alarmGet';
  readonly request: { readonly alarm: AlarmType };
}

export const CLUSTER_COMMANDS: ReadonlySet<string> = new Set(['publishMember', 'alarm']);
export const CLUSTER_READS: ReadonlySet<string> = new Set(['alarmGet']);

export interface ClusterSnapshot {
  /** [member id, name, client URLs], by id. */
  readonly members: readonly (readonly [bigint, string, readonly string[]])[];
  /** [member id, alarm type], in `get('NONE')` order. */
  readonly alarms: readonly (readonly [bigint, AlarmType])[];
}

const alarmKey = (a: AlarmMember) => `${a.alarm}/${a.memberID}`;

function byTypeThenMember(a: AlarmMember, b: AlarmMember): number {
  const t = ALARM_TYPES.indexOf(a.alarm) - ALARM_TYPES.indexOf(b.alarm);
  if (t !== 0) return t;
  return a.memberID < b.memberID ? -1 : a.memberID > b.memberID ? 1 : 0;
}

export class ClusterState {
  private readonly members = new Map<bigint, MemberAttributes>();
  private readonly alarms = new Map<string, AlarmMember>();

  /** Applies a logged cluster command; the value is etcd's response body (no header). */
  apply(command: ClusterCommand): unknown {
    if (command.type === 'publishMember') {
      const { ID, name, clientURLs } = command.request;
      this.members.set(ID, { name, clientURLs: [...clientURLs] });
      return {};
    }
    const { action, memberID, alarm } = command.request;
    const m: AlarmMember = { memberID, alarm };
    const key = alarmKey(m);
    const existing = this.alarms.get(key);
    if (action === 'ACTIVATE') {
      if (existing === undefined) this.alarms.set(key, m);
      return { alarms: [existing ?? m] };
    }
    if (existing === undefined) return { alarms: [] };
    this.alarms.delete(key);
    return { alarms: [existing] };
  }

  read(r: ClusterRead): unknown {
    return { alarms: this.get(r.request.alarm) };
  }

  /** The alarms of `type` (NONE: every alarm), by type then member id (etcd: map order). */
  get(type: AlarmType): AlarmMember[] {
    const all = [...this.alarms.values()].sort(byTypeThenMember);
    return type === 'NONE' ? all : all.filter((a) => a.alarm === type);
  }

  has(type: AlarmType): boolean {
    for (const a of this.alarms.values()) if (a.alarm === type) return true;
    return false;
  }

  /** What member `id` published about itself, if it did. */
  attributes(id: bigint): MemberAttributes | undefined {
    return this.members.get(id);
  }

  /** Why an alarm refuses `command` (etcd's capped/corrupt appliers), or undefined. */
  refusal(command: { readonly type: string }): 'noSpace' | 'corrupt' | undefined {
    if (this.has('CORRUPT') && CORRUPT_REFUSES.has(command.type)) return 'corrupt';
    if (this.has('NOSPACE') && addsData(command as MvccCommand)) return 'noSpace';
    return undefined;
  }

  snapshot(): ClusterSnapshot {
    return {
      members: [...this.members]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([id, m]) => [id, m.name, [...m.clientURLs]] as const),
      alarms: this.get('NONE').map((a) => [a.memberID, a.alarm] as const),
    };
  }

  /** Rebuilds the state from a snapshot; throws on anything malformed (peer input). */
  static restore(x: unknown): ClusterState {
    if (!isRecord(x) || !Array.isArray(x.members) || !Array.isArray(x.alarms))
      throw new TypeError('cluster snapshot: members and alarms lists');
    const state = new ClusterState();
    for (const m of x.members) {
      const [id, name, urls] = Array.isArray(m) ? m : [];
      if (typeof id !== 'bigint' || typeof name !== 'string' || !isStringList(urls))
        throw new TypeError('cluster snapshot: a member is [id, name, client URLs]');
      state.members.set(id, { name, clientURLs: urls });
    }
    for (const a of x.alarms) {
      const [memberID, alarm] = Array.isArray(a) ? a : [];
      if (typeof memberID !== 'bigint' || !ALARM_TYPES.includes(alarm))
        throw new TypeError('cluster snapshot: an alarm is [member id, type]');
      const m: AlarmMember = { memberID, alarm };
      state.alarms.set(alarmKey(m), m);
    }
    return state;
  }
}

function isStringList(x: unknown): x is string[] {
  return Array.isArray(x) && x.every((u) => typeof u === 'string');
}

/** etcd's applierV3Corrupt refuses these (reads are served by the base applier). */
const CORRUPT_REFUSES: ReadonlySet<string> = new Set([
  'put',
  'deleteRange',
  'txn',
  'compact',
  'leaseGrant',
  'leaseRevoke',
]);

function txnPuts(t: TxnRequest): boolean {
  const puts = (op: RequestOp): boolean =>
    op.requestPut !== undefined || (op.requestTxn !== undefined && txnPuts(op.requestTxn));
  return (t.success ?? []).some(puts) || (t.failure ?? []).some(puts);
}

/**
 * Whether a command adds data while NOSPACE caps the store (etcd's applierV3Capped): a put,
 * a txn with a put in either branch, a lease grant. Unlike etcd 3.4, a put inside a nested
 * txn counts too (etcd's costTxn looks only one level deep).
 */
export function addsData(command: MvccCommand): boolean {
  switch (command.type) {
    case 'put':
    case 'leaseGrant':
      return true;
    case 'txn':
      return txnPuts(command.request);
    default:
      return false;
  }
}

/** etcd's AlarmMember.String() (protobuf compact text: set fields, each with a space). */
export function alarmText(a: AlarmMember): string {
  return `${a.memberID === 0n ? '' : `memberID:${a.memberID} `}${a.alarm === 'NONE' ? '' : `alarm:${a.alarm} `}`;
}
