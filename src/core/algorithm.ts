// What every algorithm module exports (ARCHITECTURE.md rule 5): its process factory, a
// summary and the seed section it implements, its safety invariants (checked after every
// simulated step), liveness expectations (checked once faults have healed), named scenarios
// that show its known weaknesses, its options, and — where the notes give one — the
// theoretical message count. The registry, CLI, fuzzer and Lab read only this.

import type { VectorClock } from './clocks/vector.js';
import type { Message, NodeId, Output, Process } from './process.js';
import type { Topology } from './topology.js';

export type OptionValue = number | string | boolean | readonly number[];

/** An algorithm-specific option, parsed the same way by the CLI, the fuzzer and the Lab. */
export type OptionSpec =
  | { kind: 'int'; default: number; min?: number; max?: number; description: string }
  | { kind: 'bool'; default: boolean; description: string }
  | { kind: 'choice'; default: string; choices: readonly string[]; description: string }
  | { kind: 'ints'; default: readonly number[]; description: string };

export type OptionSpecs = Readonly<Record<string, OptionSpec>>;

/** The command-line flag of an option: `sendPercent` → `send-percent`. */
export function optionFlagName(option: string): string {
  return option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

/**
 * The option values a spec declares, typed from the spec itself (declare it `as const
 * satisfies OptionSpecs` so choices keep their literal types): no hand-written duplicate.
 */
export type OptionsOf<Specs extends OptionSpecs> = {
  readonly [K in keyof Specs]: Specs[K] extends { kind: 'int' }
    ? number
    : Specs[K] extends { kind: 'bool' }
      ? boolean
      : Specs[K] extends { kind: 'choice'; choices: readonly (infer C)[] }
        ? C
        : readonly number[];
};

/** Option values as the process factory receives them. */
export type OptionValues = Readonly<Record<string, OptionValue>>;

export interface RunContext<Opts = OptionValues> {
  readonly nodes: readonly NodeId[];
  readonly options: Opts;
  readonly seed: number;
}

export interface NodeView<S> {
  readonly id: NodeId;
  readonly up: boolean;
  readonly paused: boolean;
  /** Restarts so far (0 for the first run of the node). */
  readonly incarnation: number;
  /** The live process's state, or undefined while the node is down. */
  readonly state: S | undefined;
}

export interface OutputRecord<O extends Output = Output> {
  readonly atMs: number;
  readonly node: NodeId;
  readonly output: O;
  /** The true causal past of the step that produced it (only when `causality` is on). */
  readonly vc?: VectorClock;
}

export interface MessageStats {
  sent: number;
  delivered: number;
  dropped: number;
  duplicated: number;
  readonly byType: Record<string, number>;
  /** Messages sent by each node, index id−1. */
  readonly sentBy: number[];
  /** Messages delivered to each node, index id−1. */
  readonly receivedBy: number[];
}

/** What the host did to a node: its process lost (crash), rerun (restart), frozen or thawed. */
export type LifecycleEvent = 'crash' | 'restart' | 'pause' | 'resume';

export interface LifecycleRecord {
  readonly atMs: number;
  readonly node: NodeId;
  readonly event: LifecycleEvent;
  /**
   * How many outputs were recorded before it: outputs and lifecycle events at the same
   * instant interleave, and metrics that replay both need their exact order.
   */
  readonly outputsBefore: number;
}

/**
 * What checkers and metrics see of a run: node states, outputs so far, what happened to the
 * nodes (outputs alone cannot tell a leader that crashed from one that still leads), and
 * message counts.
 */
export interface ClusterView<S = unknown, O extends Output = Output> {
  readonly nowMs: number;
  readonly nodes: readonly NodeView<S>[];
  readonly outputs: readonly OutputRecord<O>[];
  /** Crashes, restarts, pauses and resumes so far, in order (not the first start). */
  readonly lifecycle: readonly LifecycleRecord[];
  readonly stats: MessageStats;
}

/** A safety predicate: returns a description of the violation, or undefined when it holds. */
export interface Invariant<S = unknown, O extends Output = Output> {
  readonly name: string;
  check(view: ClusterView<S, O>): string | undefined;
}

/** What must hold once faults have healed and the liveness deadline has passed. */
export interface Liveness<S = unknown, O extends Output = Output> {
  readonly name: string;
  check(view: ClusterView<S, O>): string | undefined;
}

export type Expectation = 'hold' | 'violated';

/** A named fault plan that shows a known weakness (or strength) of the algorithm. */
export interface Scenario {
  readonly name: string;
  readonly description: string;
  readonly faults: string;
  readonly nodes?: number;
  readonly durationMs?: number;
  readonly options?: OptionValues;
  /** What the run shows: invariants and liveness 'hold', or one of them is 'violated'. */
  readonly expect: { readonly safety: Expectation; readonly liveness: Expectation };
}

export type Metrics = Record<string, number | string | boolean | null>;

/** The fault kinds the simulator can inject (a fault plan's vocabulary). */
export type FaultKind =
  | 'crash'
  | 'pause'
  | 'partition'
  | 'block'
  | 'drift'
  | 'drop'
  | 'dup'
  | 'reorder'
  | 'delay'
  | 'corrupt'
  /** A step interrupted while it is made durable (`disk N tear|lose|fail-sync`). */
  | 'disk';

/** Every fault kind: a model that survives all of them but bounds one (e.g. drift). */
export const ALL_FAULT_KINDS: readonly FaultKind[] = [
  'crash',
  'pause',
  'partition',
  'block',
  'drift',
  'drop',
  'dup',
  'reorder',
  'delay',
  'corrupt',
  'disk',
];

/**
 * The faults an algorithm (or one of its variants) claims to survive. The fuzzer draws only
 * these; a named scenario should show what happens outside the model. Absent = every fault.
 */
export interface FaultModel {
  readonly tolerates: readonly FaultKind[];
  /** Longest message latency the algorithm's timeouts assume, in ms. */
  readonly maxDelayMs?: number;
  /** Longest process pause the algorithm's timeouts assume, in ms. */
  readonly maxPauseMs?: number;
  /** Largest clock drift (either way) the algorithm's timeouts assume, in ppm. */
  readonly maxDriftPpm?: number;
  /** The assumption in words, e.g. "a perfect failure detector: crashed nodes stay silent". */
  readonly assumption: string;
}

export interface MessageCount<S, O extends Output, Opts> {
  /** The formula as the notes or the paper state it, e.g. "2(n−1) per entry". */
  readonly formula: string;
  /** The formula's value for this run, and the measured value it is compared with. */
  compare(view: ClusterView<S, O>, ctx: RunContext<Opts>): { expected: number; measured: number };
}

/**
 * One event of a client history, in the shape sim/linearizability checks (Jepsen's: an
 * invoke, then ok / fail / info for the same process). `value` is a write's value, a cas's
 * [expected, new], the string an append adds to the end of the value, or the value a read
 * returned (null on invoke).
 */
export interface ClientHistoryEvent {
  readonly process: number;
  readonly type: 'invoke' | 'ok' | 'fail' | 'info';
  readonly f: 'read' | 'write' | 'cas' | 'append';
  readonly key?: string;
  readonly value: unknown;
  readonly time: number;
}

export interface ClientHistory {
  readonly model: 'register' | 'kv';
  readonly events: readonly ClientHistoryEvent[];
}

/** A client command as `parseCommand` judged it. */
export type ParsedCommand =
  | { readonly ok: true; readonly command: unknown }
  | { readonly ok: false; readonly reason: string };

export interface AlgorithmSpec<
  M extends Message = Message,
  O extends Output = Output,
  S = unknown,
  Opts = OptionValues,
> {
  /** `family/name`, e.g. `mutex/ricart-agrawala`. */
  readonly name: string;
  readonly family: string;
  readonly summary: string;
  /** The seed note and section it implements, e.g. `000, 001 §2.1`. */
  readonly seed: string;
  /** Test-only algorithms are runnable but not listed. */
  readonly hidden?: boolean;
  readonly nodes: { readonly default: number; readonly min: number; readonly max: number };
  readonly durationMs: number;
  /** How long after the last fault heals liveness may take. */
  readonly livenessDeadlineMs: number;
  readonly options: OptionSpecs;
  /**
   * Option values that differ when the algorithm runs as real processes, applied beneath what
   * the user gives (e.g. Raft's simulated client nodes: real clients use a node's API).
   */
  readonly runtimeDefaults?: Readonly<Partial<Opts>>;
  /** Ask the simulator to record true happens-before (a vector clock per step). */
  readonly causality?: boolean;
  create(id: NodeId, ctx: RunContext<Opts>): Process<M, O, S>;
  /**
   * Turns untrusted peer input into a typed message, or undefined when it is malformed.
   * Hosts call it before every delivery: a rejected message is dropped, counted and logged
   * with its sender, never handed to the process. It returns its input itself (not a copy)
   * when the input is valid, so traces are unchanged by validation. `ctx` is the run's (node
   * ids are checked against 1..n, some fields depend on the options); a parser that needs
   * neither may leave it out.
   */
  parseMessage?(raw: unknown, ctx: RunContext<Opts>): M | undefined;
  /**
   * Checks a client command (the runtime's API) before `onCommand` sees it: the command, or
   * the reason it is refused. Only algorithms that take commands have one.
   */
  parseCommand?(raw: unknown): ParsedCommand;
  /** Fresh checkers for one run (they may keep incremental state). */
  invariants(ctx: RunContext<Opts>): Invariant<S, O>[];
  liveness(ctx: RunContext<Opts>): Liveness<S, O>[];
  metrics?(view: ClusterView<S, O>, ctx: RunContext<Opts>): Metrics;
  /**
   * The run's client history, when the algorithm serves clients: the simulator checks it
   * for linearizability (metric `linearizable`, check `linearizability`).
   */
  history?(view: ClusterView<S, O>, ctx: RunContext<Opts>): ClientHistory;
  /**
   * The consistency models (sim/consistency's names: 'linearizable', 'sequential', 'causal',
   * 'read-your-writes', 'monotonic-reads', 'monotonic-writes', 'eventual') the history
   * promises under these options. When given, the run checks the history against exactly
   * these (check `consistency`) instead of requiring linearizability.
   */
  promises?(options: Opts): readonly string[];
  readonly messageCount?: MessageCount<S, O, Opts>;
  readonly scenarios: readonly Scenario[];
  /** The faults these options survive (every fault when absent or undefined). */
  faultModel?(options: Opts): FaultModel | undefined;
  /** The cluster size these options imply (e.g. LANs × nodes per LAN), when none is given. */
  nodesFor?(options: Opts): number;
  /** How the nodes are wired, for drawing them; absent = every pair talks. */
  topology?(nodes: number, options: Opts): Topology;
}

/** The registry's view of an algorithm, its type parameters erased. */
export type AnyAlgorithm = AlgorithmSpec<Message, Output, unknown, OptionValues>;

/** Declares an algorithm with full typing and returns it in the registry's erased form. */
export function defineAlgorithm<M extends Message, O extends Output, S, Opts>(
  spec: AlgorithmSpec<M, O, S, Opts>,
): AnyAlgorithm {
  return spec as unknown as AnyAlgorithm;
}
