// A PBFT replica's state (Castro and Liskov 1999, §4.2–4.4) and its constants.
//
// Fault model: up to f = ⌊(n−1)/3⌋ Byzantine replicas (chosen by `--byzantine`, behaving as
// `--behaviour` says); links may lose, duplicate, delay and reorder messages and partition
// (safety never depends on timing; liveness needs the network to heal). A crash is treated
// as a Byzantine fault and is outside the fuzzed model: the log is volatile, and there are
// no checkpoints — the log is kept whole, which short simulated runs allow.

import type { NodeId } from '../../../core/process.js';
import type {
  PbftMessage,
  PrePrepare,
  Prepare,
  Prepared,
  Request,
  ViewChange,
} from './messages.js';

export interface Slot {
  prePrepare: PrePrepare | null;
  /** When this replica got the pre-prepare (local clock): old unfinished slots are re-sent. */
  sinceMs: number;
  readonly prepares: Map<NodeId, Prepare>;
  /** digest → replicas that sent a matching commit (this one included once it commits). */
  readonly commits: Map<string, Set<NodeId>>;
  prepared: boolean;
  committed: boolean;
}

export interface ClientState {
  t: number;
  done: number;
  pending: Request | null;
  /** replica → the result it replied for the pending request. */
  replies: Map<NodeId, number>;
  /** The latest view a reply reported: where the primary is. */
  viewHint: number;
}

export interface PbftState {
  readonly byzantine: boolean;
  view: number;
  status: 'normal' | 'view-change';
  /** `${view}:${seq}` → the slot's messages in that view. */
  readonly log: Map<string, Slot>;
  /** The highest-view prepared certificate per sequence number (for view changes). */
  readonly certs: Map<number, Prepared>;
  /** seq → the committed request (null request for a gap). */
  readonly committed: Map<number, Request | null>;
  nextSeq: number;
  lastExecuted: number;
  counter: number;
  /** client → its last executed timestamp and result. */
  readonly lastReply: Map<NodeId, { t: number; result: number }>;
  /** Requests received but not executed: `${client}:${t}` → request. */
  readonly pending: Map<string, Request>;
  /** new view → replica → its VIEW-CHANGE. */
  readonly viewChanges: Map<number, Map<NodeId, ViewChange>>;
  /** Normal-case messages for a view this replica has not entered yet, replayed on entry. */
  future: { readonly from: NodeId; readonly m: PbftMessage }[];
  /** The NEW-VIEW that started the current view (re-sent to replicas that missed it). */
  newView: (PbftMessage & { type: 'NewView' }) | null;
  /** seq → digest → replicas that reported it committed (catch-up votes). */
  readonly catchUp: Map<number, Map<string, { request: Request | null; from: Set<NodeId> }>>;
  /** Whether the request timer runs (normal status only). */
  timerOn: boolean;
  /** Consecutive view changes without a NEW-VIEW: the timeout doubles (§4.5.2). */
  attempts: number;
  client: ClientState;
}

/** The view-change timeout doubles per failed view change, at most this many times. */
export const BACKOFF_DOUBLINGS_MAX = 3;
/** How often a replica tells its peers how far it has executed (catch-up, see catch-up.ts). */
export const STATUS_MS = 250;
/** Committed entries sent per catch-up answer. */
export const CATCH_UP_BATCH = 32;

/** Messages buffered for views not yet entered (older ones are dropped first). */
export const FUTURE_MAX = 512;

/** A fresh replica: normal status in view 0, nothing logged, its client idle. */
export function initPbftState(byzantine: boolean): PbftState {
  return {
    byzantine,
    view: 0,
    status: 'normal',
    log: new Map(),
    certs: new Map(),
    committed: new Map(),
    nextSeq: 1,
    lastExecuted: 0,
    counter: 0,
    lastReply: new Map(),
    pending: new Map(),
    viewChanges: new Map(),
    future: [],
    newView: null,
    catchUp: new Map(),
    timerOn: false,
    attempts: 0,
    client: { t: 0, done: 0, pending: null, replies: new Map(), viewHint: 0 },
  };
}

export function slotOf(s: PbftState, view: number, seq: number): Slot {
  const key = `${view}:${seq}`;
  let slot = s.log.get(key);
  if (slot === undefined) {
    slot = {
      prePrepare: null,
      sinceMs: 0,
      prepares: new Map(),
      commits: new Map(),
      prepared: false,
      committed: false,
    };
    s.log.set(key, slot);
  }
  return slot;
}

export function requestKey(r: Request): string {
  return `${r.client}:${r.t}`;
}
