// The replicated broker's metadata machine: the one Raft group every broker process runs
// first, agreeing on which topics exist and how they are configured. Each broker starts one
// partition group (replicated-machine.ts) per partition of every topic this machine holds,
// so a topic created through any member appears on all of them in the same order. It also
// holds the consumer groups' membership, generations and assignments
// (replicated-membership.ts): its leader is the groups' coordinator.
//
// Fault model: operations and snapshots from peers are untrusted (checked before applying);
// pure, no I/O.

import type { MachineOp, RaftMachineDef } from '../../algorithms/consensus/raft/machine.js';
import {
  type Executor,
  isSessionTuples,
  type MachineResult,
  type SessionLimits,
  SessionMachine,
  type SessionTuple,
} from '../../algorithms/replicated-kv/session-machine.js';
import { isCount, isRecord } from '../../core/validate.js';
import { type BrokerConfig, checkName, checkTopicConfig, type TopicConfig } from './config.js';
import { BrokerError } from './errors.js';
import { isResult, type Refusal, refusal, sessionMachineDef } from './replicated-machine.js';
import {
  type FenceQuery,
  type GroupOp,
  type GroupResult,
  type GroupTuple,
  groupOpProblem,
  isGroupOp,
  isGroupTuples,
  Membership,
} from './replicated-membership.js';

export type MetaOp =
  | { readonly type: 'create'; readonly topic: string; readonly config: TopicConfig }
  | { readonly type: 'topics' }
  | GroupOp
  | FenceQuery;

export type MetaResult =
  | { readonly ok: true; readonly config: TopicConfig }
  | GroupResult
  | Refusal;

export interface MetaSnapshot {
  /** [name, config] in creation order. */
  readonly topics: readonly (readonly [string, TopicConfig])[];
  /** Consumer groups (absent in snapshots from before groups existed in this mode). */
  readonly groups?: readonly GroupTuple[];
  readonly sessions: readonly SessionTuple<MetaResult>[];
  readonly timeMs: number;
}

class MetaExecutor implements Executor<MachineOp, MetaResult> {
  clock: () => number = () => 0;
  constructor(
    readonly topics: Map<string, TopicConfig>,
    readonly membership: Membership,
    readonly config: BrokerConfig,
  ) {}

  execute(wrapped: MachineOp): MachineResult<MetaResult> {
    const op = wrapped.op as MetaOp;
    if (isGroupOp(op))
      return { ok: true, value: this.membership.apply(op as GroupOp, this.clock()) };
    if (op.type !== 'create') return { ok: true, value: refusal('invalid-argument', 'a read') };
    return { ok: true, value: this.create(op.topic, op.config) };
  }

  /** The same topic with the same configuration again is a no-op (as in machine.ts). */
  private create(topic: string, config: TopicConfig): MetaResult {
    const existing = this.topics.get(topic);
    if (existing !== undefined) {
      if (JSON.stringify(existing) === JSON.stringify(config)) return { ok: true, config };
      return refusal('topic-exists', `topic '${topic}' exists with a different configuration`);
    }
    if (this.topics.size >= this.config.maxTopics)
      return refusal('limit-exceeded', `too many topics (limit ${this.config.maxTopics})`);
    this.topics.set(topic, config);
    return { ok: true, config };
  }
}

export class MetaMachine extends SessionMachine<MachineOp, MetaResult> {
  readonly membership: Membership;

  constructor(
    limits: SessionLimits,
    readonly topics: Map<string, TopicConfig>,
    config: BrokerConfig,
  ) {
    const membership = new Membership(topics, config);
    const executor = new MetaExecutor(topics, membership, config);
    super(limits, executor);
    executor.clock = () => this.timeMs;
    this.membership = membership;
  }

  read(op: MetaOp): unknown {
    return op.type === 'fence' ? this.membership.fence(op) : [...this.topics];
  }

  snapshot(): MetaSnapshot {
    return {
      topics: [...this.topics],
      groups: this.membership.tuples(),
      sessions: this.sessionTuples(),
      timeMs: this.timeMs,
    };
  }
}

/** Whether `x` is a valid topic configuration under `config` (untrusted input). */
function isTopicEntry(x: unknown, config: BrokerConfig): boolean {
  if (!Array.isArray(x) || x.length !== 2 || !isRecord(x[1])) return false;
  try {
    checkName('topic', x[0]);
    const c = x[1] as unknown as TopicConfig;
    checkTopicConfig(config, c);
    return Object.keys(c).length === 3;
  } catch (error) {
    if (error instanceof BrokerError) return false;
    throw error;
  }
}

function metaOpProblem(op: Record<string, unknown>, config: BrokerConfig): string | undefined {
  if (op.type === 'topics') return undefined;
  if (isGroupOp(op) || op.type === 'fence') return groupOpProblem(op, config);
  if (op.type !== 'create') return `unknown metadata operation ${JSON.stringify(op.type)}`;
  return isTopicEntry([op.topic, op.config], config) ? undefined : 'create: a topic and its config';
}

export function metaMachineDef(config: BrokerConfig): RaftMachineDef<MetaMachine> {
  const empty: MetaSnapshot = { topics: [], sessions: [], timeMs: 0 };
  return sessionMachineDef<MetaMachine>({
    emptySnapshot: empty,
    isSnapshot: (x) =>
      isRecord(x) &&
      isCount(x.timeMs) &&
      isSessionTuples(x.sessions, x.timeMs, isResult) &&
      Array.isArray(x.topics) &&
      x.topics.every((t) => isTopicEntry(t, config)) &&
      new Set(x.topics.map((t) => (t as [string])[0])).size === x.topics.length &&
      (x.groups === undefined || isGroupTuples(x.groups, config)),
    restore: (snap: MetaSnapshot, limits) => {
      const m = new MetaMachine(limits, new Map(snap.topics), config);
      m.membership.restore(snap.groups ?? []);
      m.restoreSessions(snap.sessions, snap.timeMs);
      return m;
    },
    reads: new Set(['topics', 'fence']),
    innerProblem: (op) => metaOpProblem(op, config),
    read: (m, op) => m.read(op as MetaOp),
  });
}
