// A Storm-style topology (Toshniwal et al., SIGMOD 2014): a spout feeding bolts, each
// bolt run as `parallelism` tasks, each input stream partitioned by a grouping — shuffle
// (round-robin over the consumer's tasks) or fields (hash of the tuple's first value mod
// the consumer's parallelism, so one key always meets one task). Bolts are named, not
// passed: functions cannot cross a process boundary, so the master names each component's
// bolt and every worker looks it up in bolts.ts, as MapReduce's jobs do
// (../mapreduce/jobs.ts).
//
// Pure: no I/O.

import { hash32 } from '../../core/prng.js';
import type { WindowOptions } from './windows.js';

export type Grouping = 'shuffle' | 'fields';

export interface Component {
  readonly name: string;
  readonly bolt: string;
  readonly parallelism: number;
  /** The component whose output this one consumes ('spout' for the spout's). */
  readonly source: string;
  readonly grouping: Grouping;
  /** A windowed bolt's windows. */
  readonly window?: WindowOptions;
  /** A windowed bolt counts each update id once per window (the idempotent delivery). */
  readonly dedup?: boolean;
  /**
   * The task's state is checkpointed (exactly-once, checkpointed-run.ts): a windowed bolt
   * holds no acks, since a restore brings its windows back instead of a replay.
   */
  readonly checkpointed?: boolean;
}

export type Topology = readonly Component[];

/** A task: one instance of a component. */
export interface TaskRef {
  readonly component: string;
  readonly index: number;
}

/** A write to the sink: `delta` added to `key`, `uid` naming the update for dedup. */
export interface SinkWrite {
  readonly record: number;
  readonly uid: string;
  readonly key: string;
  readonly delta: number;
}

/** A window's final (or late, corrected) count of `key`: the sink sets it, never adds. */
export interface WindowWrite {
  readonly start: number;
  readonly end: number;
  readonly key: string;
  readonly count: number;
}

/** An input tuple whose ack a bolt holds back (its tree stays open until released). */
export interface Held {
  readonly root: string;
  readonly id: string;
}

export interface Collector {
  emit(values: readonly unknown[]): void;
  write(w: SinkWrite): void;
  fire(w: WindowWrite): void;
  /** Holds the input's ack until `release` (Storm's windowed bolts ack on expiry). */
  hold(): Held;
  release(h: Held): void;
}

/**
 * A bolt: per-tuple processing; its state is the task's own memory, volatile unless the run
 * checkpoints it (then `snapshot` gives it as JSON and `restore` takes it back; a bolt
 * without them keeps no state worth saving, and restores to `init`).
 */
export interface Bolt<S = unknown> {
  init(c: Component): S;
  snapshot?(state: S): unknown;
  /** The state `data` (a snapshot of this bolt's) stands for; throws on a malformed one. */
  restore?(c: Component, data: unknown): S;
  execute(values: readonly unknown[], out: Collector, state: S): void;
  /** The task's input watermark (event time, Infinity at the end) moved forward. */
  watermark?(eventTime: number, out: Collector, state: S): void;
}

/** Word count: spout → split (shuffle) → count (fields on the word) → sink. */
export function wordCountTopology(splitTasks: number, countTasks: number): Topology {
  return [
    { name: 'split', bolt: 'split', parallelism: splitTasks, source: 'spout', grouping: 'shuffle' },
    { name: 'count', bolt: 'count', parallelism: countTasks, source: 'split', grouping: 'fields' },
  ];
}

/**
 * Windowed word count: spout → split (shuffle) → window-count (fields on the word, one
 * EventTimeWindows per task) → sink, keyed by (window, word).
 */
export function windowedCountTopology(
  splitTasks: number,
  countTasks: number,
  window: WindowOptions,
  dedup: boolean,
  checkpointed = false,
): Topology {
  return [
    { name: 'split', bolt: 'split', parallelism: splitTasks, source: 'spout', grouping: 'shuffle' },
    {
      name: 'count',
      bolt: 'window-count',
      parallelism: countTasks,
      source: 'split',
      grouping: 'fields',
      window,
      dedup,
      checkpointed,
    },
  ];
}

/** The tasks whose watermarks a task of `c` takes the minimum of ('spout' for the spout). */
export function inputsOf(topology: Topology, c: Component): string[] {
  const source = topology.find((s) => s.name === c.source);
  if (source === undefined) return ['spout'];
  return Array.from({ length: source.parallelism }, (_, index) =>
    taskKey({ component: source.name, index }),
  );
}

/** The components that consume `source`'s output. */
export function consumersOf(topology: Topology, source: string): Component[] {
  return topology.filter((c) => c.source === source);
}

/** Every task, in a fixed order, placed round-robin on `workers` worker processes. */
export function placement(topology: Topology, workers: number): Map<string, number> {
  const where = new Map<string, number>();
  let n = 0;
  for (const c of topology)
    for (let i = 0; i < c.parallelism; i++)
      where.set(taskKey({ component: c.name, index: i }), n++ % workers);
  return where;
}

export function taskKey(t: TaskRef): string {
  return `${t.component}#${t.index}`;
}

/**
 * Picks the consumer task for `values` under `c`'s grouping. `turn` counts the source
 * task's shuffled tuples, so shuffle grouping spreads them evenly.
 */
export function route(c: Component, values: readonly unknown[], turn: number): TaskRef {
  const index =
    c.grouping === 'fields' ? hash32(String(values[0])) % c.parallelism : turn % c.parallelism;
  return { component: c.name, index };
}
