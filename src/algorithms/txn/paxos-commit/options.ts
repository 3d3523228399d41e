// Options of txn/paxos-commit, its node layout and the fixed per-run config its handlers read.
// Node 1 is the transaction manager (the initial leader), nodes 2..N+1 the N resource
// managers, the next 2F+1 nodes the acceptors; nodes past those (a larger --nodes) idle.

import type { OptionSpecs, OptionsOf } from '../../../core/algorithm.js';
import type { NodeId } from '../../../core/process.js';
import { txnWorkloadOptionSpecs } from '../shared/workload.js';

export const paxosCommitOptionSpecs = {
  ...txnWorkloadOptionSpecs,
  rms: {
    kind: 'int',
    default: 3,
    min: 1,
    max: 30,
    description: 'resource managers (N): one Paxos instance per transaction each',
  },
  f: {
    kind: 'int',
    default: 1,
    min: 0,
    max: 10,
    description: 'acceptor faults tolerated (F): 2F+1 acceptors, F+1 make a quorum',
  },
  timeoutMs: {
    kind: 'int',
    default: 100,
    min: 1,
    max: 600_000,
    description:
      'a leader that has not learned the outcome by then starts a higher ballot; an ' +
      'in-doubt resource manager waits 2× (plus jitter) before leading itself',
  },
  retryMs: {
    kind: 'int',
    default: 100,
    min: 1,
    max: 600_000,
    description: 'period of the timeout checks and of resending outcomes not acknowledged',
  },
} as const satisfies OptionSpecs;

export type PaxosCommitOptions = OptionsOf<typeof paxosCommitOptionSpecs>;

export const TM = 1;

export type PaxosCommitRole = 'tm' | 'rm' | 'acceptor' | 'idle';

export interface PaxosCommitConfig {
  readonly opts: PaxosCommitOptions;
  /** Cluster size: ballots are round · n + proposer id, unique per proposer. */
  readonly n: number;
  readonly rms: readonly NodeId[];
  readonly acceptors: readonly NodeId[];
  /** F + 1. */
  readonly quorum: number;
  /** An in-doubt resource manager leads after this (plus up to `timeoutMs` of jitter). */
  readonly inDoubtMs: number;
}

/** The cluster size the options need: 1 + N + 2F + 1. */
export function paxosCommitNodes(opts: Pick<PaxosCommitOptions, 'rms' | 'f'>): number {
  return 1 + opts.rms + 2 * opts.f + 1;
}

export function paxosCommitConfig(n: number, opts: PaxosCommitOptions): PaxosCommitConfig {
  const ids = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);
  return {
    opts,
    n,
    rms: ids(2, opts.rms),
    acceptors: ids(2 + opts.rms, 2 * opts.f + 1).filter((id) => id <= n),
    quorum: opts.f + 1,
    inDoubtMs: 2 * opts.timeoutMs,
  };
}

export function roleOf(c: PaxosCommitConfig, id: NodeId): PaxosCommitRole {
  if (id === TM) return 'tm';
  if (c.rms.includes(id)) return 'rm';
  return c.acceptors.includes(id) ? 'acceptor' : 'idle';
}

/** Who proposes at `ballot`: the resource manager itself at 0, else round · n + id. */
export function proposerOf(c: PaxosCommitConfig, ballot: number, rm: NodeId): NodeId {
  return ballot === 0 ? rm : ((ballot - 1) % c.n) + 1;
}

/** Where a phase 2b for `ballot` goes: the leader of that ballot (the TM for ballot 0). */
export function leaderOf(c: PaxosCommitConfig, ballot: number): NodeId {
  return ballot === 0 ? TM : ((ballot - 1) % c.n) + 1;
}
