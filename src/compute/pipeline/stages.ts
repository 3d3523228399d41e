// The functions a pipeline stage can run, by name: a stage may run in its own worker process,
// and functions cannot cross a process boundary, so the pipeline names each stage's function
// and the worker looks the same one up here (as MapReduce's jobs and the stream's bolts do).
//
// A stage function maps one item to zero or more outputs (a filter, a map or a flat map),
// may be asynchronous (standing for I/O: a database write, a remote call), keeps its own
// state in `ctx.state` (one per stage, shared by its concurrent slots) and may emit more
// outputs once its input is exhausted (`finish`: an aggregate's totals).
//
// The demo word count: parse (a line → its words, counted) → transform (the line's counts
// in key order, as a store's batched write wants them) → aggregate (each batch applied to
// the running totals through a store that takes `delayMs` per write; the totals come out
// at the end). `delay` and `identity` are general stages, for tests and other pipelines.

import { wordCount } from '../mapreduce/jobs.js';

export interface StageContext {
  /** The stage's numeric options (e.g. `delayMs`), as given to the pipeline. */
  readonly options: Readonly<Record<string, number>>;
  /** The stage's own state: one map per stage, in whichever process runs it. */
  readonly state: Map<string, number>;
}

export interface StageFunction {
  process(item: unknown, ctx: StageContext): readonly unknown[] | Promise<readonly unknown[]>;
  finish?(ctx: StageContext): readonly unknown[];
}

/** A typed error for an item a stage cannot handle (the pipeline reports its stage). */
export class StageInputError extends Error {
  override readonly name = 'StageInputError';
}

const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms);
  });

/** An [word, count] list, checked: items come from another stage or another process. */
function isEntries(x: unknown): x is [string, number][] {
  return (
    Array.isArray(x) &&
    x.every((e) => Array.isArray(e) && typeof e[0] === 'string' && Number.isSafeInteger(e[1]))
  );
}

const parse: StageFunction = {
  process(item) {
    if (typeof item !== 'string') throw new StageInputError('parse takes a line of text');
    const counts = wordCount.map(item);
    return counts.size === 0 ? [] : [[...counts]];
  },
};

const transform: StageFunction = {
  process(item) {
    if (!isEntries(item)) throw new StageInputError('transform takes [word, count] pairs');
    return [[...item].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))];
  },
};

const aggregate: StageFunction = {
  async process(item, ctx) {
    if (!isEntries(item)) throw new StageInputError('aggregate takes [word, count] pairs');
    // The write's round trip to the store; the totals change once it is acknowledged.
    await sleep(ctx.options.delayMs ?? 0);
    for (const [word, n] of item) ctx.state.set(word, (ctx.state.get(word) ?? 0) + n);
    return [];
  },
  finish: (ctx) => [[...ctx.state]],
};

const identity: StageFunction = { process: (item) => [item] };

const delay: StageFunction = {
  async process(item, ctx) {
    await sleep(ctx.options.delayMs ?? 0);
    return [item];
  },
};

export const STAGE_FUNCTIONS: Readonly<Record<string, StageFunction>> = {
  parse,
  transform,
  aggregate,
  identity,
  delay,
};

export function findStageFunction(name: string): StageFunction | undefined {
  return Object.hasOwn(STAGE_FUNCTIONS, name) ? STAGE_FUNCTIONS[name] : undefined;
}
