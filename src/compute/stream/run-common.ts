// What both stream masters share (issue 20): the options, hooks and result of a run, its
// typed error, the checks of the options and the topology they describe, the worker
// module, the input's lines, and the latency summary. master.ts runs the Storm-style
// at-least-once (and idempotent-sink) delivery; checkpointed-run.ts runs exactly-once with
// checkpoint barriers.
//
// Fault model: the options come from a user (the CLI, the bench): each is checked and
// refused with a StreamError naming the flag; the input file may be missing or unreadable.

import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import readline from 'node:readline';
import { type WorkerModule, workerModule } from '../worker-process.js';
import type { ToWorker } from './protocol.js';
import type { Delivery } from './sink.js';
import { type Topology, windowedCountTopology, wordCountTopology } from './topology.js';
import { EventTimeWindows, StreamWindowError, type WindowOptions } from './windows.js';

export interface StreamOptions {
  readonly input: string;
  readonly workers: number;
  /** Split and count tasks; one of each per worker by default. */
  readonly splitTasks?: number;
  readonly countTasks?: number;
  readonly delivery?: Delivery;
  /** Records in flight at once (Storm's max.spout.pending); 64 by default. */
  readonly maxPending?: number;
  /** A tree not complete after this long is failed and replayed; 30 s by default. */
  readonly timeoutMs?: number;
  /** Count words per event-time window; the input's lines are `<eventTimeMs> <text>`. */
  readonly window?: WindowOptions;
  /** Exactly-once: a checkpoint is started this long after the last one ended (200 ms). */
  readonly checkpointIntervalMs?: number;
  /** Exactly-once: where checkpoints go; a temporary directory, removed after, by default. */
  readonly checkpointDir?: string;
}

export interface StreamHooks {
  /** Called as the spout emits a record to the worker at `pid` (tests kill it here). */
  onEmit?(record: number, attempt: number, pid: number): void;
  /**
   * Exactly-once: task `task` (on the worker at `pid`) has stored its snapshot for
   * `checkpoint`, which is not complete until every task has (tests kill a worker here).
   */
  onSnapshot?(checkpoint: number, task: string, pid: number): void;
}

export interface StreamResult {
  /** The sink's totals, in key order. */
  readonly counts: readonly (readonly [string, number])[];
  readonly stats: {
    readonly records: number;
    readonly emitted: number;
    readonly replayed: number;
    readonly timedOut: number;
    readonly boltFailures: number;
    readonly workerFailures: number;
    readonly tuples: number;
    readonly duplicatesSkipped: number;
    /** Window firings the sink received (windowed runs). */
    readonly firings: number;
    /** Checkpoints completed (exactly-once). */
    readonly checkpoints: number;
    /** The checkpoint each recovery restored (0: none had completed; exactly-once). */
    readonly restores: readonly number[];
  };
  readonly timings: { readonly totalMs: number; readonly p50Ms: number; readonly p99Ms: number };
}

export class StreamError extends Error {
  override readonly name = 'StreamError';
  readonly retryable = false;
}

/** Replacement workers the run may fork, per worker, before it gives up. */
export const MAX_RESTARTS_PER_WORKER = 3;

export function positiveOption(flag: string, n: number): number {
  if (!Number.isSafeInteger(n) || n < 1)
    throw new StreamError(`${flag} must be a positive integer, got ${n}`);
  return n;
}

/** The topology `opts` describe, after checking them. */
export function topologyOf(opts: StreamOptions): Topology {
  positiveOption('--workers', opts.workers);
  const splitTasks = positiveOption('--split-tasks', opts.splitTasks ?? opts.workers);
  const countTasks = positiveOption('--count-tasks', opts.countTasks ?? opts.workers);
  if (opts.window === undefined) return wordCountTopology(splitTasks, countTasks);
  try {
    new EventTimeWindows(opts.window); // Its constructor is the one check of the options.
  } catch (error) {
    if (error instanceof StreamWindowError) throw new StreamError(error.message);
    throw error;
  }
  const dedup = opts.delivery === 'idempotent';
  const checkpointed = opts.delivery === 'exactly-once';
  return windowedCountTopology(splitTasks, countTasks, opts.window, dedup, checkpointed);
}

export function workerModuleOrThrow(): WorkerModule {
  const found = workerModule(import.meta.url, 'worker', 'stream-worker');
  if ('missing' in found)
    throw new StreamError(`no worker module at ${found.missing.join(' or ')}`);
  return found;
}

/** The lines of `input`, from the start. */
export function inputLines(input: string): AsyncIterator<string> {
  try {
    fs.accessSync(input, fs.constants.R_OK);
    const rl = readline.createInterface({ input: fs.createReadStream(input) });
    return rl[Symbol.asyncIterator]();
  } catch (error) {
    throw new StreamError(`cannot read the input ${input}`, { cause: error });
  }
}

/**
 * The lines of `input` after the first `skip` (a rewound source: the line number is the
 * offset a checkpoint keeps, as a Kafka partition's is).
 */
export function inputLinesFrom(
  input: string,
  skip: number,
): { next(): Promise<string | undefined> } {
  const lines = inputLines(input);
  let toSkip = skip;
  return {
    async next() {
      for (; toSkip > 0; toSkip--) if ((await lines.next()).done === true) return undefined;
      const r = await lines.next();
      return r.done === true ? undefined : r.value;
    },
  };
}

/** Asks every live worker to exit and waits until each has (or kills it if it cannot hear). */
export async function stopWorkers(
  workers: readonly { readonly alive: boolean; readonly child: ChildProcess }[],
): Promise<void> {
  await Promise.all(
    workers.map(
      (w) =>
        new Promise<void>((resolve) => {
          if (!w.alive || w.child.exitCode !== null) return resolve();
          w.child.once('exit', () => resolve());
          if (w.child.connected) w.child.send({ type: 'exit' } satisfies ToWorker);
          else w.child.kill('SIGKILL');
        }),
    ),
  );
}

/** How far the spout's watermark must move before it is broadcast again: a quarter slide. */
export function watermarkStep(window: WindowOptions): number {
  const w = window.window;
  return Math.max(1, Math.floor((w.kind === 'sliding' ? w.slideMs : w.sizeMs) / 4));
}

function percentile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
}

export function timingsOf(started: number, latencies: readonly number[]): StreamResult['timings'] {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    totalMs: Math.round(performance.now() - started),
    p50Ms: Math.round(percentile(sorted, 0.5) * 100) / 100,
    p99Ms: Math.round(percentile(sorted, 0.99) * 100) / 100,
  };
}

/**
 * Runs an async loop one at a time. A request while it runs makes it run once more after:
 * the loop may already be on its way out (IPC messages can run between its last step and its
 * end), and what the request wanted (room for another record) would otherwise be missed.
 */
export class RerunningLoop {
  private running = false;
  private again = false;

  constructor(
    private readonly loop: () => Promise<void>,
    private readonly onError: (error: unknown) => void,
    private readonly stopped: () => boolean,
  ) {}

  request(): void {
    if (this.stopped()) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = true;
    this.again = false;
    this.loop()
      .catch(this.onError)
      .finally(() => {
        this.running = false;
        if (this.again) this.request();
      });
  }
}
