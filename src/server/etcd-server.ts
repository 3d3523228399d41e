// What the gRPC services call: one member (member.ts) seen as etcd's server — identities
// (etcd's member and cluster ids), response headers, proposals of writes and linearizable
// reads, serializable reads from the local machine, the watch hub fed by applied events,
// and the leader's lease keeper (expired leases are revoked through Raft; a new leader first
// renews every lease, as etcd's lessor does on promotion, so a failover never expires one).
// Like etcd, the member publishes its attributes (name, client URLs) through Raft once a
// leader exists (etcd's `publish`), so MemberList anywhere names every member's client URLs;
// it enforces the backend quota (space-quota.ts) and runs auto-compaction on the leader
// (compactor.ts); MoveLeader hands leadership over with Raft's transfer (§3.10).
//
// Fault model: a member may lose leadership at any time (lease revokes are re-proposed by the
// next leader); watchers only ever see events whose apply output was released, i.e. durable.

import { randomBytes } from 'node:crypto';
import { type ServerState, votersOf } from '../algorithms/consensus/raft/state.js';
import type { AlarmMember, AlarmType, ClusterCommand, ClusterRead } from './cluster-state.js';
import { type AutoCompaction, startCompactor } from './compactor.js';
import { EtcdError } from './errors.js';
import type { MvccRead, ServerMachine, ServerResult } from './machine.js';
import type { Member } from './member.js';
import type { Membership } from './membership.js';
import { type Event, type MvccCommand, packCommand } from './mvcc/index.js';
import { RaftRefusal } from './proposals.js';
import { quotaBytesOf, SpaceQuota } from './space-quota.js';
import { WatchHub } from './watch-hub.js';
import { type Header, headerToWire, type Wire } from './wire.js';

export interface MemberInfo {
  readonly id: bigint;
  readonly name: string;
  readonly peerUrls: readonly string[];
  readonly clientUrls: readonly string[];
  /** Raft's id of the member. */
  readonly raftId: number;
  /** A learner: it replicates the log but does not vote (etcd's MemberAdd --learner). */
  readonly isLearner?: boolean;
}

export interface EtcdServerOptions {
  readonly clusterId: bigint;
  readonly self: MemberInfo;
  readonly members: readonly MemberInfo[];
  /** How often the leader looks for expired leases. */
  readonly leaseCheckMs?: number;
  /** Where the member keeps its data (Status reports its size on disk as etcd's db size). */
  readonly dataDir?: string;
  /** etcd's progress notification interval for watchers that ask (10 minutes). */
  readonly progressNotifyMs?: number;
  /** --quota-backend-bytes: 0 is etcd's default (2 GiB), negative turns the quota off. */
  readonly quotaBackendBytes?: number;
  /** --auto-compaction-retention and --auto-compaction-mode (absent: off). */
  readonly autoCompaction?: AutoCompaction;
  /** Dynamic membership (membership.ts): MemberAdd/Remove/Update and the roster. */
  readonly membership?: Membership;
  readonly clock: () => number;
}

/** How long a failed publish waits before it is proposed again. */
const PUBLISH_RETRY_MS = 500;
/** How often MoveLeader looks whether the target leads (etcd: one tick, 100 ms). */
const TRANSFER_POLL_MS = 100;
/** MoveLeader's bound when the client gave no deadline (etcd waits on the client's). */
const TRANSFER_TIMEOUT_MS = 7000;

export class EtcdServer {
  readonly hub: WatchHub;
  /**
   * Resolves once this member's publish has applied here — so it has applied everything
   * committed before it (a compaction, a revoke …). Like etcd, the member serves no client
   * before that (serve.ts), so a client that reconnects to a restarted member never sees
   * the state it had before it went down.
   */
  readonly published: Promise<void>;
  private onPublished: () => void = () => {};
  /** The revision of the last apply output released here: what watchers may see. */
  private appliedRevision: number;
  private readonly timers: NodeJS.Timeout[] = [];
  private leaderTerm = 0;
  private readonly revoking = new Set<bigint>();
  private readonly quota: SpaceQuota;
  private readonly compactor: { stop(): void } | undefined;
  private closed = false;

  constructor(
    readonly member: Member,
    readonly o: EtcdServerOptions,
  ) {
    this.appliedRevision = this.machine.mvcc.revision;
    this.hub = new WatchHub({
      revision: () => this.appliedRevision,
      compactRevision: () => this.machine.mvcc.compactRevision,
      events: (from, to) => this.machine.mvcc.events(from, to),
    });
    this.quota = new SpaceQuota(quotaBytesOf(o.quotaBackendBytes ?? 0), {
      memberId: o.self.id,
      storeBytes: () => this.machine.storeBytes,
      hasNoSpace: (memberId) =>
        this.machine.cluster
          .get('NOSPACE')
          .some((a) => memberId === undefined || a.memberID === memberId),
      isLeader: () => this.raft.role === 'leader',
      activate: () => this.alarm('ACTIVATE', o.self.id, 'NOSPACE'),
    });
    member.onApplied((_index, result) => this.onApplied(result as ServerResult));
    this.timers.push(setInterval(() => this.keepLeases(), o.leaseCheckMs ?? 500));
    this.timers.push(setInterval(() => this.hub.tickProgress(), o.progressNotifyMs ?? 600_000));
    this.compactor =
      o.autoCompaction === undefined
        ? undefined
        : startCompactor(o.autoCompaction, {
            revision: () => this.machine.mvcc.revision,
            isLeader: () => this.raft.role === 'leader',
            compact: (revision) => this.write({ type: 'compact', request: { revision } }),
            now: o.clock,
          });
    this.published = new Promise((resolve) => {
      this.onPublished = resolve;
    });
    this.publish();
  }

  get machine(): ServerMachine {
    return this.member.machine as ServerMachine;
  }

  get raft(): ServerState {
    return this.member.raftState;
  }

  /** etcd's response header at `revision`. */
  header(revision: number): Wire {
    const h: Header = {
      clusterId: this.o.clusterId,
      memberId: this.o.self.id,
      revision,
      raftTerm: this.raft.term,
    };
    return headerToWire(h);
  }

  /** The leader's etcd member id, or 0n when there is none known. */
  leaderId(): bigint {
    const raftLeader = this.raft.role === 'leader' ? this.raft.id : this.raft.leaderId;
    return this.members().find((m) => m.raftId === raftLeader)?.id ?? 0n;
  }

  /**
   * The members with what each published about itself (name and client URLs): the
   * replicated roster once it exists (membership.ts), else --initial-cluster.
   */
  members(): MemberInfo[] {
    const cluster = this.machine.cluster;
    if (cluster.hasRoster)
      return cluster.rosterMembers().map((m) => ({
        id: m.ID,
        name: m.name,
        peerUrls: m.peerURLs,
        clientUrls: m.clientURLs,
        raftId: m.raftId,
        isLearner: m.isLearner,
      }));
    return this.o.members.map((m) => {
      const published = this.machine.cluster.attributes(m.id);
      if (published !== undefined)
        return { ...m, name: published.name, clientUrls: published.clientURLs };
      // Until its publish applies, a member answers with its own (etcd serves no client
      // before publishing); others are shown without client URLs, as etcd shows them.
      return m.id === this.o.self.id ? this.o.self : { ...m, clientUrls: [] };
    });
  }

  /**
   * Proposes a write; resolves with etcd's response or rejects with etcd's error. A write
   * that would not fit the quota is refused here, as etcd's gRPC layer refuses it.
   */
  async write(command: MvccCommand): Promise<Wire> {
    await this.quota.check(command);
    // Logged compact (mvcc/pack.ts): the log, the WAL and the store share its strings.
    return unwrap((await this.member.propose(packCommand(command), false)) as ServerResult);
  }

  /** etcd's Alarm: GET reads the alarms (linearizable), ACTIVATE/DEACTIVATE go through Raft. */
  async alarm(
    action: 'GET' | 'ACTIVATE' | 'DEACTIVATE',
    memberID: bigint,
    alarm: AlarmType,
  ): Promise<AlarmMember[]> {
    const op: ClusterCommand | ClusterRead =
      action === 'GET'
        ? { type: 'alarmGet', request: { alarm } }
        : { type: 'alarm', request: { action, memberID, alarm } };
    const result = (await this.member.propose(op, action === 'GET')) as ServerResult;
    return (unwrap(result) as { alarms: AlarmMember[] }).alarms;
  }

  /**
   * etcd's MoveLeader: only the leader takes it, the target must be a voting member; resolves
   * once the target leads, or fails with etcd's timeout at `deadlineMs` (clock time).
   */
  async moveLeader(target: bigint, deadlineMs?: number): Promise<void> {
    if (this.raft.role !== 'leader') throw new EtcdError('notLeader');
    const to = this.members().find((m) => m.id === target);
    if (to === undefined || !votersOf(this.raft).includes(to.raftId))
      throw new EtcdError('badLeaderTransferee');
    if (to.raftId === this.raft.id) return; // Leads already: etcd's wait ends at once.
    const deadline = deadlineMs ?? this.o.clock() + TRANSFER_TIMEOUT_MS;
    try {
      await this.member.admin({ type: 'transfer-leader', node: to.raftId });
    } catch (error) {
      if (error instanceof RaftRefusal) throw new EtcdError('badLeaderTransferee');
      throw error;
    }
    while (this.leaderId() !== target) {
      if (this.closed) throw new EtcdError('stopped');
      if (this.o.clock() >= deadline) throw new EtcdError('timeoutLeaderTransfer');
      await new Promise((resolve) => setTimeout(resolve, TRANSFER_POLL_MS));
    }
  }

  /** A read: linearizable through Raft's ReadIndex, or serializable from this member. */
  async read(op: MvccRead, serializable: boolean): Promise<Wire> {
    if (serializable) return unwrap(this.machine.read(op));
    return unwrap((await this.member.propose(op, true)) as ServerResult);
  }

  /** A fresh lease id: positive int64, as etcd's generator gives. */
  newLeaseId(): bigint {
    return randomBytes(8).readBigInt64BE() & 0x7fff_ffff_ffff_ffffn || 1n;
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearInterval(t);
    this.compactor?.stop();
  }

  /** etcd's publish: this member's attributes through Raft, retried until they apply. */
  private publish(): void {
    const { id, name, clientUrls } = this.o.self;
    const command: ClusterCommand = {
      type: 'publishMember',
      request: { ID: id, name, clientURLs: [...clientUrls] },
    };
    const attempt = () => {
      if (this.closed) return;
      this.member.propose(command, false).then(
        () => this.appliedHere(this.o.clock()),
        () => {
          if (!this.closed) setTimeout(attempt, PUBLISH_RETRY_MS).unref();
        },
      );
    };
    attempt();
  }

  /**
   * The publish was applied by the leader at `repliedAt`; this member has applied it too once
   * it leads, or once a leader's message newer than that has come and everything it knows
   * committed is applied (a leader's message carries its commit index; an approximation of
   * etcd's wait on the entry itself, which Raft's replies do not name).
   */
  private appliedHere(repliedAt: number): void {
    const check = setInterval(() => {
      const raft = this.raft;
      const caughtUp =
        raft.role === 'leader' ||
        (raft.leaderContactAt > repliedAt && raft.lastApplied >= raft.commitIndex);
      if (!caughtUp && !this.closed) return;
      clearInterval(check);
      this.onPublished();
    }, 20);
  }

  private onApplied(result: ServerResult): void {
    this.quota.afterApply();
    if (!result.ok || result.events === undefined || result.events.length === 0) return;
    const events = result.events as readonly Event[];
    const revision = events[0]?.kv.modRevision ?? this.appliedRevision;
    this.appliedRevision = Math.max(this.appliedRevision, revision);
    this.hub.onEvents(revision, events);
  }

  /** The leader's lessor: renew all on promotion, then revoke what expired. */
  private keepLeases(): void {
    const raft = this.raft;
    if (raft.role !== 'leader') {
      this.leaderTerm = 0;
      return;
    }
    const now = this.o.clock();
    const mvcc = this.machine.mvcc;
    if (this.leaderTerm !== raft.term) {
      this.leaderTerm = raft.term;
      for (const { ID } of mvcc.leaseLeases().leases)
        this.write({ type: 'leaseKeepAlive', request: { ID }, nowMs: Math.floor(now) }).catch(
          () => {},
        );
      return;
    }
    for (const ID of mvcc.expiredLeases(now)) {
      if (this.revoking.has(ID)) continue;
      this.revoking.add(ID);
      this.write({ type: 'leaseRevoke', request: { ID } })
        .catch(() => {})
        .finally(() => this.revoking.delete(ID));
    }
  }
}

/** etcd's response, or its error thrown. */
function unwrap(result: ServerResult): Wire {
  if (result.ok) return result.response as Wire;
  throw new EtcdError(result.error);
}
