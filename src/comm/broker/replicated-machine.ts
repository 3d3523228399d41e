// The replicated broker's state machines, in Raft's slot (consensus/raft machine.ts): each
// partition of each topic is its own Raft group whose machine is that partition's record log
// plus the consumer groups' committed offsets for it (Kafka keeps offsets replicated too, in
// __consumer_offsets; here they live beside the records they point into, so one group's
// commit never waits on another partition's leader). A separate metadata group
// (replicated-meta.ts) agrees on which topics exist and on consumer-group membership.
//
// Fenced commits: a consumer group's member commits with the generation its assignment came
// from. The broker first checks it against the metadata group (replicated-broker.ts); that
// check and this commit are two groups, so a rebalance can slip in between — the old owner's
// commit, checked at generation g, could then land after the new owner's first commit at g+1
// and move the offset back. So the partition also keeps, per group, the highest generation
// that committed here, and refuses a commit of a lower one (illegal-generation): once a newer
// generation has committed to a partition, no older one ever can. A commit without a
// generation (manual assignment) is not fenced.
//
// Both machines sit inside Raft's client sessions (replicated-kv/session-machine.ts), as the
// coordination server's does: a publish retried by the proposal layer through a new leader is
// appended once. Writes (append, commit) are logged; reads (fetch, committed, info) are
// `read: true` operations served after a ReadIndex on the leader, so a fetch returns only
// records a majority stored and that leader applied — never one a crash could take back.
//
// Every record is kept in memory and in Raft's snapshots (no segment files in this mode):
// a topic's retentionBytes / retentionMs bound a partition. Retention runs on append, by the
// log's time (the leader's stamp), so every replica deletes the same records.
//
// Results are plain values (they travel to a follower that forwarded the command):
//   { ok: true, … } | { ok: false, code: BrokerErrorCode, message }
//
// Fault model: operations and snapshots from peers are untrusted and shape-checked
// (opProblem, isSnapshot) before they are applied; nothing here does I/O or reads a clock.

import type { MachineOp, RaftMachineDef } from '../../algorithms/consensus/raft/machine.js';
import { machineOpProblem } from '../../algorithms/consensus/raft/machine.js';
import {
  type Executor,
  isSessionTuples,
  type MachineResult,
  type SessionLimits,
  SessionMachine,
  type SessionTuple,
} from '../../algorithms/replicated-kv/session-machine.js';
import { isCount, isRecord } from '../../core/validate.js';
import type { BrokerConfig, TopicConfig } from './config.js';
import type { BrokerErrorCode } from './errors.js';
import { PartitionLog } from './partition-log.js';

/** A record as the partition machine keeps it: key, value, the log time it was appended. */
export interface ReplicatedRecord {
  readonly k: string | null;
  readonly v: Uint8Array;
  readonly t: number;
}

export type PartitionOp =
  | { readonly type: 'append'; readonly messages: readonly { k: string | null; v: Uint8Array }[] }
  | {
      readonly type: 'commit';
      readonly group: string;
      readonly offset: number;
      /** The committing member's generation (absent: manual assignment, not fenced). */
      readonly generation?: number;
    }
  | {
      readonly type: 'fetch';
      readonly from: number;
      readonly max: number;
      readonly maxBytes: number;
    }
  | { readonly type: 'committed'; readonly group: string }
  | { readonly type: 'info' };

export type Refusal = {
  readonly ok: false;
  readonly code: BrokerErrorCode;
  readonly message: string;
};

export type PartitionResult =
  | { readonly ok: true; readonly first: number; readonly count: number }
  | { readonly ok: true; readonly offset: number }
  | {
      readonly ok: true;
      readonly start: number;
      readonly next: number;
      readonly records: readonly (readonly [number, string | null, Uint8Array, number])[];
    }
  | { readonly ok: true; readonly start: number; readonly next: number; readonly bytes: number }
  | Refusal;

export interface PartitionSnapshot {
  readonly start: number;
  /** [key, value, time] from `start` on. */
  readonly records: readonly (readonly [string | null, Uint8Array, number])[];
  /** [group, committed offset, highest generation committed (0: none)], first-commit order. */
  readonly committed: readonly (readonly [string, number, number?])[];
  readonly sessions: readonly SessionTuple<PartitionResult>[];
  readonly timeMs: number;
}

const READS: ReadonlySet<string> = new Set(['fetch', 'committed', 'info']);
const NAME = /^[A-Za-z0-9._-]{1,200}$/;

export function refusal(code: BrokerErrorCode, message: string): Refusal {
  return { ok: false, code, message };
}

/** The partition's records and offsets; applied only through PartitionMachine. */
class PartitionState {
  readonly log: PartitionLog;
  /** Records start..next-1, from index `head`. */
  records: ReplicatedRecord[] = [];
  head = 0;
  readonly committed = new Map<string, number>();
  /** Per group, the highest generation that committed here (the fence; see the header). */
  readonly generations = new Map<string, number>();

  constructor(
    readonly topic: TopicConfig,
    readonly config: BrokerConfig,
    start: number,
  ) {
    this.log = new PartitionLog('', 0, start);
  }

  append(r: ReplicatedRecord): number {
    this.records.push(r);
    return this.log.append(r.v.length, r.t);
  }

  record(offset: number): ReplicatedRecord | undefined {
    if (offset < this.log.start || offset >= this.log.next) return undefined;
    return this.records[this.head + offset - this.log.start];
  }

  /** Deletes the oldest records while over the topic's size or age limit (log time `now`). */
  retain(now: number): void {
    const c = this.topic;
    for (let oldest = this.log.oldest(); oldest !== undefined; oldest = this.log.oldest()) {
      const overSize = c.retentionBytes > 0 && this.log.bytes > c.retentionBytes;
      const overAge = c.retentionMs > 0 && now - oldest.time > c.retentionMs;
      if (!overSize && !overAge) break;
      this.log.dropOldest();
      this.head += 1;
    }
    // Compact once the dead prefix is half the array, so memory follows what is held.
    if (this.head > 1024 && this.head * 2 > this.records.length) {
      this.records = this.records.slice(this.head);
      this.head = 0;
    }
  }
}

class PartitionExecutor implements Executor<MachineOp, PartitionResult> {
  clock: () => number = () => 0;
  constructor(readonly s: PartitionState) {}

  execute(wrapped: MachineOp): MachineResult<PartitionResult> {
    const op = wrapped.op as PartitionOp;
    // The machine's answer is always `ok` to Raft: a refusal is a definite answer too.
    return { ok: true, value: this.run(op) };
  }

  private run(op: PartitionOp): PartitionResult {
    const s = this.s;
    const now = this.clock();
    if (op.type === 'append') {
      const first = s.log.next;
      for (const m of op.messages) s.append({ k: m.k, v: m.v, t: now });
      s.retain(now);
      return { ok: true, first, count: op.messages.length };
    }
    if (op.type === 'commit') {
      if (op.offset > s.log.next)
        return refusal(
          'offset-out-of-range',
          `offset ${op.offset} is beyond the log end ${s.log.next}`,
        );
      if (!s.committed.has(op.group) && s.committed.size >= s.config.maxGroups)
        return refusal('limit-exceeded', `too many groups (limit ${s.config.maxGroups})`);
      const fence = s.generations.get(op.group) ?? 0;
      if (op.generation !== undefined) {
        if (op.generation < fence)
          return refusal(
            'illegal-generation',
            `generation ${op.generation} is stale (generation ${fence} has committed here)`,
          );
        s.generations.set(op.group, op.generation);
      }
      s.committed.set(op.group, op.offset);
      return { ok: true, offset: op.offset };
    }
    return refusal('invalid-argument', `${op.type} is a read`);
  }
}

/** One partition's Raft machine: its records and the groups' committed offsets (see header). */
export class PartitionMachine extends SessionMachine<MachineOp, PartitionResult> {
  readonly state: PartitionState;

  constructor(limits: SessionLimits, state: PartitionState) {
    const executor = new PartitionExecutor(state);
    super(limits, executor);
    executor.clock = () => this.timeMs;
    this.state = state;
  }

  get start(): number {
    return this.state.log.start;
  }

  get next(): number {
    return this.state.log.next;
  }

  read(op: PartitionOp): PartitionResult {
    const s = this.state;
    switch (op.type) {
      case 'fetch': {
        if (op.from > s.log.next)
          return refusal(
            'offset-out-of-range',
            `offset ${op.from} is beyond the log end ${s.log.next}`,
          );
        const records: [number, string | null, Uint8Array, number][] = [];
        let bytes = 0;
        for (let o = Math.max(op.from, s.log.start); o < s.log.next; o++) {
          const r = s.record(o) as ReplicatedRecord;
          // At least one record per fetch, however large, so a consumer always moves on.
          if (records.length >= op.max || (records.length > 0 && bytes + r.v.length > op.maxBytes))
            break;
          records.push([o, r.k, r.v, r.t]);
          bytes += r.v.length;
        }
        return { ok: true, start: s.log.start, next: s.log.next, records };
      }
      case 'committed':
        return { ok: true, offset: s.committed.get(op.group) ?? -1 };
      case 'info':
        return { ok: true, start: s.log.start, next: s.log.next, bytes: s.log.bytes };
      default:
        return refusal('invalid-argument', `${op.type} is not a read`);
    }
  }

  snapshot(): PartitionSnapshot {
    const s = this.state;
    const records: [string | null, Uint8Array, number][] = [];
    for (let o = s.log.start; o < s.log.next; o++) {
      const r = s.record(o) as ReplicatedRecord;
      records.push([r.k, r.v, r.t]);
    }
    return {
      start: s.log.start,
      records,
      committed: [...s.committed].map(([g, o]) => [g, o, s.generations.get(g) ?? 0] as const),
      sessions: this.sessionTuples(),
      timeMs: this.timeMs,
    };
  }
}

/** A machine result, or null: what Raft's own entries answer with. */
export function isResult(x: unknown): boolean {
  return x === null || (isRecord(x) && typeof x.ok === 'boolean');
}

const isBytes = (x: unknown): x is Uint8Array => x instanceof Uint8Array;

function isSnapshotRecords(x: unknown): boolean {
  return (
    Array.isArray(x) &&
    x.every(
      (r) =>
        Array.isArray(r) &&
        r.length === 3 &&
        (r[0] === null || typeof r[0] === 'string') &&
        isBytes(r[1]) &&
        isCount(r[2]),
    )
  );
}

function isPartitionSnapshot(x: unknown): x is PartitionSnapshot {
  if (!isRecord(x) || !isCount(x.timeMs) || !isCount(x.start)) return false;
  if (!isSessionTuples(x.sessions, x.timeMs, isResult) || !isSnapshotRecords(x.records))
    return false;
  const groups = new Set<unknown>();
  return (
    Array.isArray(x.committed) &&
    x.committed.every((c) => {
      const ok =
        Array.isArray(c) &&
        (c.length === 2 || (c.length === 3 && isCount(c[2]))) &&
        NAME.test(String(c[0])) &&
        isCount(c[1]);
      if (ok && groups.has(c[0])) return false;
      groups.add(c[0]);
      return ok;
    })
  );
}

/** The first problem of a partition operation (untrusted: a peer's entry or forward). */
function partitionOpProblem(op: Record<string, unknown>, c: BrokerConfig): string | undefined {
  switch (op.type) {
    case 'append': {
      const ms = op.messages;
      if (!Array.isArray(ms) || ms.length < 1 || ms.length > c.maxBatchMessages)
        return `append: 1 to ${c.maxBatchMessages} messages`;
      for (const m of ms as unknown[]) {
        if (!isRecord(m) || !isBytes(m.v) || m.v.length > c.maxMessageBytes)
          return 'append: each message needs a value within the size limit';
        if (m.k !== null && (typeof m.k !== 'string' || Buffer.byteLength(m.k) > c.maxKeyBytes))
          return 'append: a key must be null or a string within the size limit';
      }
      return undefined;
    }
    case 'commit':
      return typeof op.group === 'string' &&
        NAME.test(op.group) &&
        isCount(op.offset) &&
        (op.generation === undefined || isCount(op.generation))
        ? undefined
        : 'commit: a group name, an offset and maybe a generation';
    case 'fetch':
      return isCount(op.from) && isCount(op.max) && op.max >= 1 && isCount(op.maxBytes)
        ? undefined
        : 'fetch: from, max ≥ 1 and maxBytes';
    case 'committed':
      return typeof op.group === 'string' && NAME.test(op.group) ? undefined : 'committed: a group';
    case 'info':
      return undefined;
    default:
      return `unknown partition operation ${JSON.stringify(op.type)}`;
  }
}

/**
 * Raft's slot filled by a machine inside client sessions: validation of the `machine`
 * wrapper and of the inner operation, reads by type name. Shared by the partition and the
 * metadata machine.
 */
export function sessionMachineDef<M extends SessionMachine<MachineOp, unknown>>(o: {
  readonly emptySnapshot: unknown;
  readonly isSnapshot: (x: unknown) => boolean;
  readonly restore: (snapshot: never, limits: SessionLimits) => M;
  readonly reads: ReadonlySet<string>;
  readonly innerProblem: (op: Record<string, unknown>) => string | undefined;
  readonly read: (machine: M, op: unknown) => unknown;
}): RaftMachineDef<M & { snapshot(): unknown }> {
  return {
    emptySnapshot: o.emptySnapshot,
    isSnapshot: o.isSnapshot,
    restore: (snapshot, limits) =>
      o.restore(snapshot as never, limits) as M & {
        snapshot(): unknown;
      },
    opProblem(op) {
      const problem = machineOpProblem(op);
      if (problem !== undefined) return problem;
      const inner = op.op as Record<string, unknown>;
      if (o.reads.has(inner.type as string) !== op.read)
        return 'machine: "read" must say whether the command is a read';
      return o.innerProblem(inner);
    },
    isRead: (op) => op.type === 'machine' && op.read,
    read: (machine, op) => o.read(machine, (op as MachineOp).op),
    isReplyValue: isResult,
  };
}

/** Raft's slot filled with one partition of a topic configured `topic`. */
export function partitionMachineDef(
  topic: TopicConfig,
  config: BrokerConfig,
): RaftMachineDef<PartitionMachine> {
  const restore = (snap: PartitionSnapshot, limits: SessionLimits) => {
    const state = new PartitionState(topic, config, snap.start);
    for (const [k, v, t] of snap.records) state.append({ k, v, t });
    for (const [g, offset, generation] of snap.committed) {
      state.committed.set(g, offset);
      if (generation !== undefined && generation > 0) state.generations.set(g, generation);
    }
    const m = new PartitionMachine(limits, state);
    m.restoreSessions(snap.sessions, snap.timeMs);
    return m;
  };
  const empty: PartitionSnapshot = {
    start: 0,
    records: [],
    committed: [],
    sessions: [],
    timeMs: 0,
  };
  return sessionMachineDef<PartitionMachine>({
    emptySnapshot: empty,
    isSnapshot: isPartitionSnapshot,
    restore,
    reads: READS,
    innerProblem: (op) => partitionOpProblem(op, config),
    read: (m, op) => m.read(op as PartitionOp),
  });
}
