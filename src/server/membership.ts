// Dynamic membership, as etcd 3.4 does it (etcdserver/server.go AddMember, RemoveMember,
// UpdateMember; api/membership/cluster.go): the replicated roster (cluster-state.ts) says
// who the members are and where they listen; Raft's single-server changes (§4.1: AdminOp
// add-server / remove-server) say who votes. This module keeps the two in step and the
// transport dialling whoever the roster names.
//
// - MemberAdd: etcd's strict reconfiguration checks (enough started members for the new
//   quorum, connected to every voter), the roster entry (etcd's time-salted id, the Raft id
//   derived from the peer URLs: identity.ts), then add-server. The entry comes first, so
//   every member knows the new voter's address before any configuration names it.
// - MemberRemove: the checks, the roster removal (the member still votes, so it hears of
//   it), then remove-server. A member removed from the roster that no longer votes in its
//   own log stops itself ("the member has been permanently removed from the cluster").
//   If remove-server fails after the roster removal, the leader's reconciliation proposes
//   it again: a voter whose Raft id the roster no longer names is always removed.
// - MemberUpdate: the roster's peer URLs; every transport re-dials (same Raft id).
// - Learners (etcd 3.4: at most one): MemberAdd --learner writes a learner roster entry,
//   then Raft's add-learner — a non-voting member that receives the log and counts in no
//   quorum, so adding one needs none of the voter checks. MemberPromote runs Raft's
//   promote-learner first (the leader refuses a learner holding less than 90 % of its log:
//   "can only promote a learner member which is in sync with leader"), then marks the roster
//   entry a voter; if the proposer dies in between, the leader's reconciliation finishes it.
//
// Fault model: the proposer may crash between the two steps of a change: a roster entry
// whose add-server never ran shows as an unstarted member (remove it); a removal is finished
// by the leader's reconciliation. A member removed while it was down is cut off by every
// transport and never hears of it (etcd answers such a member 410 Gone; Cohort does not):
// it stays up, isolated, until stopped.

import type { Logger } from 'pino';
import { membersOf, votersOf } from '../algorithms/consensus/raft/state.js';
import type { NodeId } from '../core/process.js';
import type { Address } from '../runtime/transport/peer-link.js';
import type { ClusterCommand, RosterMember, RosterResult } from './cluster-state.js';
import { EtcdError } from './errors.js';
import { addedMemberId, raftIdOf } from './identity.js';
import type { ServerMachine, ServerResult } from './machine.js';
import type { Member } from './member.js';
import { RaftRefusal } from './proposals.js';

/** How often the roster is compared with Raft's voters and the transport's peers. */
const RECONCILE_MS = 250;
/** A removed member answers what it was doing before it stops. */
const REMOVED_STOP_DELAY_MS = 500;

export interface MembershipOptions {
  readonly member: Member;
  readonly token: string;
  readonly log: Logger;
  readonly clock: () => number;
  /** This member's etcd id, once known (a joining member learns it from the roster). */
  readonly selfId: () => bigint | undefined;
  /** Called once when this member finds itself removed. */
  readonly onRemoved: () => void;
}

export class Membership {
  private readonly timer: NodeJS.Timeout;
  private seenVersion = -1;
  private seenMachine: ServerMachine | undefined;
  private removed = false;
  private reconciling = false;

  constructor(private readonly o: MembershipOptions) {
    this.timer = setInterval(() => this.tick(), RECONCILE_MS);
    this.timer.unref();
    o.member.onApplied(() => this.syncPeers());
    this.syncPeers();
  }

  close(): void {
    clearInterval(this.timer);
  }

  private get machine(): ServerMachine {
    return this.o.member.machine as ServerMachine;
  }

  /** The roster's members (with published names), by id. */
  members(): RosterMember[] {
    return this.machine.cluster.rosterMembers();
  }

  async add(peerURLs: readonly string[], isLearner: boolean): Promise<AddResult> {
    const urls = checkUrls(peerURLs);
    if (!isLearner) this.mayAddVoter();
    const ID = addedMemberId(urls, Date.now());
    const raftId = raftIdOf(urls, this.o.token);
    const request = { ID, raftId, peerURLs: urls, isLearner };
    const members = await this.change({ type: 'addMember', request });
    try {
      await this.o.member.admin({ type: isLearner ? 'add-learner' : 'add-server', node: raftId });
    } catch (error) {
      // Raft refused (a change in flight, or the id votes already): undo the roster entry.
      await this.change({ type: 'removeMember', request: { ID } }).catch(() => {});
      if (error instanceof RaftRefusal) throw new EtcdError('unhealthy');
      throw error;
    }
    return { member: { ID, raftId, peerURLs: urls, isLearner, name: '', clientURLs: [] }, members };
  }

  async remove(ID: bigint): Promise<RosterMember[]> {
    const target = this.members().find((m) => m.ID === ID);
    if (target === undefined) throw new EtcdError('memberNotFound');
    this.mayRemoveVoter(target);
    const members = await this.change({ type: 'removeMember', request: { ID } });
    if (membersOf(this.o.member.raftState).includes(target.raftId)) {
      await this.o.member.admin({ type: 'remove-server', node: target.raftId }).catch((error) => {
        if (error instanceof RaftRefusal) throw new EtcdError('memberNotEnoughStarted');
        throw error;
      });
    }
    return members;
  }

  async update(ID: bigint, peerURLs: readonly string[]): Promise<RosterMember[]> {
    const urls = checkUrls(peerURLs);
    return this.change({ type: 'updateMember', request: { ID, peerURLs: urls } });
  }

  /** etcd's PromoteMember: Raft's promotion (which checks the learner is in sync), then the roster. */
  async promote(ID: bigint): Promise<RosterMember[]> {
    const target = this.members().find((m) => m.ID === ID);
    if (target === undefined) throw new EtcdError('memberNotFound');
    if (!target.isLearner) throw new EtcdError('memberNotLearner');
    this.mayPromote();
    const raft = this.o.member.raftState;
    if (!votersOf(raft).includes(target.raftId)) {
      await this.o.member.admin({ type: 'promote-learner', node: target.raftId }).catch((error) => {
        if (error instanceof RaftRefusal) throw new EtcdError('memberNotLearner');
        throw error;
      });
    }
    return this.change({ type: 'promoteMember', request: { ID } });
  }

  private async change(command: ClusterCommand): Promise<RosterMember[]> {
    const result = (await this.o.member.propose(command, false)) as ServerResult;
    if (!result.ok) throw new EtcdError(result.error);
    const r = result.response as RosterResult;
    if ('error' in r) throw new EtcdError(r.error);
    return [...r.members];
  }

  /** Voting members, with whether each is started (published) and connected to us. */
  private voters(): { id: bigint; raftId: NodeId; started: boolean; active: boolean }[] {
    const self = this.o.member.id;
    return this.members()
      .filter((m) => !m.isLearner)
      .map((m) => ({
        id: m.ID,
        raftId: m.raftId,
        started: m.name !== '',
        active: m.raftId === self || this.o.member.isConnected(m.raftId),
      }));
  }

  /** etcd's mayAddMember: IsReadyToAddVotingMember, then isConnectedFullySince. */
  private mayAddVoter(): void {
    const voters = this.voters();
    const members = voters.length + 1;
    const started = voters.filter((v) => v.started).length;
    const restoring = started === 1 && members === 2;
    if (!restoring && started < Math.floor(members / 2) + 1)
      throw new EtcdError('memberNotEnoughStarted');
    if (!voters.every((v) => v.active)) throw new EtcdError('unhealthy');
  }

  /**
   * etcd's IsReadyToPromoteMember: the learner counted as started, the started voters must
   * make the new quorum. (etcd checks the learner is in sync first; here the leader's Raft
   * does, when the promotion is proposed, so a cluster failing both gets this error.)
   */
  private mayPromote(): void {
    const voters = this.voters();
    const started = voters.filter((v) => v.started).length + 1;
    if (started < Math.floor((voters.length + 1) / 2) + 1)
      throw new EtcdError('memberNotEnoughStarted');
  }

  /** etcd's mayRemoveMember: IsReadyToRemoveVotingMember, then the active quorum. */
  private mayRemoveVoter(target: RosterMember): void {
    if (target.isLearner) return; // No quorum depends on a learner.
    const voters = this.voters();
    const others = voters.filter((v) => v.id !== target.ID);
    const started = others.filter((v) => v.started).length;
    if (started < Math.floor(others.length / 2) + 1) throw new EtcdError('memberNotEnoughStarted');
    const targetActive = voters.find((v) => v.id === target.ID)?.active === true;
    if (target.raftId !== this.o.member.id && !targetActive) return; // A downed member.
    const active = voters.filter((v) => v.active).length;
    if (active - 1 < 1 + Math.floor((voters.length - 1) / 2)) throw new EtcdError('unhealthy');
  }

  /** Every roster member is a peer, at its first peer URL; members removed are dropped. */
  private syncPeers(): void {
    const machine = this.machine;
    const cluster = machine.cluster;
    if (!cluster.hasRoster) return;
    if (machine === this.seenMachine && cluster.rosterVersion === this.seenVersion) return;
    this.seenMachine = machine;
    this.seenVersion = cluster.rosterVersion;
    for (const m of cluster.rosterMembers()) {
      const address = tryAddress(m.peerURLs[0]);
      if (address === undefined) this.o.log.warn({ member: m.ID }, 'unusable peer URL');
      this.o.member.addPeer(m.raftId, address);
    }
    this.dropPeers();
  }

  /**
   * Stops dialling members gone from the roster — once Raft is done with them too: a removed
   * member must still get the configuration that removes it (the leader keeps its progress
   * until it holds that entry: raft/replication.ts syncProgress), or it never learns.
   */
  private dropPeers(): void {
    const cluster = this.machine.cluster;
    if (!cluster.hasRoster) return;
    const raft = this.o.member.raftState;
    const keep = new Set<NodeId>([...membersOf(raft), ...raft.progress.keys()]);
    for (const m of cluster.rosterMembers()) keep.add(m.raftId);
    for (const id of this.o.member.peerAddresses().keys())
      if (!keep.has(id)) this.o.member.removePeer(id);
  }

  private tick(): void {
    this.syncPeers();
    this.dropPeers();
    this.checkRemoved();
    this.reconcile();
  }

  /** Removed from the roster and no longer a member in our own log: stop (etcd's words). */
  private checkRemoved(): void {
    const selfId = this.o.selfId();
    if (this.removed || selfId === undefined) return;
    const raft = this.o.member.raftState;
    if (!this.machine.cluster.isRemoved(selfId) || membersOf(raft).includes(raft.id)) return;
    this.removed = true;
    this.o.log.warn('the member has been permanently removed from the cluster');
    setTimeout(() => this.o.onRemoved(), REMOVED_STOP_DELAY_MS).unref();
  }

  /**
   * The leader finishes a change left half done: it removes a member the roster no longer
   * names, and marks a learner the roster still lists as one a voter once Raft promoted it.
   */
  private reconcile(): void {
    const raft = this.o.member.raftState;
    const cluster = this.machine.cluster;
    if (raft.role !== 'leader' || !cluster.hasRoster || this.reconciling) return;
    const roster = cluster.rosterMembers();
    const named = new Set(roster.map((m) => m.raftId));
    const stray = membersOf(raft).find((v) => !named.has(v));
    const voters = votersOf(raft);
    const promoted = roster.find((m) => m.isLearner && voters.includes(m.raftId));
    let fix: Promise<unknown>;
    if (stray !== undefined) fix = this.o.member.admin({ type: 'remove-server', node: stray });
    else if (promoted !== undefined)
      fix = this.change({ type: 'promoteMember', request: { ID: promoted.ID } });
    else return;
    this.reconciling = true;
    fix
      .catch((error: Error) => this.o.log.warn({ err: error, stray, promoted }, 'reconcile failed'))
      .finally(() => {
        this.reconciling = false;
      });
  }
}

export interface AddResult {
  readonly member: RosterMember;
  readonly members: RosterMember[];
}

/** etcd's types.NewURLs: each a URL with a scheme and host:port, no path; sorted. */
export function checkUrls(urls: readonly string[]): string[] {
  if (urls.length === 0) throw new EtcdError('memberBadUrls');
  const out: string[] = [];
  for (const u of urls) {
    let url: URL;
    try {
      url = new URL(u);
    } catch {
      throw new EtcdError('memberBadUrls');
    }
    const scheme = url.protocol.replace(/:$/, '');
    const schemeOk = ['http', 'https', 'unix', 'unixs'].includes(scheme);
    if (!schemeOk || url.port === '' || (url.pathname !== '' && url.pathname !== '/'))
      throw new EtcdError('memberBadUrls');
    out.push(u);
  }
  return out.sort();
}

/** A peer URL's host and port (http(s)://host:port). */
export function addressOfUrl(url: string): Address {
  const u = new URL(url);
  const port = Number(u.port || (u.protocol === 'https:' ? 443 : 80));
  return { host: u.hostname.replace(/^\[|\]$/g, ''), port };
}

function tryAddress(url: string | undefined): Address | undefined {
  try {
    return url === undefined ? undefined : addressOfUrl(url);
  } catch {
    return undefined;
  }
}
