// The jobs MapReduce can run, by name: functions cannot cross a process boundary, so the
// master names the job and every worker looks the same functions up here. A job is a map
// (a split's text → key/value pairs, already combined — the paper's combiner, §4.3, run
// inside the map), a reduce (a key's values → one value) and the partition function
// (hash(key) mod R, §4.1). Values are JSON-serialisable.

import { hash32 } from '../../core/prng.js';

export interface MapReduceJob<V> {
  readonly name: string;
  /** Emits the split's key/value pairs, combined per key. */
  map(text: string): Map<string, V>;
  /** Merges a key's values (from every map task) into one. */
  reduce(key: string, values: readonly V[]): V;
}

/** A word: a maximal run of letters, digits and apostrophes, lower-cased. */
const WORD = /[\p{L}\p{N}']+/gu;

export const wordCount: MapReduceJob<number> = {
  name: 'wordcount',
  map(text) {
    const counts = new Map<string, number>();
    for (const m of text.toLowerCase().matchAll(WORD))
      counts.set(m[0], (counts.get(m[0]) ?? 0) + 1);
    return counts;
  },
  reduce: (_key, values) => values.reduce((a, b) => a + b, 0),
};

export const JOBS: Readonly<Record<string, MapReduceJob<unknown>>> = {
  wordcount: wordCount as MapReduceJob<unknown>,
};

export function findJob(name: string): MapReduceJob<unknown> | undefined {
  return Object.hasOwn(JOBS, name) ? JOBS[name] : undefined;
}

/** The reduce partition of a key (§4.1: hash(key) mod R). */
export function partitionOf(key: string, reducers: number): number {
  return hash32(key) % reducers;
}
