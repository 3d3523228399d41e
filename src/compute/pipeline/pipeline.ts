// A pipeline (issue 20): a source, stages in a line, and a sink, each stage connected to the
// one before it by a bounded queue. A full queue blocks the stage (or the source) feeding
// it, so no item is buffered anywhere but in those queues and in the slots working on it:
// at any moment the items held are at most the sum of the capacities plus, per stage, its
// concurrency (the items being worked on, each with its outputs waiting to be put).
//
// So the pipeline runs at the pace of its slowest stage: upstream stages fill their queues
// and wait (blocked time), downstream stages wait for input (idle time), and the slowest
// stage is the one that is busy all the time. The run reports each stage's busy, blocked
// and idle time, service rate and throughput, each queue's occupancy, and names that stage
// as the bottleneck: the one with the highest utilization (busy time over its slots' time).
//
// Fault model: a stage's function that throws on an item, or a stage's worker process that
// dies, fails the run with a typed error (PipelineStageError, PipelineWorkerCrashError);
// every queue is aborted, which wakes every waiting slot, and every worker is stopped.

import { PipelineError } from './errors.js';
import { BoundedQueue, type Outlet, type QueueReport } from './queue.js';
import { InlineExecutor, ProcessExecutor, type StageExecutor } from './stage-executor.js';
import { type StageReport, StageRunner } from './stage-runner.js';
import { findStageFunction } from './stages.js';

export interface StageSpec {
  readonly name: string;
  /** The stage's function, by name (stages.ts). */
  readonly fn: string;
  /** Items the stage works on at once; 1 by default. */
  readonly concurrency?: number;
  /** 'process' runs the stage in a worker process of its own; 'inline' by default. */
  readonly isolation?: 'inline' | 'process';
  readonly options?: Readonly<Record<string, number>>;
  /** The bound of the queue in front of this stage; the pipeline's capacity by default. */
  readonly capacity?: number;
}

export interface PipelineOptions {
  readonly stages: readonly StageSpec[];
  /** The items, pulled only as the first queue has room. */
  readonly source: AsyncIterable<unknown> | Iterable<unknown>;
  /** Each queue's bound; 16 by default. */
  readonly capacity?: number;
  /** Receives the last stage's outputs as they are produced. */
  readonly onOutput?: (item: unknown) => void | Promise<void>;
}

export interface PipelineHooks {
  /** Called as stage `stage` is handed its item number `item` (counted from 0). */
  onDispatch?(stage: string, item: number, pid: number | undefined): void;
  /** Called as the source's item number `item` enters the first queue. */
  onSourceItem?(item: number): void;
}

export interface PipelineResult {
  readonly items: number;
  readonly outputs: number;
  readonly wallMs: number;
  readonly throughputPerSecond: number;
  readonly stages: readonly StageReport[];
  readonly queues: readonly QueueReport[];
  readonly bottleneck: {
    readonly stage: string;
    readonly utilization: number;
    readonly serviceRatePerSecond: number;
  };
}

const MAX_STAGES = 64;
const MAX_CONCURRENCY = 1024;
const MAX_CAPACITY = 1_000_000;

function checkCount(what: string, n: number, max: number): number {
  if (!Number.isSafeInteger(n) || n < 1 || n > max)
    throw new PipelineError(`${what} must be an integer in 1..${max}, got ${n}`);
  return n;
}

function checkStages(opts: PipelineOptions): void {
  const { stages } = opts;
  if (stages.length === 0 || stages.length > MAX_STAGES)
    throw new PipelineError(`a pipeline has 1..${MAX_STAGES} stages, got ${stages.length}`);
  const names = new Set<string>();
  for (const s of stages) {
    if (s.name === '' || names.has(s.name))
      throw new PipelineError(`stage names must be distinct and non-empty: '${s.name}'`);
    names.add(s.name);
    if (findStageFunction(s.fn) === undefined)
      throw new PipelineError(`stage '${s.name}': no stage function '${s.fn}'`);
    checkCount(`stage '${s.name}' concurrency`, s.concurrency ?? 1, MAX_CONCURRENCY);
    checkCount(`stage '${s.name}' capacity`, s.capacity ?? 1, MAX_CAPACITY);
  }
  checkCount('the capacity', opts.capacity ?? 16, MAX_CAPACITY);
}

/** Runs the pipeline to the end of its source; rejects with the first stage's failure. */
export async function runPipeline(
  opts: PipelineOptions,
  hooks: PipelineHooks = {},
): Promise<PipelineResult> {
  checkStages(opts);
  let failure: Error | null = null;
  const queues: BoundedQueue<unknown>[] = [];
  const fail = (error: Error) => {
    failure ??= error;
    for (const q of queues) q.abort(failure);
  };
  const executors: StageExecutor[] = [];
  try {
    const runners = opts.stages.map((s) => {
      const executor = executorOf(s, fail);
      executors.push(executor);
      const spec = {
        name: s.name,
        fn: s.fn,
        isolation: s.isolation ?? 'inline',
        concurrency: s.concurrency ?? 1,
      };
      return new StageRunner(spec, executor, (item, pid) => hooks.onDispatch?.(s.name, item, pid));
    });
    // Workers start before the clock does: their start-up is no stage's service time.
    await Promise.all(executors.map((e) => e.started()));
    if (failure !== null) throw failure;
    queues.push(...queuesOf(opts));
    const started = performance.now();
    const work = runners.map((r, i) =>
      r.run(queues[i] as BoundedQueue<unknown>, queues[i + 1] ?? sinkOf(opts)).catch(fail),
    );
    const items = await feed(opts.source, queues[0] as BoundedQueue<unknown>, hooks).catch(
      (error: Error) => {
        fail(error);
        return 0;
      },
    );
    await Promise.all(work);
    if (failure !== null) throw failure;
    const wallMs = performance.now() - started;
    return resultOf(items, wallMs, runners, queues);
  } finally {
    await Promise.all(executors.map((e) => e.stop()));
  }
}

function queuesOf(opts: PipelineOptions): BoundedQueue<unknown>[] {
  return opts.stages.map((s, i) => {
    const from = i === 0 ? 'source' : (opts.stages[i - 1] as StageSpec).name;
    return new BoundedQueue<unknown>(`${from}→${s.name}`, s.capacity ?? opts.capacity ?? 16);
  });
}

function executorOf(s: StageSpec, fail: (e: Error) => void): StageExecutor {
  const options = s.options ?? {};
  if (s.isolation === 'process') return new ProcessExecutor(s.name, s.fn, options, fail);
  return new InlineExecutor(s.name, findStageFunction(s.fn) as never, options);
}

function sinkOf(opts: PipelineOptions): Outlet<unknown> {
  return {
    put: async (item) => {
      await opts.onOutput?.(item);
    },
    close: () => {},
  };
}

/** Pulls the source into the first queue, one item per free slot; returns the count. */
async function feed(
  source: PipelineOptions['source'],
  first: BoundedQueue<unknown>,
  hooks: PipelineHooks,
): Promise<number> {
  let n = 0;
  for await (const item of source) {
    if (item === undefined) throw new PipelineError(`source item ${n} is undefined`);
    await first.put(item);
    hooks.onSourceItem?.(n);
    n++;
  }
  first.close();
  return n;
}

function resultOf(
  items: number,
  wallMs: number,
  runners: readonly StageRunner[],
  queues: readonly BoundedQueue<unknown>[],
): PipelineResult {
  const stages = runners.map((r) => r.report(wallMs));
  const last = stages[stages.length - 1] as StageReport;
  // The slowest stage is the one that never waits: the highest share of its slots' time
  // spent working. Ties go to the later stage (the earlier one waits behind it).
  const slowest = stages.reduce((a, b) => (b.utilization >= a.utilization ? b : a));
  return {
    items,
    outputs: last.itemsOut,
    wallMs: Math.round(wallMs),
    throughputPerSecond: wallMs > 0 ? Math.round((items * 1000) / wallMs) : 0,
    stages,
    queues: queues.map((q) => q.report()),
    bottleneck: {
      stage: slowest.name,
      utilization: slowest.utilization,
      serviceRatePerSecond: slowest.serviceRatePerSecond,
    },
  };
}
