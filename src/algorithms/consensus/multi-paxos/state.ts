// One Multi-Paxos node: acceptor, proposer (leader or not), learner/replica and a client.
// Durable keys: 'promised', 'round', 'acc/<slot>' (accepted proposals), 'chosen/<slot>'
// (learned commands) and 'client' (the workload's progress). Everything else is volatile
// and rebuilt on restart (the key-value map by re-applying the chosen log).

import type { Env, NodeId } from '../../../core/process.js';
import type { Ballot } from '../paxos/ballot.js';
import type { Command, KvMachine, KvResult } from './kv.js';
import type { MultiPaxosMessage, MultiPaxosOutput, SlotProposal } from './messages.js';
import type { MultiPaxosOptions } from './options.js';

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
  // Acceptor (durable).
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
  // Learner / replica.
  readonly chosen: Map<number, Command>;
  /** Slots 1..applied have been applied to `kv`. */
  applied: number;
  kv: KvMachine;
  // Client workload.
  client: ClientState;
}

export type MpEnv = Env<MultiPaxosMessage, MultiPaxosOutput>;

export interface MpNode {
  readonly s: MultiPaxosState;
  readonly env: MpEnv;
  readonly opts: MultiPaxosOptions;
  readonly majority: number;
  /** Hands a command to the proposer side (leader.ts), wired by node.ts. */
  readonly submit: (command: Command) => void;
  /** Hands a result to this node's own client (client.ts), wired by node.ts. */
  readonly reply: (seq: number, result: KvResult) => void;
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
