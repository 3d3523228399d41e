// Consumer-group membership in the replicated broker: Kafka's group coordinator, but as part
// of the metadata Raft group's machine (replicated-meta.ts), so the coordinator is whoever
// leads that group and a coordinator failover loses nothing.
//
// - join / heartbeat / leave are logged proposals. The machine never reads a clock: it uses
//   the log time (the leader's stamp on the entry, SessionMachine.timeMs), so a member's
//   deadline is `log time of its last join or heartbeat + its session timeout`, the same on
//   every replica.
// - expiry is a proposal too: the metadata leader names members whose deadline it sees passed
//   (replicated-broker.ts, on a tick); the machine removes those whose deadline is behind the
//   entry's log time (re-checked, so a heartbeat applied in between saves its member). A new
//   leader waits one session timeout before naming anyone (members could not heartbeat while
//   no leader was elected) — that grace is the leader's choice, not the machine's.
// - every membership change (a member in or out, a member's topics changed) bumps the group's
//   generation and recomputes its assignment with the single-broker assignor (assign.ts), so
//   both modes assign alike. Assignments are derived state: snapshots hold members only.
// - a group outlives its last member (with its generation), as in Kafka: the partition groups
//   fence commits by generation, which must never go back.
//
// Fault model: operations come from peers and clients and are untrusted (checked by
// groupOpProblem before they are applied); tables are bounded by maxGroups and
// maxMembersPerGroup; pure, no I/O.

import { isCount, isRecord } from '../../core/validate.js';
import { type Assignor, assign, type TopicPartition } from './assign.js';
import type { BrokerConfig, TopicConfig } from './config.js';
import { type Refusal, refusal } from './replicated-machine.js';

export interface Member {
  readonly topics: readonly string[];
  readonly sessionTimeoutMs: number;
  /** Log time after which the member may be expired. */
  deadlineMs: number;
}

export interface GroupState {
  readonly assignor: Assignor;
  generation: number;
  readonly members: Map<string, Member>;
  /** Derived from members and topics on every change. */
  assignment: Map<string, TopicPartition[]>;
}

export type GroupOp =
  | {
      readonly type: 'join';
      readonly group: string;
      readonly member: string;
      readonly topics: readonly string[];
      readonly sessionTimeoutMs: number;
      readonly assignor: Assignor;
    }
  | { readonly type: 'heartbeat'; readonly group: string; readonly member: string }
  | { readonly type: 'leave'; readonly group: string; readonly member: string }
  | { readonly type: 'expire'; readonly group: string; readonly members: readonly string[] };

/** A read: may `member` of `generation` commit for `topic`/`partition` now? */
export interface FenceQuery {
  readonly type: 'fence';
  readonly group: string;
  readonly member: string;
  readonly generation: number;
  readonly topic: string;
  readonly partition: number;
}

export type GroupResult =
  | {
      readonly ok: true;
      readonly generation: number;
      readonly partitions: readonly TopicPartition[];
      readonly sessionTimeoutMs: number;
    }
  | { readonly ok: true; readonly expired: number }
  | Refusal;

/** [group, assignor, generation, [member, topics, sessionTimeoutMs, deadlineMs][]] */
export type GroupTuple = readonly [
  string,
  Assignor,
  number,
  readonly (readonly [string, readonly string[], number, number])[],
];

const NAME = /^[A-Za-z0-9._-]{1,200}$/;
const ASSIGNORS: readonly string[] = ['range', 'round-robin'] satisfies Assignor[];
const isName = (x: unknown): x is string => typeof x === 'string' && NAME.test(x);

/** Every consumer group's membership; applied only through the metadata machine. */
export class Membership {
  readonly groups = new Map<string, GroupState>();

  constructor(
    readonly topics: ReadonlyMap<string, TopicConfig>,
    readonly config: BrokerConfig,
  ) {}

  apply(op: GroupOp, nowMs: number): GroupResult {
    switch (op.type) {
      case 'join':
        return this.join(op, nowMs);
      case 'heartbeat': {
        const g = this.groups.get(op.group);
        const m = g?.members.get(op.member);
        if (g === undefined || m === undefined) return unknownMember(op.member);
        m.deadlineMs = nowMs + m.sessionTimeoutMs;
        return this.view(g, op.member);
      }
      case 'leave': {
        const g = this.groups.get(op.group);
        if (g === undefined || !g.members.delete(op.member)) return unknownMember(op.member);
        this.rebalance(g);
        return { ok: true, expired: 1 };
      }
      case 'expire': {
        const g = this.groups.get(op.group);
        if (g === undefined) return { ok: true, expired: 0 };
        let expired = 0;
        for (const id of op.members) {
          const m = g.members.get(id);
          // Re-checked here: a heartbeat applied after the leader looked saves the member.
          if (m !== undefined && m.deadlineMs < nowMs && g.members.delete(id)) expired++;
        }
        if (expired > 0) this.rebalance(g);
        return { ok: true, expired };
      }
    }
  }

  /** The fence a commit passes (read on the metadata leader before the partition's commit). */
  fence(q: FenceQuery): GroupResult {
    const g = this.groups.get(q.group);
    if (g === undefined || !g.members.has(q.member)) return unknownMember(q.member);
    if (q.generation !== g.generation)
      return refusal(
        'illegal-generation',
        `generation ${q.generation} is stale (current ${g.generation})`,
      );
    const mine = g.assignment.get(q.member) ?? [];
    if (!mine.some((tp) => tp.topic === q.topic && tp.partition === q.partition))
      return refusal(
        'not-assigned',
        `partition ${q.topic}/${q.partition} is not assigned to this member`,
      );
    return this.view(g, q.member);
  }

  /** Members whose deadline is before `nowMs` and who have been around `graceMs` too. */
  overdue(nowMs: number, leaderSinceMs: number): { group: string; members: string[] }[] {
    const out: { group: string; members: string[] }[] = [];
    for (const [group, g] of this.groups) {
      const members = [...g.members]
        .filter(([, m]) => m.deadlineMs < nowMs && nowMs - leaderSinceMs > m.sessionTimeoutMs)
        .map(([id]) => id);
      if (members.length > 0) out.push({ group, members });
    }
    return out;
  }

  tuples(): GroupTuple[] {
    return [...this.groups].map(([name, g]) => [
      name,
      g.assignor,
      g.generation,
      [...g.members].map(([id, m]) => [id, m.topics, m.sessionTimeoutMs, m.deadlineMs] as const),
    ]);
  }

  restore(tuples: readonly GroupTuple[]): void {
    for (const [name, assignor, generation, members] of tuples) {
      const g: GroupState = { assignor, generation, members: new Map(), assignment: new Map() };
      for (const [id, topics, sessionTimeoutMs, deadlineMs] of members)
        g.members.set(id, { topics, sessionTimeoutMs, deadlineMs });
      g.assignment = this.assignment(g);
      this.groups.set(name, g);
    }
  }

  private join(op: Extract<GroupOp, { type: 'join' }>, nowMs: number): GroupResult {
    const c = this.config;
    for (const t of op.topics)
      if (!this.topics.has(t)) return refusal('unknown-topic', `unknown topic '${t}'`);
    if (op.sessionTimeoutMs < c.minSessionTimeoutMs || op.sessionTimeoutMs > c.maxSessionTimeoutMs)
      return refusal(
        'invalid-argument',
        `sessionTimeoutMs must be ${c.minSessionTimeoutMs} to ${c.maxSessionTimeoutMs}`,
      );
    let g = this.groups.get(op.group);
    if (g === undefined) {
      if (this.groups.size >= c.maxGroups)
        return refusal('limit-exceeded', `too many groups (limit ${c.maxGroups})`);
      g = { assignor: op.assignor, generation: 0, members: new Map(), assignment: new Map() };
      this.groups.set(op.group, g);
    }
    if (g.assignor !== op.assignor)
      return refusal('invalid-argument', `group '${op.group}' uses the ${g.assignor} assignor`);
    const known = g.members.get(op.member);
    if (known === undefined && g.members.size >= c.maxMembersPerGroup)
      return refusal('limit-exceeded', `too many members (limit ${c.maxMembersPerGroup})`);
    const topics = [...new Set(op.topics)].sort();
    const changed = known === undefined || known.topics.join(',') !== topics.join(',');
    g.members.set(op.member, {
      topics,
      sessionTimeoutMs: op.sessionTimeoutMs,
      deadlineMs: nowMs + op.sessionTimeoutMs,
    });
    // A join of a member already in with the same topics (a retry, a rejoin after a lost
    // answer) changes nothing: no rebalance for the others.
    if (changed) this.rebalance(g);
    return this.view(g, op.member);
  }

  private rebalance(g: GroupState): void {
    g.generation += 1;
    g.assignment = this.assignment(g);
  }

  private assignment(g: GroupState): Map<string, TopicPartition[]> {
    const subscribed = new Set([...g.members.values()].flatMap((m) => m.topics));
    const partitions = new Map<string, number>();
    for (const t of subscribed) partitions.set(t, this.topics.get(t)?.partitions ?? 0);
    const members = [...g.members].map(([id, m]) => ({ id, topics: m.topics }));
    return assign(g.assignor, members, partitions);
  }

  private view(g: GroupState, member: string): GroupResult {
    const m = g.members.get(member) as Member;
    return {
      ok: true,
      generation: g.generation,
      partitions: g.assignment.get(member) ?? [],
      sessionTimeoutMs: m.sessionTimeoutMs,
    };
  }
}

function unknownMember(member: string): Refusal {
  return refusal('unknown-member', `unknown member '${member}' (left, timed out or never joined)`);
}

/** The first problem of a group operation or fence query (untrusted), or undefined. */
export function groupOpProblem(op: Record<string, unknown>, c: BrokerConfig): string | undefined {
  if (!isName(op.group) || (op.type !== 'expire' && !isName(op.member)))
    return `${String(op.type)}: a group and a member name`;
  switch (op.type) {
    case 'join': {
      const ts = op.topics;
      if (!Array.isArray(ts) || ts.length < 1 || ts.length > c.maxTopics || !ts.every(isName))
        return 'join: 1 or more topic names';
      if (!isCount(op.sessionTimeoutMs)) return 'join: a session timeout';
      return ASSIGNORS.includes(op.assignor as string) ? undefined : 'join: range or round-robin';
    }
    case 'heartbeat':
    case 'leave':
      return undefined;
    case 'expire': {
      const ms = op.members;
      return Array.isArray(ms) && ms.length <= c.maxMembersPerGroup && ms.every(isName)
        ? undefined
        : 'expire: member names';
    }
    case 'fence':
      return isCount(op.generation) && isName(op.topic) && isCount(op.partition)
        ? undefined
        : 'fence: a generation, a topic and a partition';
    default:
      return `unknown group operation ${JSON.stringify(op.type)}`;
  }
}

/** Whether `x` is a snapshot's group table (untrusted: a peer's snapshot). */
export function isGroupTuples(x: unknown, c: BrokerConfig): x is GroupTuple[] {
  if (!Array.isArray(x) || x.length > c.maxGroups) return false;
  const names = new Set<string>();
  for (const g of x as unknown[]) {
    if (!Array.isArray(g) || g.length !== 4 || !isName(g[0]) || names.has(g[0])) return false;
    names.add(g[0]);
    if (!ASSIGNORS.includes(g[1]) || !isCount(g[2]) || !Array.isArray(g[3])) return false;
    const members = g[3] as unknown[];
    if (members.length > c.maxMembersPerGroup) return false;
    const ids = new Set<string>();
    for (const m of members) {
      if (!Array.isArray(m) || m.length !== 4 || !isName(m[0]) || ids.has(m[0])) return false;
      ids.add(m[0]);
      const topics = m[1] as unknown;
      if (!Array.isArray(topics) || topics.length > c.maxTopics || !topics.every(isName))
        return false;
      if (!isCount(m[2]) || !isCount(m[3])) return false;
    }
  }
  return true;
}

export const isGroupOp = (op: unknown): boolean =>
  isRecord(op) && ['join', 'heartbeat', 'leave', 'expire'].includes(op.type as string);
