// A Storm-style topology (Toshniwal et al., SIGMOD 2014): a spout feeding bolts, each
// bolt run as `parallelism` tasks, each input stream partitioned by a grouping — shuffle
// (round-robin over the consumer's tasks) or fields (hash of the tuple's first value mod
// the consumer's parallelism, so one key always meets one task). Bolts are named, not
// passed: functions cannot cross a process boundary, so the master names each component's
// bolt and every worker looks it up here, as MapReduce's jobs do (../mapreduce/jobs.ts).
//
// Pure: no I/O. The word-count bolts reuse MapReduce's tokenizer, so a stream's answer is
// compared with the same single-process count.

import { hash32 } from '../../core/prng.js';
import { wordCount } from '../mapreduce/jobs.js';

export type Grouping = 'shuffle' | 'fields';

export interface Component {
  readonly name: string;
  readonly bolt: string;
  readonly parallelism: number;
  /** The component whose output this one consumes ('spout' for the spout's). */
  readonly source: string;
  readonly grouping: Grouping;
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

export interface Collector {
  emit(values: readonly unknown[]): void;
  write(w: SinkWrite): void;
}

/** A bolt: per-tuple processing; `state` is the task's own (volatile) memory. */
export interface Bolt {
  execute(values: readonly unknown[], out: Collector, state: Map<string, number>): void;
}

/** split: [record, line] → one [word, n, record, k] per distinct word (n occurrences). */
const split: Bolt = {
  execute(values, out) {
    const [record, line] = values;
    if (typeof record !== 'number' || typeof line !== 'string') throw new Error('bad tuple');
    let k = 0;
    for (const [word, n] of wordCount.map(line)) out.emit([word, n, record, k++]);
  },
};

/** count: keeps the task's running counts and writes each increment to the sink. */
const count: Bolt = {
  execute(values, out, state) {
    const [word, n, record, k] = values;
    if (typeof word !== 'string' || typeof n !== 'number' || typeof record !== 'number')
      throw new Error('bad tuple');
    state.set(word, (state.get(word) ?? 0) + n);
    out.write({ record, uid: `${record}:${String(k)}`, key: word, delta: n });
  },
};

const BOLTS: Readonly<Record<string, Bolt>> = { split, count };

export function findBolt(name: string): Bolt | undefined {
  return Object.hasOwn(BOLTS, name) ? BOLTS[name] : undefined;
}

/** Word count: spout → split (shuffle) → count (fields on the word) → sink. */
export function wordCountTopology(splitTasks: number, countTasks: number): Topology {
  return [
    { name: 'split', bolt: 'split', parallelism: splitTasks, source: 'spout', grouping: 'shuffle' },
    { name: 'count', bolt: 'count', parallelism: countTasks, source: 'split', grouping: 'fields' },
  ];
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
