// A ZooKeeper server's state (zab.ts explains the protocol). It is one flat object: the
// election's fields (election/zab-fle's FleState: role, leader, term, votes, epochs), which
// zab-fle's handlers read and write on this same object, and ZAB's own (phase, history,
// commit point, the key-value machine, the client). Flat because the kernel saves only top-level fields, and the
// election's durable fields (zxid, currentEpoch, acceptedEpoch, acceptedFrom) must be saved
// in the same step as ZAB's.
//
// Durable: the election's fields above; `delivered`; the client's `seq` and `done` (kernel
// fields, declared in zab.ts); and the history, a keyed log written by log.ts (one storage
// key per transaction, so a step writes only what it appends).

import type { Step } from '../../../core/kernel.js';
import type { NodeId } from '../../../core/process.js';
import type { FleConfig } from '../../election/zab-fle/options.js';
import type { FleState } from '../../election/zab-fle/state.js';
import { fleDefinition } from '../../election/zab-fle/zab-fle.js';
import { KvMachine, UNBOUNDED_SESSIONS } from '../../replicated-kv/machine.js';
import type { KvOp } from '../../replicated-kv/ops.js';
import type { SeenValues } from '../../replicated-kv/workload.js';
import type { Txn, ZabMessage, ZabOutput } from './messages.js';
import type { ZabConfig } from './options.js';

export type ZabPhase = 'election' | 'sync' | 'broadcast';

export interface ZabState extends FleState {
  readonly id: NodeId;
  phase: ZabPhase;
  /** The epoch this server leads or is synchronized to (0 in election). */
  epoch: number;
  /** Durable (one storage key per entry): accepted proposals in zxid order. */
  history: Txn[];
  /** Highest zxid known committed (volatile; restarts at `delivered`). */
  committed: number;
  /** Durable: highest zxid delivered. */
  delivered: number;
  /**
   * The shared key-value machine, fed every delivered transaction in zxid order (volatile:
   * rebuilt on restart from the history up to `delivered`). Its sessions never expire:
   * the history carries no time.
   */
  kv: KvMachine;
  /** Leader: the last zxid each synchronized learner acknowledged, by learner id. */
  learners: Record<string, number>;
  /** Leader: each learner's acknowledged zxid at the previous tick (to spot a stall). */
  ackedAtTick: Record<string, number>;
  /** Leader: the counter of the epoch (the low half of the last zxid proposed). */
  counter: number;
  /** Learner: proposals that arrived ahead of a gap, by zxid (at most MAX_EARLY). */
  early: Map<number, Txn>;
  /** The election's role and term when ZAB last looked: a change starts a new phase. */
  seen: { readonly role: FleState['role']; readonly term: number };
  /** Client workload: durable sequence number and completed operations. */
  seq: number;
  done: number;
  pending: { readonly seq: number; readonly op: KvOp; sentAt: number } | null;
  /** What the client last saw of each key (volatile): a compare-and-swap expects it. */
  clientSeen: SeenValues;
}

/** What every ZAB handler receives: the server's state, its Env and the run's config. */
export type X = Step<ZabMessage, ZabOutput, ZabState, ZabConfig>;

/** The last zxid of the server's history (0 when empty). */
export function lastZxid(s: ZabState): number {
  return s.history[s.history.length - 1]?.zxid ?? 0;
}

/** The election's config for this server: its history's last zxid is part of its vote. */
export function fleConfigOf(c: ZabConfig, s: ZabState): FleConfig {
  return { ...c.fle, lastZxid: () => lastZxid(s), epochOnSync: true };
}

/** A fresh incarnation, before the kernel restores the durable fields. */
export function initZabState(c: ZabConfig, id: NodeId): ZabState {
  const s: ZabState = {
    ...fleDefinition.init(c.fle, id),
    id,
    phase: 'election',
    epoch: 0,
    history: [],
    committed: 0,
    delivered: 0,
    kv: new KvMachine(UNBOUNDED_SESSIONS),
    learners: {},
    ackedAtTick: {},
    counter: 0,
    early: new Map(),
    seen: { role: 'looking', term: 0 },
    seq: 0,
    done: 0,
    pending: null,
    clientSeen: new Map(),
  };
  return s;
}
