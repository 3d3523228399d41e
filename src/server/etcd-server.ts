// What the gRPC services call: one member (member.ts) seen as etcd's server — identities
// (etcd's member and cluster ids), response headers, proposals of writes and linearizable
// reads, serializable reads from the local machine, the watch hub fed by applied events,
// and the leader's lease keeper (expired leases are revoked through Raft; a new leader first
// renews every lease, as etcd's lessor does on promotion, so a failover never expires one).
//
// Fault model: a member may lose leadership at any time (lease revokes are re-proposed by the
// next leader); watchers only ever see events whose apply output was released, i.e. durable.

import { randomBytes } from 'node:crypto';
import type { ServerState } from '../algorithms/consensus/raft/state.js';
import { EtcdError } from './errors.js';
import type { MvccRead, ServerMachine, ServerResult } from './machine.js';
import type { Member } from './member.js';
import type { Event, MvccCommand } from './mvcc/index.js';
import { WatchHub } from './watch-hub.js';
import { type Header, headerToWire, type Wire } from './wire.js';

export interface MemberInfo {
  readonly id: bigint;
  readonly name: string;
  readonly peerUrls: readonly string[];
  readonly clientUrls: readonly string[];
  /** Raft's id of the member. */
  readonly raftId: number;
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
  readonly clock: () => number;
}

export class EtcdServer {
  readonly hub: WatchHub;
  /** The revision of the last apply output released here: what watchers may see. */
  private appliedRevision: number;
  private readonly timers: NodeJS.Timeout[] = [];
  private leaderTerm = 0;
  private readonly revoking = new Set<bigint>();

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
    member.onApplied((_index, result) => this.onApplied(result as ServerResult));
    this.timers.push(setInterval(() => this.keepLeases(), o.leaseCheckMs ?? 500));
    this.timers.push(setInterval(() => this.hub.tickProgress(), o.progressNotifyMs ?? 600_000));
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
    return this.o.members.find((m) => m.raftId === raftLeader)?.id ?? 0n;
  }

  /** Proposes a write; resolves with etcd's response or rejects with etcd's error. */
  async write(command: MvccCommand): Promise<Wire> {
    return unwrap((await this.member.propose(command, false)) as ServerResult);
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
    for (const t of this.timers) clearInterval(t);
  }

  private onApplied(result: ServerResult): void {
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
