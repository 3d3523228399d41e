// One Multi-Paxos node: acceptor, proposer (leader or not), learner/replica and a client.
// Durable: the fields `promised`, `round` and `client` (declared in multi-paxos.ts, saved by
// the kernel), and the keyed logs 'acc/<slot>' (accepted proposals) and 'chosen/<slot>'
// (learned commands), which the acceptor and the replica write themselves, one key per slot,
// so a step writes only the slots it touched. Everything else is volatile and rebuilt on
// restart (the key-value map by re-applying the chosen log).

import type { Step } from '../../../core/kernel.js';
import type { NodeId } from '../../../core/process.js';
import { KvMachine, UNBOUNDED_SESSIONS } from '../../replicated-kv/machine.js';
import { type Ballot, ZERO_BALLOT } from '../paxos/ballot.js';
import type { Command } from './command.js';
import type { MultiPaxosMessage, MultiPaxosOutput, SlotProposal } from './messages.js';
import type { MultiPaxosConfig } from './options.js';

export type Role = 'follower' | 'candidate' | 'leader';

export interface AcceptedEntry {
  readonly ballot: Ballot;
  readonly command: Command;
}

export interface Inflight {
  readonly command: Command;
  acks: NodeId[];
  /** When the Accepts went out (local clock): the heartbeat re-sends older ones. */
  readonly sentAtMs: number;
}

export interface ClientState {
  /** The seq of the current (or last) command; durable so a seq is never reused. */
  seq: number;
  /** Commands completed. */
  done: number;
  /** The outstanding command, re-submitted until it completes. */
  pending: Command | null;
}

export interface MultiPaxosState {
  // Acceptor (durable: `promised` a field, `accepted` one storage key per slot).
  promised: Ballot;
  readonly accepted: Map<number, AcceptedEntry>;
  // Proposer.
  role: Role;
  /** Highest round this node used as proposer (durable). */
  round: number;
  /** Highest round seen anywhere: a new ballot must exceed it. */
  seenRound: number;
  /** This node's ballot while candidate or leader. */
  ballot: Ballot | null;
  /** The ballot of the leader this node last heard from. */
  leader: Ballot | null;
  promises: Map<NodeId, readonly SlotProposal[]>;
  /** Phase 1 covers every slot from here on. */
  fromSlot: number;
  nextSlot: number;
  readonly inflight: Map<number, Inflight>;
  /** Requests that arrived while phase 1 was running. */
  queue: Command[];
  // Learner / replica (durable: one storage key per chosen slot).
  readonly chosen: Map<number, Command>;
  /** Slots 1..applied have been applied to `kv`. */
  applied: number;
  kv: KvMachine;
  // Client workload (durable).
  client: ClientState;
}

/** What every handler receives: this node's state, its Env and the run's config. */
export type X = Step<MultiPaxosMessage, MultiPaxosOutput, MultiPaxosState, MultiPaxosConfig>;

/** A fresh incarnation, before the kernel restores the durable fields. */
export function initMultiPaxosState(): MultiPaxosState {
  return {
    promised: ZERO_BALLOT,
    accepted: new Map(),
    role: 'follower',
    round: 0,
    seenRound: 0,
    ballot: null,
    leader: null,
    promises: new Map(),
    fromSlot: 1,
    nextSlot: 1,
    inflight: new Map(),
    queue: [],
    chosen: new Map(),
    applied: 0,
    kv: new KvMachine(UNBOUNDED_SESSIONS),
    client: { seq: 0, done: 0, pending: null },
  };
}

/** The highest slot s such that every slot 1..s is chosen here. */
export function commitPoint(s: MultiPaxosState): number {
  let slot = s.applied;
  while (s.chosen.has(slot + 1)) slot++;
  return slot;
}

export function slotKey(prefix: 'acc' | 'chosen', slot: number): string {
  return `${prefix}/${String(slot).padStart(10, '0')}`;
}

export function leaderId(s: MultiPaxosState): NodeId | null {
  return s.leader?.proposer ?? null;
}
