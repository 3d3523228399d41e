// Commands from the server's gRPC handlers into Raft, and their answers back: each command
// takes a LANE — a Raft client session (dissertation §6.3) with at most one command in
// flight — so a command retried after a lost forward or a leader change is applied at most
// once, and the machine's session table stays one entry per lane. Reads have lanes of their
// own: Raft answers them without logging them, so they never open a session, and a write
// lane's next seq must follow its last WRITE (a gap reads as an expired session). A lane's client id is a
// random base drawn per incarnation plus the lane number, so a restarted member never
// reuses a (client, seq) an earlier incarnation sent; a lane idle for half the session
// timeout starts a new session before use, so it never runs into SESSION_EXPIRED.
//
// Raft's own operator commands (AdminOp) travel the same way: a leadership transfer is not
// logged, so it takes a read lane; a membership change is logged with its (client, seq) in
// the session table, so it takes a write lane. Raft's refusal of one (a transfer to a
// non-voter, an impossible change) rejects with RaftRefusal.
//
// Commands beyond the lanes wait in a bounded queue; a command not answered within
// `attemptMs` is sent again (same client and seq), and one not answered by its deadline
// fails with etcd's "request timed out" — its outcome is then unknown, as with etcd.
//
// Fault model: answers may never come (the leader died, a forward was lost); Raft may
// answer not-leader or retry while an election runs. Nothing here is durable: a member that
// restarts has no commands in flight.

import { randomInt } from 'node:crypto';
import type { AdminOp, ClientReplyBody } from '../algorithms/consensus/raft/client-api.js';
import type { MachineOp } from '../algorithms/consensus/raft/machine.js';
import { EtcdError } from './errors.js';

export interface ProposalOptions {
  /** Commands in flight at once (one per lane). */
  readonly lanes: number;
  /** Commands waiting for a lane; beyond it a command fails at once ("too many requests"). */
  readonly maxQueued: number;
  /** Re-send an unanswered command after this long. */
  readonly attemptMs: number;
  /** Fail a command not answered after this long (etcd: "request timed out"). */
  readonly timeoutMs: number;
  /** The machine's session timeout: lanes idle for half of it start a new session. */
  readonly sessionTimeoutMs: number;
}

interface Lane {
  readonly index: number;
  readonly pool: Pool;
  client: number;
  seq: number;
  lastUsedMs: number;
  busy: Pending | undefined;
}

/** What a lane carries: the machine's operation, or one of Raft's own. */
export type ProposedOp = MachineOp | AdminOp;

/** Raft refused an operator command for good (reason 'rejected'). */
export class RaftRefusal extends Error {
  override readonly name = 'RaftRefusal';
}

interface Pending {
  readonly op: ProposedOp;
  readonly deadline: number;
  resolve(value: unknown): void;
  reject(error: Error): void;
  lane?: Lane;
  timer?: NodeJS.Timeout;
}

/** Lane client ids: a 32-bit random base per incarnation, times 2^16 lanes at most. */
const LANE_BITS = 16;

/** Lanes of one kind (writes, or reads) and the commands waiting for one. */
interface Pool {
  readonly lanes: Lane[];
  readonly queue: Pending[];
}

export class Proposals {
  private readonly writes: Pool = { lanes: [], queue: [] };
  private readonly reads: Pool = { lanes: [], queue: [] };
  private readonly byClient = new Map<number, Lane>();
  private outbox: unknown[] = [];
  private closed = false;

  constructor(
    private readonly o: ProposalOptions,
    /** Hands a command, or an array of them (one step), to the local Raft (NodeHost.command). */
    private readonly submit: (command: unknown) => void,
    private readonly now: () => number = () => performance.now(),
  ) {
    if (o.lanes < 1 || 2 * o.lanes > 2 ** LANE_BITS) throw new RangeError('lanes: 1 … 32768');
    for (let i = 0; i < 2 * o.lanes; i++) {
      const lane: Lane = {
        index: i,
        pool: i < o.lanes ? this.writes : this.reads,
        client: 0,
        seq: 0,
        lastUsedMs: 0,
        busy: undefined,
      };
      this.renew(lane);
      lane.pool.lanes.push(lane);
    }
  }

  /**
   * Proposes `op` (a write, a linearizable read, or an operator command); resolves with the
   * machine's value (an operator command's: undefined).
   */
  propose(op: ProposedOp): Promise<unknown> {
    if (this.closed) return Promise.reject(new EtcdError('stopped'));
    return new Promise((resolve, reject) => {
      const p: Pending = { op, deadline: this.now() + this.o.timeoutMs, resolve, reject };
      const unlogged = op.type === 'machine' ? op.read : op.type === 'transfer-leader';
      const pool = unlogged ? this.reads : this.writes;
      const lane = pool.lanes.find((l) => l.busy === undefined);
      if (lane !== undefined) return this.start(p, lane);
      if (pool.queue.length >= this.o.maxQueued) return reject(new EtcdError('tooManyRequests'));
      pool.queue.push(p);
    });
  }

  /** An answer Raft released (an output of type `reply`). */
  onReply(reply: ClientReplyBody<unknown>): void {
    const lane = this.byClient.get(reply.client);
    const p = lane?.busy;
    if (lane === undefined || p === undefined || reply.seq !== lane.seq) return;
    if (reply.ok) return this.finish(lane, () => p.resolve(reply.value));
    switch (reply.reason) {
      case 'not-leader':
      case 'retry':
        // No leader yet (or a transfer runs): try again shortly, until the deadline.
        return this.retryLater(lane, p, Math.min(this.o.attemptMs, 50));
      case 'session-expired':
        return this.finish(lane, () => p.reject(new EtcdError('timeout')), true);
      case 'not-ready':
        // A learner too far behind to be promoted (etcd's ErrLearnerNotReady).
        return this.finish(lane, () => p.reject(new EtcdError('learnerNotReady')));
      case 'rejected':
        if (p.op.type !== 'machine')
          return this.finish(lane, () => p.reject(new RaftRefusal(`${p.op.type} refused`)));
        return this.finish(lane, () => p.reject(new Error(`command refused: ${reply.reason}`)));
      default:
        // Raft refuses only its own commands (membership); the machine answers ok with its
        // result or its error, so this is a bug in the caller.
        return this.finish(lane, () => p.reject(new Error(`command refused: ${reply.reason}`)));
    }
  }

  /** Fails everything in flight or queued (the member stops). */
  close(): void {
    this.closed = true;
    for (const pool of [this.writes, this.reads]) {
      for (const lane of pool.lanes) {
        const p = lane.busy;
        if (p !== undefined) this.finish(lane, () => p.reject(new EtcdError('stopped')));
      }
      for (const p of pool.queue.splice(0)) p.reject(new EtcdError('stopped'));
    }
  }

  /** Commands in flight and queued, for status and metrics. */
  get load(): { readonly inFlight: number; readonly queued: number } {
    const pools = [this.writes, this.reads];
    return {
      inFlight: pools.reduce((n, p) => n + p.lanes.filter((l) => l.busy !== undefined).length, 0),
      queued: pools.reduce((n, p) => n + p.queue.length, 0),
    };
  }

  private start(p: Pending, lane: Lane): void {
    const t = this.now();
    if (t - lane.lastUsedMs > this.o.sessionTimeoutMs / 2) this.renew(lane);
    lane.seq += 1;
    lane.lastUsedMs = t;
    lane.busy = p;
    p.lane = lane;
    this.send(lane, p);
  }

  private send(lane: Lane, p: Pending): void {
    if (this.now() >= p.deadline)
      return this.finish(lane, () => p.reject(new EtcdError('timeout')));
    p.timer = setTimeout(() => this.send(lane, p), this.o.attemptMs);
    this.outbox.push({ ...p.op, client: lane.client, seq: lane.seq });
    if (this.outbox.length === 1) setImmediate(() => this.flush());
  }

  /**
   * Hands the commands of this turn of the event loop (every request read in it) to Raft in
   * one step: an array is Raft's batch (one log append, one WAL record, one AppendEntries
   * per follower for them all).
   */
  private flush(): void {
    const batch = this.outbox;
    this.outbox = [];
    if (batch.length === 0 || this.closed) return;
    this.submit(batch.length === 1 ? batch[0] : batch);
  }

  private retryLater(lane: Lane, p: Pending, delayMs: number): void {
    clearTimeout(p.timer);
    p.timer = setTimeout(() => this.send(lane, p), delayMs);
  }

  private finish(lane: Lane, settle: () => void, newSession = false): void {
    const p = lane.busy;
    clearTimeout(p?.timer);
    lane.busy = undefined;
    if (newSession) this.renew(lane);
    settle();
    const next = lane.pool.queue.shift();
    if (next !== undefined && !this.closed) this.start(next, lane);
  }

  /** A new session for the lane: a fresh client id, seq from 1. */
  private renew(lane: Lane): void {
    this.byClient.delete(lane.client);
    lane.client = randomInt(1, 2 ** 32) * 2 ** LANE_BITS + lane.index;
    lane.seq = 0;
    lane.lastUsedMs = this.now();
    this.byClient.set(lane.client, lane);
  }
}
