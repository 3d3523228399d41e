// A Maekawa node's state (maekawa.ts explains the protocol): a requester half and a voter
// half. Everything but the quorum (fixed, recomputed from the id) is durable.

import type { NodeId } from '../../../core/process.js';
import type { MutexNodeState } from '../workload.js';
import { gridQuorum } from './quorum.js';

export interface Ask {
  readonly node: NodeId;
  readonly ts: number;
}

export interface MaekawaState extends MutexNodeState {
  /** This node's voters (its grid row and column, itself included), ascending. */
  readonly quorum: readonly NodeId[];
  phase: 'idle' | 'wanting' | 'inside';
  inCS: boolean;
  served: number;
  clock: number;
  /** Our current request's timestamp. */
  ts: number;
  /** Votes held for the current request: voter id → grant stamp. */
  votes: Record<string, number>;
  /** A FAILED arrived for the current request: yield whenever asked. */
  failed: boolean;
  /** Voters that inquired while we had no FAILED yet. */
  inquirers: NodeId[];
  /** Highest grant stamp given back to each voter (votes at or below it are stale). */
  yielded: Record<string, number>;
  /** Voter half: the request we are locked for, its stamp, and the waiting requests. */
  lock: (Ask & { readonly stamp: number }) | null;
  queue: Ask[];
  stamps: number;
  /**
   * The voter's `inquire` timer is armed. Durable only as the step left it: a restart
   * re-arms it at the end of onStart (the crash killed the timer), and until then the
   * restored value decides whether the re-sent requests arm it (as they always have).
   */
  inquiring: boolean;
}

export const MAEKAWA_DURABLE = [
  'phase',
  'inCS',
  'served',
  'clock',
  'ts',
  'votes',
  'failed',
  'inquirers',
  'yielded',
  'lock',
  'queue',
  'stamps',
  'inquiring',
] as const satisfies readonly (keyof MaekawaState)[];

/** `c`: the run's config (options.ts), of which the state needs the cluster size. */
export function initMaekawaState(c: { readonly n: number }, id: NodeId): MaekawaState {
  return {
    quorum: gridQuorum(id, c.n),
    phase: 'idle',
    inCS: false,
    served: 0,
    clock: 0,
    ts: 0,
    votes: {},
    failed: false,
    inquirers: [],
    yielded: {},
    lock: null,
    queue: [],
    stamps: 0,
    inquiring: false,
  };
}

/** Whether every voter of our quorum has voted for the current request. */
export function hasAllVotes(s: MaekawaState): boolean {
  return s.quorum.every((v) => s.votes[v] !== undefined);
}

/**
 * Our own bookkeeping: phase and inCS agree, only a request in progress holds votes, a
 * node holding every vote has entered, and a lock's stamp was issued by us.
 */
export function maekawaConsistent(s: MaekawaState): boolean {
  return (
    s.inCS === (s.phase === 'inside') &&
    (s.phase !== 'idle' || Object.keys(s.votes).length === 0) &&
    (s.phase !== 'wanting' || !hasAllVotes(s)) &&
    (s.lock === null || s.lock.stamp <= s.stamps)
  );
}
