// Exactly-once stream processing with checkpoint barriers (issue 20): asynchronous barrier
// snapshotting (Carbone et al. 2015, Flink's form of Chandy–Lamport for dataflow DAGs)
// over the same spout → split → count topology and worker processes as master.ts.
//
// - The master is the checkpoint coordinator. Every `checkpointIntervalMs` (one checkpoint
//   at a time) it starts checkpoint n: it stores the spout's snapshot — its read offset (a
//   line number, as a Kafka offset), event time and shuffle turn — and puts barrier n on
//   every channel out of the spout, in band behind the records already sent.
// - Each task aligns barrier n over its inputs (alignment.ts), writes its state — counts,
//   windows — durably (checkpoint-store.ts), and forwards barrier n to its consumers; the
//   master forwards in order, so every channel stays FIFO.
// - When every task has reported its snapshot, the master records n as complete on disk,
//   and the transactional sink (epoch-sink.ts) makes visible every write made before the
//   writing task passed barrier n.
// - A worker's death (or a bolt's failure) is answered by a global rollback, as Flink's
//   full restart: a replacement is forked for a dead worker, every worker is told to drop
//   its tasks' state and take it from the last checkpoint `completed.json` names, staged
//   sink writes are aborted, and the spout rewinds to that checkpoint's offset. The records
//   after it are read and processed again into state that has not seen them, and their
//   writes reach the sink once. A `generation` on every message keeps what a worker said
//   before the rollback out of the run after it.
// - At the end of the input (and, windowed, after the end-of-stream watermark) a final
//   checkpoint commits the rest; the run ends when it completes.
//
// Unlike master.ts there is no acker and no per-record timeout: a record is in flight (for
// `maxPending`, the spout's backpressure) until the master has seen every tuple of its tree
// executed — it routes them all, so it counts them. The failure detector for a worker that
// hangs rather than dies is the checkpoint's: when a checkpoint is not complete within
// `timeoutMs`, the workers of the tasks that have every input's barrier but no snapshot
// are SIGKILLed (the tasks downstream of them only wait), and the rollback follows.
// Fault model: workers may be SIGKILLed or stopped at any moment, including between some
// tasks' snapshots and the checkpoint's completion (the restore then uses the checkpoint
// before). The master is the job.

import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { isCount, isRecord } from '../../core/validate.js';
import { forkWorker } from '../worker-process.js';
import { newTupleId } from './acker.js';
import {
  CheckpointError,
  lastComplete,
  markComplete,
  pruneBefore,
  readSnapshot,
  writeSnapshot,
} from './checkpoint-store.js';
import { EpochSink } from './epoch-sink.js';
import { type FromWorker, type Progress, parseFromWorker, type ToWorker } from './protocol.js';
import {
  inputLinesFrom,
  MAX_RESTARTS_PER_WORKER,
  positiveOption,
  RerunningLoop,
  StreamError,
  type StreamHooks,
  type StreamOptions,
  type StreamResult,
  stopWorkers,
  timingsOf,
  topologyOf,
  watermarkStep,
  workerModuleOrThrow,
} from './run-common.js';
import { parseTimedLine } from './timed.js';
import {
  type Component,
  consumersOf,
  inputsOf,
  placement,
  route,
  type Topology,
  taskKey,
} from './topology.js';

interface Worker {
  readonly id: number;
  readonly child: ChildProcess;
  ready: boolean;
  alive: boolean;
  readonly restarts: number;
  /** Messages for it while it starts, in order. */
  readonly queue: ToWorker[];
}

/** What the spout keeps in a checkpoint. */
interface SpoutSnapshot {
  readonly offset: number;
  readonly eventTime: number | null;
  readonly turn: number;
}

/** Bolt failures the run answers by a rollback before it gives up. */
const MAX_BOLT_FAILURES = 3;
const SPOUT = 'spout';

function parseSpoutSnapshot(x: unknown): SpoutSnapshot {
  if (!isRecord(x) || !isCount(x.offset) || !isCount(x.turn))
    throw new CheckpointError('a malformed spout snapshot');
  if (x.eventTime !== null && !Number.isSafeInteger(x.eventTime))
    throw new CheckpointError('a malformed spout snapshot');
  return { offset: x.offset, eventTime: x.eventTime as number | null, turn: x.turn };
}

const rootOf = (record: number) => record.toString(16).padStart(16, '0');

export class CheckpointedRun {
  private readonly topology: Topology;
  private readonly where: Map<string, number>;
  private readonly tasks: string[];
  private readonly module = workerModuleOrThrow();
  private readonly maxPending: number;
  private readonly intervalMs: number;
  private readonly dir: string;
  private readonly ownDir: boolean;
  private readonly sink = new EpochSink();
  private readonly workers: Worker[] = [];
  private generation = 0;
  // The spout: its source, the next record's number, and what it has emitted.
  private source: { next(): Promise<string | undefined> };
  private offset = 0;
  private exhausted = false;
  private spoutTurn = 0;
  private eventTime = Number.NEGATIVE_INFINITY;
  private broadcastAt = Number.NEGATIVE_INFINITY;
  /** The records read before each rollback (a record's attempt is 1 + those past it). */
  private readonly readBefore: number[] = [];
  private highWater = 0;
  /** Tuples not yet executed, per record (its root). */
  private readonly inFlight = new Map<string, number>();
  // The coordinator.
  private nextCheckpoint = 1;
  private pending: {
    readonly n: number;
    readonly waiting: Set<string>;
    readonly final: boolean;
    readonly startedAt: number;
    /** Its hung workers were killed; the rollback that follows ends it. */
    abandoned: boolean;
  } | null = null;
  private readonly timeoutMs: number;
  /** The last checkpoint the spout passed: its records' epoch. */
  private spoutEpoch = 0;
  /** Emit times of the records not yet committed, by epoch (end-to-end latency). */
  private readonly emitTimes = new Map<number, number[]>();
  private readonly latencies: number[] = [];
  private readonly started = performance.now();
  private readonly stats = {
    emitted: 0,
    replayed: 0,
    timedOut: 0,
    boltFailures: 0,
    workerFailures: 0,
    tuples: 0,
    checkpoints: 0,
    restores: [] as number[],
  };
  private readonly pumper = new RerunningLoop(
    () => this.pumpLoop(),
    (error) => this.fail(error),
    () => this.finished,
  );
  private finished = false;
  private settle: { resolve: () => void; reject: (e: Error) => void } | null = null;

  constructor(
    private readonly opts: StreamOptions,
    private readonly hooks: StreamHooks,
  ) {
    this.topology = topologyOf(opts);
    this.where = placement(this.topology, opts.workers);
    this.tasks = [...this.where.keys()];
    this.maxPending = positiveOption('--max-pending', opts.maxPending ?? 64);
    this.intervalMs = positiveOption('--checkpoint-interval-ms', opts.checkpointIntervalMs ?? 200);
    this.timeoutMs = positiveOption('--timeout-ms', opts.timeoutMs ?? 30_000);
    this.source = inputLinesFrom(opts.input, 0);
    this.ownDir = opts.checkpointDir === undefined;
    this.dir = opts.checkpointDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'cohort-stream-chk-'));
    if (!this.ownDir) {
      fs.mkdirSync(this.dir, { recursive: true });
      if (fs.readdirSync(this.dir).length > 0)
        throw new StreamError(`the checkpoint directory ${this.dir} is not empty`);
    }
  }

  async run(): Promise<StreamResult> {
    const done = new Promise<void>((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    const tick = setInterval(() => this.guard(() => this.tick()), this.intervalMs);
    try {
      for (let id = 0; id < this.opts.workers; id++) this.spawn(id, 0);
      await done;
    } finally {
      this.finished = true;
      clearInterval(tick);
      await stopWorkers(this.workers);
      if (this.ownDir) fs.rmSync(this.dir, { recursive: true, force: true });
    }
    return {
      counts:
        this.opts.window === undefined ? this.sink.counts.sorted() : this.sink.windows.sorted(),
      stats: {
        ...this.stats,
        records: this.offset,
        duplicatesSkipped: 0,
        firings: this.sink.windows.firings,
      },
      timings: timingsOf(this.started, this.latencies),
    };
  }

  /** Runs `f`; an error ends the run with it. */
  private guard(f: () => void): void {
    try {
      f();
    } catch (error) {
      this.fail(error);
    }
  }

  private fail(error: unknown): void {
    this.settle?.reject(error instanceof Error ? error : new Error(String(error)));
  }

  private spawn(id: number, restarts: number): void {
    const child = forkWorker(this.module);
    const w: Worker = { id, child, ready: false, alive: true, restarts, queue: [] };
    this.workers[id] = w;
    child.on('message', (raw) => this.onMessage(w, raw));
    child.on('exit', () => this.guard(() => this.onExit(w)));
    child.on('error', () => this.guard(() => this.onExit(w)));
    const init = {
      type: 'init',
      worker: id,
      topology: this.topology,
      checkpoints: this.dir,
    } as const;
    child.send(init satisfies ToWorker);
  }

  /** Sends `m` to worker `id`, or queues it (in order) while that worker starts. */
  private send(id: number, m: ToWorker): void {
    const w = this.workers[id] as Worker;
    if (w.ready && w.alive) w.child.send(m);
    else w.queue.push(m);
  }

  private onMessage(w: Worker, raw: unknown): void {
    if (!w.alive) return;
    const m = parseFromWorker(raw);
    if (m === undefined) {
      w.child.kill('SIGKILL'); // A worker that breaks the protocol is a failed worker.
      return;
    }
    if (m.type !== 'ready' && m.generation !== this.generation) return; // Before a rollback.
    this.guard(() => this.handle(w, m));
  }

  private handle(w: Worker, m: FromWorker): void {
    if (m.type === 'ready') {
      w.ready = true;
      for (const queued of w.queue.splice(0)) w.child.send(queued);
      this.pump();
    } else if (m.type === 'snapshot') this.onSnapshot(w, m);
    else if (m.type === 'fail') {
      if (++this.stats.boltFailures > MAX_BOLT_FAILURES)
        throw new StreamError(`a bolt failed ${this.stats.boltFailures} times: ${m.reason}`);
      this.rollback();
    } else {
      if (m.type === 'done') {
        for (const t of m.emits) {
          const target = this.where.get(taskKey(t.task));
          if (target === undefined) return void w.child.kill('SIGKILL'); // No such task.
          this.inFlight.set(t.root, (this.inFlight.get(t.root) ?? 0) + 1);
          this.stats.tuples++;
          this.send(target, { type: 'tuple', tuple: t });
        }
        for (const write of m.writes) this.sink.write(m.epoch, write);
      }
      this.progress(w, m, m.epoch);
      if (m.type === 'done') this.executed(m.root);
    }
  }

  /** Routes forwarded watermarks and stages firings (no acks are held in this mode). */
  private progress(w: Worker, m: Progress, epoch: number): void {
    for (const watermark of m.watermarks) {
      const target = this.where.get(taskKey(watermark.task));
      if (target === undefined) return void w.child.kill('SIGKILL');
      this.send(target, { type: 'watermark', watermark });
    }
    for (const f of m.firings) this.sink.fire(epoch, f);
  }

  /** One tuple of `root`'s record has been executed. */
  private executed(root: string): void {
    const left = (this.inFlight.get(root) ?? 0) - 1;
    if (left > 0) {
      this.inFlight.set(root, left);
      return;
    }
    this.inFlight.delete(root);
    this.pump();
  }

  /** Starts a checkpoint, or gives up on one that has waited too long for some tasks. */
  private tick(): void {
    const p = this.pending;
    if (p === null) return this.trigger();
    if (p.abandoned || performance.now() - p.startedAt <= this.timeoutMs) return;
    this.stats.timedOut++;
    p.abandoned = true; // No new checkpoint until the kills below bring the rollback.
    // A task is stuck, not merely waiting, when every input has sent it the barrier: the
    // spout did, and so did each upstream task that has reported its snapshot.
    const stuck = [...p.waiting].filter((task) => {
      const c = this.topology.find((x) => x.name === task.split('#')[0]) as Component;
      return inputsOf(this.topology, c).every((from) => !p.waiting.has(from));
    });
    const hung = new Set(stuck.map((task) => this.where.get(task) as number));
    for (const id of hung) this.workers[id]?.child.kill('SIGKILL');
  }

  /** Starts the next checkpoint, unless one is under way. */
  private trigger(): void {
    if (this.pending !== null || this.finished) return;
    // A starting worker would count against the checkpoint's timeout; the tick retries.
    if (!this.workers.every((w) => w.ready && w.alive)) return;
    const n = this.nextCheckpoint++;
    const eventTime = Number.isFinite(this.eventTime) ? this.eventTime : null;
    const spout: SpoutSnapshot = { offset: this.offset, eventTime, turn: this.spoutTurn };
    writeSnapshot(this.dir, n, SPOUT, spout);
    const startedAt = performance.now();
    const final = this.exhausted;
    this.pending = { n, waiting: new Set(this.tasks), final, startedAt, abandoned: false };
    this.spoutEpoch = n;
    for (const c of consumersOf(this.topology, SPOUT))
      for (let index = 0; index < c.parallelism; index++) {
        const task = { component: c.name, index };
        const barrier = { task, from: SPOUT, checkpoint: n };
        this.send(this.where.get(taskKey(task)) as number, { type: 'barrier', barrier });
      }
  }

  private onSnapshot(w: Worker, m: Extract<FromWorker, { type: 'snapshot' }>): void {
    const p = this.pending;
    if (p === null || m.checkpoint !== p.n || !p.waiting.has(m.task)) {
      w.child.kill('SIGKILL'); // A snapshot nobody asked for: the protocol is broken.
      return;
    }
    for (const barrier of m.barriers) {
      const target = this.where.get(taskKey(barrier.task));
      if (target === undefined) return void w.child.kill('SIGKILL');
      this.send(target, { type: 'barrier', barrier });
    }
    p.waiting.delete(m.task);
    if (w.child.pid !== undefined) this.hooks.onSnapshot?.(p.n, m.task, w.child.pid);
    if (p.waiting.size === 0 && this.pending === p) this.complete(p.n, p.final);
  }

  /** Every task's snapshot for `n` is durable: record it, commit its sink epochs. */
  private complete(n: number, final: boolean): void {
    markComplete(this.dir, n);
    this.pending = null;
    this.stats.checkpoints++;
    this.sink.commit(n);
    const now = performance.now();
    for (const [epoch, times] of this.emitTimes)
      if (epoch < n) {
        for (const t of times) this.latencies.push(now - t);
        this.emitTimes.delete(epoch);
      }
    pruneBefore(this.dir, n);
    if (final) this.settle?.resolve();
    else if (this.exhausted) this.trigger(); // The last records wait for one more.
  }

  /**
   * A failure: every task goes back to the last complete checkpoint, as recorded on disk,
   * and the spout to its offset; what was staged or in flight since is dropped.
   */
  private rollback(): void {
    const c = lastComplete(this.dir) ?? 0;
    this.generation++;
    this.stats.restores.push(c);
    this.pending = null;
    this.sink.abort();
    this.inFlight.clear();
    this.emitTimes.clear();
    const s: SpoutSnapshot =
      c === 0
        ? { offset: 0, eventTime: null, turn: 0 }
        : parseSpoutSnapshot(readSnapshot(this.dir, c, SPOUT));
    this.readBefore.push(this.highWater);
    this.source = inputLinesFrom(this.opts.input, s.offset);
    this.offset = s.offset;
    this.exhausted = false;
    this.spoutTurn = s.turn;
    this.spoutEpoch = c;
    this.eventTime = s.eventTime ?? Number.NEGATIVE_INFINITY;
    this.broadcastAt = Number.NEGATIVE_INFINITY;
    const restore = {
      type: 'restore',
      generation: this.generation,
      checkpoint: c || null,
    } as const;
    for (const w of this.workers) {
      w.queue.length = 0; // What waited for a starting worker belongs to the old run.
      this.send(w.id, restore satisfies ToWorker);
    }
    this.broadcast(true); // The tasks' watermarks start again from the checkpoint's.
    this.pump();
  }

  private onExit(w: Worker): void {
    if (!w.alive) return;
    w.alive = false;
    w.ready = false;
    if (this.finished) return; // Our own shutdown.
    this.stats.workerFailures++;
    if (w.restarts >= MAX_RESTARTS_PER_WORKER)
      throw new StreamError(`worker ${w.id} died ${w.restarts + 1} times`);
    this.spawn(w.id, w.restarts + 1);
    this.rollback();
  }

  /** Emits records while fewer than `maxPending` are in flight (one pump at a time). */
  private pump(): void {
    this.pumper.request();
  }

  private async pumpLoop(): Promise<void> {
    while (!this.finished && !this.exhausted && this.inFlight.size < this.maxPending) {
      const source = this.source;
      const line = await source.next();
      if (source !== this.source || this.finished) continue; // A rollback replaced it.
      if (line === undefined) {
        this.exhausted = true;
        if (this.opts.window !== undefined) this.toSpoutConsumers(null); // Fires every window.
        this.trigger(); // The final checkpoint (or the one after the current).
        return;
      }
      this.emitRecord(this.offset++, line);
      this.broadcast(false);
    }
  }

  private emitRecord(record: number, line: string): void {
    let values: unknown[] = [record, line];
    if (this.opts.window !== undefined) {
      const [t, text] = parseTimedLine(line, record);
      values = [record, text, t];
      this.eventTime = Math.max(this.eventTime, t);
    }
    const attempt = 1 + this.readBefore.filter((h) => h > record).length;
    if (attempt > 1) this.stats.replayed++;
    this.highWater = Math.max(this.highWater, record + 1);
    this.stats.emitted++;
    const times = this.emitTimes.get(this.spoutEpoch) ?? [];
    times.push(performance.now());
    this.emitTimes.set(this.spoutEpoch, times);
    const root = rootOf(record);
    let first: number | undefined;
    for (const c of consumersOf(this.topology, SPOUT)) {
      const task = route(c, values, this.spoutTurn++);
      const target = this.where.get(taskKey(task)) as number;
      first ??= target;
      this.inFlight.set(root, (this.inFlight.get(root) ?? 0) + 1);
      this.stats.tuples++;
      const tuple = { task, id: newTupleId(), root, from: SPOUT, values };
      this.send(target, { type: 'tuple', tuple });
    }
    const pid = first === undefined ? undefined : this.workers[first]?.child.pid;
    if (pid !== undefined) this.hooks.onEmit?.(record, attempt, pid);
  }

  /** Broadcasts the spout's watermark to its consumer tasks once it has moved enough. */
  private broadcast(force: boolean): void {
    const window = this.opts.window;
    if (window === undefined || this.eventTime === Number.NEGATIVE_INFINITY) return;
    if (!force && this.eventTime - this.broadcastAt < watermarkStep(window)) return;
    this.broadcastAt = this.eventTime;
    this.toSpoutConsumers(this.eventTime);
  }

  private toSpoutConsumers(time: number | null): void {
    for (const c of consumersOf(this.topology, SPOUT))
      for (let index = 0; index < c.parallelism; index++) {
        const task = { component: c.name, index };
        const watermark = { task, from: SPOUT, time };
        this.send(this.where.get(taskKey(task)) as number, { type: 'watermark', watermark });
      }
  }
}
