// The MapReduce master (Dean and Ghemawat, OSDI 2004 §3) as a real multi-process run: it
// splits the input into M byte ranges, forks N worker processes, hands idle workers map
// tasks, then — once every map is done — reduce tasks, each reading its partition (hash of
// the key mod R) of every map's output: the shuffle. The result is the reduce outputs,
// merged in key order.
//
// Worker failure (§3.3): a worker that dies (SIGKILL, a crash) loses its running task and
// its intermediate files — they live in its own directory, standing for its local disk,
// which the master deletes. Its running task goes back to idle, and so do its COMPLETED map
// tasks while any reduce still needs their output; a reduce that finds an input gone
// reports failure and is retried once the map is re-executed. Task output is committed by
// rename (worker.ts), so re-execution gives the same, exact answer.
//
// Why fork + IPC and not the runtime's transport (src/runtime/transport): that transport
// connects the long-lived nodes of a cluster — fixed ports, a cluster secret, handshakes,
// reconnection, a WAL behind it — and hosts pure `Process` state machines that may not
// touch files. A job's workers live as long as the job, do file I/O by nature, and their
// death must be seen at once: a child's IPC channel gives an authenticated-by-construction
// control link (only our own children hold it) and an exact, immediate 'exit' event in
// place of a failure detector. The data moves through files, as in the paper.
//
// Not done yet (issue 20): backup tasks for stragglers (§3.6), and the master's own
// failure (the paper aborts the job; so does this: it is the parent process).

import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { forkWorker, type WorkerModule, workerModule } from '../worker-process.js';
import { findJob } from './jobs.js';
import { type FromWorker, parseFromWorker, type TaskKind, type ToWorker } from './protocol.js';
import { type Split, splitFile } from './split.js';

export interface MapReduceOptions {
  readonly input: string;
  readonly workers: number;
  /** Map tasks (M); 4 per worker by default. */
  readonly splits?: number;
  /** Reduce tasks (R); one per worker by default. */
  readonly reducers?: number;
  readonly job?: string;
  /** Where intermediate and output files go (a fresh temporary directory by default). */
  readonly workDir?: string;
}

export interface MapReduceHooks {
  /** Called as a task is handed to a worker (tests kill that worker here). */
  onAssign?(kind: TaskKind, task: number, pid: number): void;
}

export interface MapReduceResult {
  /** The reduce outputs, in key order. */
  readonly output: readonly (readonly [string, unknown])[];
  readonly timings: {
    readonly mapMs: number;
    readonly reduceMs: number;
    readonly totalMs: number;
  };
  readonly stats: {
    readonly mapTasks: number;
    readonly reduceTasks: number;
    readonly mapRuns: number;
    readonly reduceRuns: number;
    readonly workerFailures: number;
  };
}

export class MapReduceError extends Error {
  override readonly name = 'MapReduceError';
  readonly retryable = false;
}

/** The most times one task may fail (not counting its workers' deaths) before the job does. */
const MAX_TASK_FAILURES = 3;

interface Task {
  state: 'idle' | 'running' | 'done';
  worker: number;
  failures: number;
  /** A map's partition files, once done. */
  files: readonly string[];
}

interface Worker {
  readonly id: number;
  readonly child: ChildProcess;
  readonly dir: string;
  ready: boolean;
  alive: boolean;
  task: { kind: TaskKind; index: number } | null;
}

function workerArgv(): WorkerModule {
  const found = workerModule(import.meta.url, 'worker', 'mapreduce-worker');
  if ('missing' in found)
    throw new MapReduceError(`no worker module at ${found.missing.join(' or ')}`);
  return found;
}

export function runMapReduce(
  opts: MapReduceOptions,
  hooks: MapReduceHooks = {},
): Promise<MapReduceResult> {
  return new MapReduceRun(opts, hooks).run();
}

class MapReduceRun {
  private readonly job: string;
  private readonly dir: string;
  private readonly splits: Split[];
  private readonly maps: Task[];
  private readonly reduces: Task[];
  private readonly workers: Worker[] = [];
  private readonly started = performance.now();
  private mapsDoneAt = -1;
  private mapRuns = 0;
  private reduceRuns = 0;
  private failures = 0;
  private settle: { resolve: () => void; reject: (e: Error) => void } | null = null;

  constructor(
    private readonly opts: MapReduceOptions,
    private readonly hooks: MapReduceHooks,
  ) {
    if (!Number.isSafeInteger(opts.workers) || opts.workers < 1)
      throw new MapReduceError(`--workers must be a positive integer, got ${opts.workers}`);
    this.job = opts.job ?? 'wordcount';
    if (findJob(this.job) === undefined) throw new MapReduceError(`unknown job '${this.job}'`);
    let size: number;
    try {
      size = fs.statSync(opts.input).size;
    } catch (error) {
      throw new MapReduceError(`cannot read the input ${opts.input}`, { cause: error });
    }
    this.dir = opts.workDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-mapreduce-'));
    fs.mkdirSync(path.join(this.dir, 'out'), { recursive: true });
    this.splits = splitFile(size, opts.splits ?? 4 * opts.workers);
    const task = (): Task => ({ state: 'idle', worker: -1, failures: 0, files: [] });
    this.maps = this.splits.map(task);
    this.reduces = Array.from({ length: opts.reducers ?? opts.workers }, task);
  }

  async run(): Promise<MapReduceResult> {
    const done = new Promise<void>((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    for (let id = 0; id < this.opts.workers; id++) this.spawn(id);
    try {
      await done;
    } finally {
      await this.stopWorkers();
    }
    const output = this.collect();
    const end = performance.now();
    // A directory we made ourselves goes; one the caller named stays for it to inspect.
    if (this.opts.workDir === undefined) fs.rmSync(this.dir, { recursive: true, force: true });
    return {
      output,
      timings: {
        mapMs: Math.round(this.mapsDoneAt - this.started),
        reduceMs: Math.round(end - this.mapsDoneAt),
        totalMs: Math.round(end - this.started),
      },
      stats: {
        mapTasks: this.maps.length,
        reduceTasks: this.reduces.length,
        mapRuns: this.mapRuns,
        reduceRuns: this.reduceRuns,
        workerFailures: this.failures,
      },
    };
  }

  private spawn(id: number): void {
    const child = forkWorker(workerArgv());
    const w: Worker = {
      id,
      child,
      dir: path.join(this.dir, `w${id}`),
      ready: false,
      alive: true,
      task: null,
    };
    this.workers.push(w);
    child.on('message', (raw) => this.onMessage(w, raw));
    child.on('exit', () => this.onExit(w));
    child.on('error', () => this.onExit(w));
  }

  private onMessage(w: Worker, raw: unknown): void {
    const m = parseFromWorker(raw);
    if (m === undefined || !w.alive) {
      w.child.kill('SIGKILL'); // A worker that breaks the protocol is a failed worker.
      return;
    }
    if (m.type === 'ready') w.ready = true;
    else this.onResult(w, m);
    this.assign();
  }

  private onResult(w: Worker, m: Exclude<FromWorker, { type: 'ready' }>): void {
    const tasks = m.kind === 'map' ? this.maps : this.reduces;
    const t = tasks[m.task];
    if (t === undefined || w.task?.kind !== m.kind || w.task.index !== m.task) {
      w.child.kill('SIGKILL');
      return;
    }
    w.task = null;
    if (t.state !== 'running' || t.worker !== w.id) return; // Re-assigned meanwhile.
    if (m.type === 'done') {
      t.state = 'done';
      if (m.kind === 'map') t.files = m.files;
      if (this.mapsDoneAt < 0 && this.maps.every((x) => x.state === 'done'))
        this.mapsDoneAt = performance.now();
      if (this.reduces.every((x) => x.state === 'done')) this.settle?.resolve();
      return;
    }
    t.state = 'idle';
    t.failures++;
    if (t.failures > MAX_TASK_FAILURES)
      this.settle?.reject(new MapReduceError(`${m.kind} task ${m.task} failed: ${m.reason}`));
  }

  private onExit(w: Worker): void {
    if (!w.alive) return;
    w.alive = false;
    if (this.reduces.every((x) => x.state === 'done')) return; // Our own shutdown.
    this.failures++;
    // Its local disk is gone with it: every map output it held must be made again.
    fs.rmSync(w.dir, { recursive: true, force: true });
    for (const t of [...this.maps, ...this.reduces])
      if (t.worker === w.id && t.state === 'running') t.state = 'idle';
    for (const t of this.maps)
      if (t.worker === w.id && t.state === 'done') {
        t.state = 'idle';
        t.files = [];
      }
    if (!this.workers.some((x) => x.alive))
      this.settle?.reject(new MapReduceError('every worker died'));
    this.assign();
  }

  /** Hands every idle worker the next task: maps first, reduces once every map is done. */
  private assign(): void {
    for (const w of this.workers) {
      if (!w.alive || !w.ready || w.task !== null) continue;
      const m = this.maps.findIndex((t) => t.state === 'idle');
      const allMapped = this.maps.every((t) => t.state === 'done');
      const r = allMapped ? this.reduces.findIndex((t) => t.state === 'idle') : -1;
      if (m >= 0) this.start(w, 'map', m);
      else if (r >= 0) this.start(w, 'reduce', r);
    }
  }

  private start(w: Worker, kind: TaskKind, index: number): void {
    const t = (kind === 'map' ? this.maps : this.reduces)[index] as Task;
    t.state = 'running';
    t.worker = w.id;
    w.task = { kind, index };
    let msg: ToWorker;
    if (kind === 'map') {
      this.mapRuns++;
      const s = this.splits[index] as Split;
      const reducers = this.reduces.length;
      msg = {
        type: 'map',
        task: index,
        job: this.job,
        input: this.opts.input,
        ...s,
        reducers,
        dir: w.dir,
      };
    } else {
      this.reduceRuns++;
      const inputs = this.maps.map((x) => x.files[index] as string);
      const output = path.join(this.dir, 'out', `part-${index}.json`);
      msg = { type: 'reduce', task: index, job: this.job, inputs, output };
    }
    w.child.send(msg);
    if (w.child.pid !== undefined) this.hooks.onAssign?.(kind, index, w.child.pid);
  }

  private async stopWorkers(): Promise<void> {
    await Promise.all(
      this.workers.map(
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

  private collect(): (readonly [string, unknown])[] {
    const all: [string, unknown][] = [];
    for (let r = 0; r < this.reduces.length; r++) {
      const file = path.join(this.dir, 'out', `part-${r}.json`);
      all.push(...(JSON.parse(fs.readFileSync(file, 'utf8')) as [string, unknown][]));
    }
    return all.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }
}
