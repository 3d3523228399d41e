// The cluster's own replicated state inside the server machine (etcd keeps it beside the
// key space: the membership store and the alarm bucket): each member's published attributes
// — its name and client URLs, proposed by the member itself once a leader exists (etcd's
// `publish`, etcdserver/server.go), so MemberList on any member names every member's client
// URLs — and the alarms (etcd's v3alarm AlarmStore: one per (alarm type, member id)). A
// NOSPACE alarm caps the key space: writes that add data are refused until it is disarmed;
// a CORRUPT alarm refuses every logged KV and lease write (etcd's capped and corrupt appliers).
//
// It also holds the roster — etcd's membership store (etcdserver/api/membership): every
// member's id, Raft id and peer URLs, written by the bootstrap (the --initial-cluster every
// first member proposes; the first to apply wins, as etcd's first ConfChanges do) and by
// MemberAdd/MemberRemove/MemberUpdate, validated at apply as etcd's
// ValidateConfigurationChange does (a removed id stays removed). Raft's voters are changed
// beside it (membership.ts); the roster names who they are and where they listen.
//
// Semantics learnt from etcd v3.4 etcdserver/apply.go Alarm, api/v3alarm/alarms.go; the code
// is ours. Alarms of type NONE can be activated (etcd stores them too) but cap nothing.
//
// Fault model: none of its own (pure and deterministic); commands are shape-checked before
// they get here (command-shape.ts), and `restore` refuses a malformed snapshot whole.

import { isNodeId, isRecord } from '../core/validate.js';
import { clusterId } from './identity.js';
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

/** A member's Raft attributes (etcd's RaftAttributes, with Cohort's Raft id). */
export interface RosterEntry {
  readonly raftId: number;
  readonly peerURLs: readonly string[];
  readonly isLearner: boolean;
}

/** A member of the roster with what it published (unstarted: empty name, no client URLs). */
export interface RosterMember extends RosterEntry, MemberAttributes {
  readonly ID: bigint;
}

export type RosterError =
  | 'memberExist'
  | 'peerUrlExist'
  | 'memberNotFound'
  | 'tooManyLearners'
  | 'memberNotLearner';

/** What a membership command did: the members after it, or etcd's error. */
export type RosterResult =
  | { readonly members: readonly RosterMember[] }
  | { readonly error: RosterError };

interface RosterSeed {
  readonly ID: bigint;
  readonly raftId: number;
  readonly peerURLs: readonly string[];
}

export type ClusterCommand =
  | { readonly type: 'bootstrapMembers'; readonly request: { readonly members: RosterSeed[] } }
  | {
      readonly type: 'addMember';
      readonly request: RosterSeed & { readonly isLearner: boolean };
    }
  | { readonly type: 'removeMember'; readonly request: { readonly ID: bigint } }
  /** etcd's PromoteMember: the roster's learner becomes a voting member. */
  | { readonly type: 'promoteMember'; readonly request: { readonly ID: bigint } }
  | {
      readonly type: 'updateMember';
      readonly request: { readonly ID: bigint; readonly peerURLs: readonly string[] };
    }
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

export const CLUSTER_COMMANDS: ReadonlySet<string> = new Set([
  'publishMember',
  'alarm',
  'bootstrapMembers',
  'addMember',
  'removeMember',
  'updateMember',
  'promoteMember',
]);

/** etcd 3.4's maxLearners: one learner at a time. */
export const MAX_LEARNERS = 1;
export const CLUSTER_READS: ReadonlySet<string> = new Set(['alarmGet']);

export interface ClusterSnapshot {
  /** [member id, name, client URLs], by id. */
  readonly members: readonly (readonly [bigint, string, readonly string[]])[];
  /** [member id, alarm type], in `get('NONE')` order. */
  readonly alarms: readonly (readonly [bigint, AlarmType])[];
  /** [member id, Raft id, peer URLs], by id (absent before the roster existed). */
  readonly roster?: readonly (readonly [bigint, number, readonly string[]])[];
  /** The roster's learners' ids (absent: none, as before learners existed). */
  readonly learners?: readonly bigint[];
  readonly removed?: readonly bigint[];
  readonly bootstrapped?: boolean;
  readonly clusterId?: bigint;
}

const byId = <T>([a]: readonly [bigint, ...T[]], [b]: readonly [bigint, ...T[]]) =>
  a < b ? -1 : a > b ? 1 : 0;

const alarmKey = (a: AlarmMember) => `${a.alarm}/${a.memberID}`;

function byTypeThenMember(a: AlarmMember, b: AlarmMember): number {
  const t = ALARM_TYPES.indexOf(a.alarm) - ALARM_TYPES.indexOf(b.alarm);
  if (t !== 0) return t;
  return a.memberID < b.memberID ? -1 : a.memberID > b.memberID ? 1 : 0;
}

export class ClusterState {
  private readonly members = new Map<bigint, MemberAttributes>();
  private readonly alarms = new Map<string, AlarmMember>();
  private readonly roster = new Map<bigint, RosterEntry>();
  private readonly removed = new Set<bigint>();
  private bootstrapped = false;
  /** etcd's cluster id, fixed by the bootstrap (identity.ts clusterId of the first ids). */
  clusterId = 0n;
  /** Counts roster changes, so watchers of the roster (membership.ts) notice cheaply. */
  rosterVersion = 0;

  /** Applies a logged cluster command; the value is etcd's response body (no header). */
  apply(command: ClusterCommand): unknown {
    switch (command.type) {
      case 'publishMember': {
        const { ID, name, clientURLs } = command.request;
        // etcd ignores a publish from a member no longer in the cluster.
        if (this.removed.has(ID)) return {};
        this.members.set(ID, { name, clientURLs: [...clientURLs] });
        return {};
      }
      case 'bootstrapMembers':
        return this.bootstrap(command.request.members);
      case 'addMember':
      case 'removeMember':
      case 'updateMember':
      case 'promoteMember':
        return this.changeRoster(command);
      case 'alarm':
        return this.applyAlarm(command);
    }
  }

  private bootstrap(seeds: readonly RosterSeed[]): RosterResult {
    if (!this.bootstrapped) {
      this.bootstrapped = true;
      this.clusterId = clusterId(seeds.map((m) => m.ID));
      for (const m of seeds) this.setEntry(m.ID, { ...m, isLearner: false });
    }
    return { members: this.rosterMembers() };
  }

  /** etcd's ValidateConfigurationChange, then the change (membership/cluster.go). */
  private changeRoster(
    command: Extract<
      ClusterCommand,
      { type: 'addMember' | 'removeMember' | 'updateMember' | 'promoteMember' }
    >,
  ): RosterResult {
    const { ID } = command.request;
    if (this.removed.has(ID)) return { error: 'memberNotFound' };
    const others = [...this.roster].filter(([id]) => id !== ID);
    const taken = new Set(others.flatMap(([, m]) => m.peerURLs));
    if (command.type === 'addMember') {
      const { raftId, peerURLs, isLearner } = command.request;
      if (this.roster.has(ID)) return { error: 'memberExist' };
      if (peerURLs.some((u) => taken.has(u))) return { error: 'peerUrlExist' };
      // A Raft id is derived from peer URLs (identity.ts): one in use is a member id in use.
      if (others.some(([, m]) => m.raftId === raftId)) return { error: 'memberExist' };
      const learners = others.filter(([, m]) => m.isLearner).length;
      if (isLearner && learners >= MAX_LEARNERS) return { error: 'tooManyLearners' };
      this.setEntry(ID, { raftId, peerURLs: [...peerURLs], isLearner });
      return { members: this.rosterMembers() };
    }
    const entry = this.roster.get(ID);
    if (entry === undefined) return { error: 'memberNotFound' };
    if (command.type === 'removeMember') {
      this.roster.delete(ID);
      this.members.delete(ID);
      this.removed.add(ID);
      this.rosterVersion++;
      return { members: this.rosterMembers() };
    }
    if (command.type === 'promoteMember') {
      if (!entry.isLearner) return { error: 'memberNotLearner' };
      this.setEntry(ID, { ...entry, isLearner: false });
      return { members: this.rosterMembers() };
    }
    const { peerURLs } = command.request;
    if (peerURLs.some((u) => taken.has(u))) return { error: 'peerUrlExist' };
    this.setEntry(ID, { ...entry, peerURLs: [...peerURLs] });
    return { members: this.rosterMembers() };
  }

  private setEntry(ID: bigint, entry: RosterEntry): void {
    this.roster.set(ID, entry);
    this.rosterVersion++;
  }

  /** Whether the roster was written (before: MemberList shows --initial-cluster). */
  get hasRoster(): boolean {
    return this.bootstrapped;
  }

  isRemoved(ID: bigint): boolean {
    return this.removed.has(ID);
  }

  /** The roster with what each member published, by id (etcd lists members so). */
  rosterMembers(): RosterMember[] {
    return [...this.roster]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([ID, m]) => {
        const published = this.members.get(ID);
        return { ID, ...m, name: published?.name ?? '', clientURLs: published?.clientURLs ?? [] };
      });
  }

  private applyAlarm(command: Extract<ClusterCommand, { type: 'alarm' }>): unknown {
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
      roster: [...this.roster]
        .map(([id, m]) => [id, m.raftId, [...m.peerURLs]] as const)
        .sort(byId),
      learners: [...this.roster]
        .filter(([, m]) => m.isLearner)
        .map(([id]) => id)
        .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
      removed: [...this.removed].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)),
      bootstrapped: this.bootstrapped,
      clusterId: this.clusterId,
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
    const roster = rosterOf(x);
    for (const m of roster.seeds)
      state.roster.set(m.ID, { ...m, isLearner: roster.learners.includes(m.ID) });
    for (const id of roster.removed) state.removed.add(id);
    state.bootstrapped = roster.bootstrapped;
    state.clusterId = typeof x.clusterId === 'bigint' ? x.clusterId : 0n;
    return state;
  }
}

/** The roster part of a snapshot (absent in snapshots written before it existed). */
function rosterOf(x: Record<string, unknown>): {
  seeds: RosterSeed[];
  learners: bigint[];
  removed: bigint[];
  bootstrapped: boolean;
} {
  const roster = x.roster ?? [];
  const learners = x.learners ?? [];
  const removed = x.removed ?? [];
  if (!Array.isArray(roster) || !Array.isArray(learners) || !Array.isArray(removed))
    throw new TypeError('cluster snapshot: roster, learners and removed lists');
  const seeds: RosterSeed[] = roster.map((m) => {
    const [ID, raftId, peerURLs] = Array.isArray(m) ? m : [];
    if (typeof ID !== 'bigint' || !isNodeId(raftId) || !isStringList(peerURLs))
      throw new TypeError('cluster snapshot: a roster entry is [id, Raft id, peer URLs]');
    return { ID, raftId, peerURLs };
  });
  if (![...removed, ...learners].every((id) => typeof id === 'bigint'))
    throw new TypeError('cluster snapshot: removed and learner ids are int64');
  return {
    seeds,
    learners: learners as bigint[],
    removed: removed as bigint[],
    bootstrapped: x.bootstrapped === true,
  };
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
