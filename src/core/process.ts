// The process contract (ARCHITECTURE.md, "The process contract"). An algorithm is a
// `Process`: it reacts to one input at a time — start, a message, a timer, a command — and
// acts on the world only through the `Env` it is handed. Hosts (the simulator, the real
// runtime) buffer a step's effects and release them AFTER the step: durable writes first,
// then messages, so an acknowledgement never outruns its fsync.

import type { Random } from './prng.js';

/** Nodes are numbered 1..n. */
export type NodeId = number;

/** Messages are plain, codec-serializable data; `type` is used for counting and display. */
export interface Message {
  readonly type: string;
}

/** Something the outside world observes (entering a critical section, a commit, a clock). */
export interface Output {
  readonly type: string;
}

/**
 * Durable state. It survives a crash; everything else in a process is volatile. Writes in
 * a step become durable together, BEFORE that step's messages leave the node. Reads see the
 * step's own pending writes. Values must be plain data (they pass through the codec).
 */
export interface Storage {
  get<T>(key: string): T | undefined;
  set(key: string, value: unknown): void;
  delete(key: string): void;
  /** Keys in ascending order, optionally only those starting with `prefix`. */
  keys(prefix?: string): string[];
}

export interface SendOptions {
  readonly beforeDurable?: boolean;
}

export interface Env<M extends Message = Message, O extends Output = Output> {
  /** This node's id. */
  readonly id: NodeId;
  /** Every node of the cluster, ascending (this one included). */
  readonly nodes: readonly NodeId[];
  /** Every other node, ascending: iterate this to broadcast in a fixed order. */
  readonly peers: readonly NodeId[];
  /** Milliseconds on this node's local clock; may drift from other nodes' clocks. */
  now(): number;
  /**
   * Sends `message` once this step is durable — or, with `beforeDurable`, as soon as the step
   * ends (a real host may then let it overtake messages still waiting for the disk). Only
   * for a message that promises nothing a crash could take back: Raft's leader sends its
   * new entries while it writes them, and counts its own copy only once it is durable
   * (Ongaro's dissertation §10.2.1). A simulated step is durable when it ends, so there
   * the option changes nothing.
   */
  send(to: NodeId, message: M, options?: SendOptions): void;
  /** Sends to every peer in ascending id order. */
  broadcast(message: M): void;
  /** Arms the named timer `delayMs` from now (local clock); re-arming replaces it. */
  setTimer(name: string, delayMs: number): void;
  cancelTimer(name: string): void;
  readonly random: Random;
  readonly storage: Storage;
  /** Reports an observable event to the host (checkers, metrics, the Lab). */
  output(event: O): void;
  /** A free-form trace annotation; costs nothing when tracing is off. */
  note(text: string): void;
}

/**
 * One node's state machine. `state` is a plain, printable object that invariants and the
 * Lab read; handlers mutate it. A restarted node is a fresh process (volatile state gone)
 * whose `onStart` finds `env.storage` as it was left.
 */
export interface Process<M extends Message = Message, O extends Output = Output, S = unknown> {
  readonly state: S;
  onStart(env: Env<M, O>): void;
  onMessage(env: Env<M, O>, from: NodeId, message: M): void;
  onTimer(env: Env<M, O>, name: string): void;
  onCommand?(env: Env<M, O>, command: unknown): void;
}

/** Every node id 1..n. */
export function nodeIds(n: number): NodeId[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}
