// The bolts a topology names (topology.ts says why by name): split and count for word
// count, window-count (window-bolt.ts) for the windowed count. The word-count bolts reuse
// MapReduce's tokenizer, so a stream's answer is compared with the same single-process
// count. Pure: no I/O; a bolt refuses a malformed tuple by throwing, which fails its tree.

import { wordCount } from '../mapreduce/jobs.js';
import type { Bolt } from './topology.js';
import { windowedCount } from './window-bolt.js';

/**
 * split: [record, line, eventTime?] → one [word, n, record, k, eventTime?] per distinct
 * word (n occurrences), the record's event time carried along when it has one.
 */
const split: Bolt<null> = {
  init: () => null,
  execute(values, out) {
    const [record, line, t] = values;
    if (typeof record !== 'number' || typeof line !== 'string') throw new Error('bad tuple');
    if (t !== undefined && typeof t !== 'number') throw new Error('bad event time');
    let k = 0;
    for (const [word, n] of wordCount.map(line))
      out.emit(t === undefined ? [word, n, record, k++] : [word, n, record, k++, t]);
  },
};

const isEntry = (x: unknown): x is [string, number] =>
  Array.isArray(x) && x.length === 2 && typeof x[0] === 'string' && Number.isSafeInteger(x[1]);

/** count: keeps the task's running counts and writes each increment to the sink. */
const count: Bolt<Map<string, number>> = {
  init: () => new Map(),
  snapshot: (state) => [...state],
  restore(_, data) {
    if (!Array.isArray(data) || !data.every(isEntry)) throw new Error('a malformed count snapshot');
    return new Map(data);
  },
  execute(values, out, state) {
    const [word, n, record, k] = values;
    if (typeof word !== 'string' || typeof n !== 'number' || typeof record !== 'number')
      throw new Error('bad tuple');
    state.set(word, (state.get(word) ?? 0) + n);
    out.write({ record, uid: `${record}:${String(k)}`, key: word, delta: n });
  },
};

const BOLTS: Readonly<Record<string, Bolt>> = {
  split,
  count,
  'window-count': windowedCount,
} as Readonly<Record<string, Bolt>>;

export function findBolt(name: string): Bolt | undefined {
  return Object.hasOwn(BOLTS, name) ? BOLTS[name] : undefined;
}
