// The coordination server's replicated state machine in Raft's slot (consensus/raft
// machine.ts): etcd's MVCC store (mvcc/) inside Raft's client sessions
// (replicated-kv/session-machine.ts), so a write retried through another member applies
// once. Writes are logged commands (mvcc/commands.ts); reads — Range, LeaseTimeToLive,
// LeaseLeases — are `read: true` operations that Raft serves after a ReadIndex on the leader
// (or that a member answers from its own machine when the client asks for serializable).
// etcd's auth store (auth/) is part of the same machine and snapshot: its commands (users,
// roles, permissions, auth enable/disable, authenticate) are logged too, its reads are reads.
// So is the cluster state (cluster-state.ts): members' published attributes and the alarms,
// which cap writes while NOSPACE is raised. The machine also keeps the store's size as the
// quota counts it (space-quota.ts), updated per applied write and recounted on compaction.
//
// Every outcome is a plain value, because it travels: to the waiting gRPC call, to a
// follower that forwarded the command (msgpack), and on the `apply` output to the watchers:
//   { ok: true, response, events? } | { ok: false, error: EtcdErrorKind }
//
// Fault model: commands and snapshots from peers are shape-checked before they are applied
// (command-shape.ts, MvccMachine.restore), so a bad one is refused, never half-applied.

import type { MachineOp, RaftMachineDef } from '../algorithms/consensus/raft/machine.js';
import { machineOpProblem } from '../algorithms/consensus/raft/machine.js';
import {
  type Executor,
  isSessionTuples,
  type MachineResult,
  type SessionLimits,
  SessionMachine,
  type SessionTuple,
} from '../algorithms/replicated-kv/session-machine.js';
import { isRecord } from '../core/validate.js';
import {
  AUTH_COMMANDS,
  AUTH_READS,
  type AuthCommand,
  type AuthEffect,
  type AuthRead,
  applyAuthCommand,
  readAuth,
} from './auth/commands.js';
import { type AuthSnapshot, AuthStore } from './auth/store.js';
import {
  CLUSTER_COMMANDS,
  CLUSTER_READS,
  type ClusterCommand,
  type ClusterRead,
  type ClusterSnapshot,
  ClusterState,
} from './cluster-state.js';
import { commandShapeProblem } from './command-shape.js';
import { EtcdError, type EtcdErrorKind } from './errors.js';
import {
  applyCommand,
  type Event,
  type LeaseTimeToLiveRequest,
  type MvccCommand,
  MvccMachine,
  type MvccOptions,
  type MvccSnapshot,
  type RangeRequest,
  type ReqBytes,
} from './mvcc/index.js';
import { eventsBytes, LEASE_BYTES, measureCompaction, retainedKvBytes } from './space-quota.js';

/** Reads, answered from the applied state (never logged). */
export type MvccRead =
  | { readonly type: 'range'; readonly request: RangeRequest }
  | {
      readonly type: 'leaseTimeToLive';
      readonly request: LeaseTimeToLiveRequest;
      readonly nowMs: number;
    }
  | { readonly type: 'leaseLeases' }
  | AuthRead
  | ClusterRead;

/** What a command or read did: etcd's response (and a write's events), or etcd's error. */
export type ServerResult =
  | {
      readonly ok: true;
      readonly response: unknown;
      readonly events?: readonly Event[];
      /** What an auth command did to the members' simple tokens (auth/tokens.ts). */
      readonly effect?: AuthEffect;
    }
  | { readonly ok: false; readonly error: EtcdErrorKind };

export interface ServerSnapshot {
  readonly mvcc: MvccSnapshot;
  readonly sessions: readonly SessionTuple<ServerResult>[];
  readonly timeMs: number;
  /** Users, roles, permissions, the enabled flag (absent in snapshots from before auth). */
  readonly auth?: AuthSnapshot;
  /** Published member attributes and alarms (absent in snapshots from before them). */
  readonly cluster?: ClusterSnapshot;
}

/** Applies a logged command: Raft hands over its `{ type: 'machine', op }` wrapper. */
class MvccExecutor implements Executor<MachineOp, ServerResult> {
  /** The key space's retained bytes (space-quota.ts retainedKvBytes, kept incrementally). */
  kvBytes: number;

  constructor(
    readonly mvcc: MvccMachine,
    readonly auth: AuthStore,
    readonly cluster: ClusterState,
  ) {
    this.kvBytes = retainedKvBytes(mvcc);
  }

  execute(wrapped: MachineOp): MachineResult<ServerResult> {
    const op = wrapped.op as { type: string };
    if (AUTH_COMMANDS.has(op.type)) return { ok: true, value: this.executeAuth(op as AuthCommand) };
    if (CLUSTER_COMMANDS.has(op.type))
      return { ok: true, value: { ok: true, response: this.cluster.apply(op as ClusterCommand) } };
    // A raised NOSPACE or CORRUPT alarm refuses the write on every member alike.
    const refusal = this.cluster.refusal(op);
    if (refusal !== undefined) return { ok: true, value: { ok: false, error: refusal } };
    const command = wrapped.op as MvccCommand<ReqBytes>;
    const compacted =
      command.type === 'compact'
        ? measureCompaction(this.mvcc, command.request.revision, this.kvBytes)
        : undefined;
    const r = applyCommand(this.mvcc, command);
    if (r.ok && compacted !== undefined) this.kvBytes = compacted();
    else if (r.ok) this.kvBytes += eventsBytes(r.events);
    // The machine's answer is always `ok` to Raft: an etcd error is a definite answer too.
    return {
      ok: true,
      value: r.ok
        ? { ok: true, response: r.response, ...(r.events.length > 0 && { events: r.events }) }
        : { ok: false, error: r.error.kind },
    };
  }

  private executeAuth(command: AuthCommand): ServerResult {
    try {
      const r = applyAuthCommand(this.auth, command, this.mvcc.revision);
      return {
        ok: true,
        response: r.response,
        ...(r.effect !== undefined && { effect: r.effect }),
      };
    } catch (error) {
      if (error instanceof EtcdError) return { ok: false, error: error.kind };
      throw error;
    }
  }
}

/** The MVCC machine with client sessions: what Raft's state holds as `kv` on a server. */
export class ServerMachine extends SessionMachine<MachineOp, ServerResult> {
  readonly mvcc: MvccMachine;
  readonly auth: AuthStore;
  readonly cluster: ClusterState;
  private readonly applier: MvccExecutor;

  constructor(
    limits: SessionLimits,
    mvcc: MvccMachine,
    auth: AuthStore = new AuthStore(),
    cluster: ClusterState = new ClusterState(),
  ) {
    const executor = new MvccExecutor(mvcc, auth, cluster);
    super(limits, executor);
    this.applier = executor;
    this.mvcc = mvcc;
    this.auth = auth;
    this.cluster = cluster;
  }

  /** The store's size as the quota counts it (space-quota.ts): retained versions and leases. */
  get storeBytes(): number {
    return this.applier.kvBytes + this.mvcc.leases.size * LEASE_BYTES;
  }

  /** Answers a read from the applied state. */
  read(op: MvccRead): ServerResult {
    try {
      switch (op.type) {
        case 'range':
          return { ok: true, response: this.mvcc.range(op.request) };
        case 'leaseTimeToLive':
          return { ok: true, response: this.mvcc.leaseTimeToLive(op.request, op.nowMs) };
        case 'leaseLeases':
          return { ok: true, response: this.mvcc.leaseLeases() };
        case 'alarmGet':
          return { ok: true, response: this.cluster.read(op) };
        default:
          return { ok: true, response: readAuth(this.auth, op, this.mvcc.revision) };
      }
    } catch (error) {
      if (error instanceof EtcdError) return { ok: false, error: error.kind };
      throw error;
    }
  }

  snapshot(): ServerSnapshot {
    return {
      mvcc: this.mvcc.snapshot(),
      sessions: this.sessionTuples(),
      timeMs: this.timeMs,
      auth: this.auth.snapshot(),
      cluster: this.cluster.snapshot(),
    };
  }
}

const READS: ReadonlySet<string> = new Set([
  'range',
  'leaseTimeToLive',
  'leaseLeases',
  ...AUTH_READS,
  ...CLUSTER_READS,
]);

/** A machine result, or null: what Raft's own entries (a membership change) answer with. */
function isResult(x: unknown): boolean {
  return x === null || (isRecord(x) && typeof x.ok === 'boolean');
}

/** Raft's slot filled with the server machine (options: etcd's --max-txn-ops …). */
export function serverMachineDef(options: MvccOptions = {}): RaftMachineDef<ServerMachine> {
  const restore = (snapshot: ServerSnapshot, limits: SessionLimits) => {
    const auth = snapshot.auth === undefined ? new AuthStore() : AuthStore.restore(snapshot.auth);
    const cluster =
      snapshot.cluster === undefined ? new ClusterState() : ClusterState.restore(snapshot.cluster);
    const mvcc = MvccMachine.restore(snapshot.mvcc, options);
    const m = new ServerMachine(limits, mvcc, auth, cluster);
    m.restoreSessions(snapshot.sessions, snapshot.timeMs);
    return m;
  };
  return {
    emptySnapshot: {
      mvcc: MvccMachine.create(options).snapshot(),
      sessions: [],
      timeMs: 0,
    } satisfies ServerSnapshot,
    isSnapshot(x) {
      if (!isRecord(x) || typeof x.timeMs !== 'number') return false;
      if (!isSessionTuples(x.sessions, x.timeMs, isResult)) return false;
      try {
        MvccMachine.restore(x.mvcc as MvccSnapshot, options);
        if (x.auth !== undefined) AuthStore.restore(x.auth);
        if (x.cluster !== undefined) ClusterState.restore(x.cluster);
        return true;
      } catch {
        return false;
      }
    },
    restore: (snapshot, limits) => restore(snapshot as ServerSnapshot, limits),
    opProblem(op) {
      const problem = machineOpProblem(op);
      if (problem !== undefined) return problem;
      const inner = op.op as { type?: unknown };
      if (READS.has(inner.type as string) !== op.read)
        return 'machine: "read" must say whether the command is a read';
      return commandShapeProblem(inner);
    },
    isRead: (op) => op.type === 'machine' && op.read,
    read: (machine, op) => machine.read((op as MachineOp).op as MvccRead),
    isReplyValue: isResult,
    reportsApplied: true,
  };
}
