// A Storm-style stream run on real worker processes (issue 20). The master forks N
// workers, places the topology's bolt tasks on them round-robin, and itself hosts the
// three components that must outlive a worker: the reliable spout (spout.ts) reading the
// input line by line, the acker (acker.ts) tracking every record's tuple tree by XOR, and
// the sink (sink.ts) standing for an external store. Every tuple passes through the master,
// which routes it to the worker holding its task (protocol.ts says why one hub).
//
// At-least-once (Storm's guarantee): a record leaves the spout's pending set only when its
// tree is complete; a failed tree is replayed from the spout. Failure is seen three ways:
// a bolt fails a tuple; a tree is not complete within `timeoutMs` (Storm's
// topology.message.timeout.secs); a worker exits — the master fails at once every tree
// with a tuple routed to it (Storm would wait for the timeout; the master knows which trees
// touched the worker because it routed their tuples) and forks a replacement holding the
// same tasks, as Storm's supervisor restarts a worker. `idempotent` is the same replay into
// a sink that skips an update it has already applied (sink.ts); `exactly-once` is a
// different run altogether, with checkpoint barriers and a transactional sink
// (checkpointed-run.ts), which runStream hands the options to.
//
// Windowed (`window` set; input lines `<eventTimeMs> <text>`): the count tasks are
// window-bolt.ts's, their firings go to a WindowSink keyed by (window, word). The spout's
// watermark (the newest event time read) is broadcast to the split tasks whenever it has
// moved by a quarter slide and flows on in band (protocol.ts); once every record is read
// and the rest wait only on windows, the end of the stream is broadcast, which fires them
// all. A record whose tree waits only on held acks is parked: it does not count against
// `maxPending` and does not time out (it waits for event time, not for work); if the
// worker holding its acks dies, its tree fails with the worker's like any other.
//
// Fault model: workers may die at any moment; the master is the job (its death ends the
// run, as Nimbus's would not — Storm's spout would resume from its source's offsets).

import type { ChildProcess } from 'node:child_process';
import { forkWorker } from '../worker-process.js';
import { Acker, newTupleId, xorIds } from './acker.js';
import { CheckpointedRun } from './checkpointed-run.js';
import {
  type FromWorker,
  type Progress,
  parseFromWorker,
  type ToWorker,
  type Tuple,
} from './protocol.js';
import {
  inputLines,
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
import { CountSink, WindowSink } from './sink.js';
import { type PendingRecord, ReliableSpout, StreamRecordError } from './spout.js';
import { parseTimedLine } from './timed.js';
import { consumersOf, placement, route, type TaskRef, type Topology, taskKey } from './topology.js';

const MAX_ATTEMPTS = 10;

interface Worker {
  readonly id: number;
  child: ChildProcess;
  ready: boolean;
  alive: boolean;
  restarts: number;
  /** Tuples routed to it while it starts. */
  readonly queue: Tuple[];
}

/**
 * Runs the stream: at-least-once or idempotent here, exactly-once with checkpoint barriers
 * (checkpointed-run.ts).
 */
export function runStream(opts: StreamOptions, hooks: StreamHooks = {}): Promise<StreamResult> {
  if (opts.delivery === 'exactly-once') return new CheckpointedRun(opts, hooks).run();
  return new StreamRun(opts, hooks).run();
}

class StreamRun {
  private readonly topology: Topology;
  private readonly where: Map<string, number>;
  private readonly module = workerModuleOrThrow();
  private readonly spout: ReliableSpout;
  private readonly acker = new Acker();
  private readonly sink: CountSink;
  private readonly windowSink = new WindowSink();
  /** The newest event time read, and the last one broadcast as the spout's watermark. */
  private eventTime = Number.NEGATIVE_INFINITY;
  private broadcastAt = Number.NEGATIVE_INFINITY;
  private endSent = false;
  private readonly workers: Worker[] = [];
  private readonly latencies: number[] = [];
  private readonly started = performance.now();
  private readonly stats = {
    records: 0,
    emitted: 0,
    timedOut: 0,
    boltFailures: 0,
    workerFailures: 0,
    tuples: 0,
  };
  private spoutTurn = 0;
  private readonly pumper = new RerunningLoop(
    () => this.pumpLoop(),
    (error) => this.fatal(error),
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
    const maxPending = positiveOption('--max-pending', opts.maxPending ?? 64);
    this.spout = new ReliableSpout(inputLines(opts.input), maxPending, MAX_ATTEMPTS);
    this.sink = new CountSink(opts.delivery === 'idempotent' ? 'idempotent' : 'at-least-once');
  }

  async run(): Promise<StreamResult> {
    const done = new Promise<void>((resolve, reject) => {
      this.settle = { resolve, reject };
    });
    const timeoutMs = this.opts.timeoutMs ?? 30_000;
    const sweep = setInterval(() => this.sweepTimeouts(timeoutMs), Math.max(1, timeoutMs / 4));
    for (let id = 0; id < this.opts.workers; id++) this.spawn(id, 0);
    try {
      await done;
    } finally {
      this.finished = true;
      clearInterval(sweep);
      await stopWorkers(this.workers);
    }
    return {
      counts: this.opts.window === undefined ? this.sink.sorted() : this.windowSink.sorted(),
      stats: {
        ...this.stats,
        firings: this.windowSink.firings,
        replayed: this.spout.replayed,
        duplicatesSkipped: this.sink.duplicates,
        checkpoints: 0,
        restores: [],
      },
      timings: timingsOf(this.started, this.latencies),
    };
  }

  private fatal(error: unknown): void {
    this.settle?.reject(error instanceof Error ? error : new Error(String(error)));
  }

  private spawn(id: number, restarts: number): void {
    const child = forkWorker(this.module);
    const w: Worker = { id, child, ready: false, alive: true, restarts, queue: [] };
    const old = this.workers[id];
    if (old !== undefined) w.queue.push(...old.queue);
    this.endSent = false; // A replacement's tasks must hear the end of the stream again.
    this.workers[id] = w;
    child.on('message', (raw) => this.onMessage(w, raw));
    child.on('exit', () => this.onExit(w));
    child.on('error', () => this.onExit(w));
    const init = { type: 'init', worker: id, topology: this.topology, checkpoints: null } as const;
    child.send(init satisfies ToWorker);
  }

  private onMessage(w: Worker, raw: unknown): void {
    if (!w.alive) return; // A dead worker's last words belong to trees already failed.
    const m = parseFromWorker(raw);
    if (m === undefined) {
      w.child.kill('SIGKILL'); // A worker that breaks the protocol is a failed worker.
      return;
    }
    try {
      this.handle(w, m);
    } catch (error) {
      this.fatal(error);
    }
  }

  private handle(w: Worker, m: FromWorker): void {
    if (m.type === 'ready') {
      w.ready = true;
      for (const tuple of w.queue.splice(0))
        w.child.send({ type: 'tuple', tuple } satisfies ToWorker);
      // Every task learns the spout's watermark again, so the replacement's tasks hear it
      // from all their inputs (worker.ts forwards even an unmoved watermark).
      if (w.restarts > 0) this.broadcast(true);
      this.pump();
      return;
    }
    if (m.type === 'progress') {
      this.progress(w, m);
      this.maybeEnd();
      return;
    }
    if (m.type === 'snapshot') {
      w.child.kill('SIGKILL'); // No barriers were sent: a worker that breaks the protocol.
      return;
    }
    const p = this.spout.byTree(m.root);
    if (m.type === 'fail') {
      this.stats.boltFailures++;
      if (p !== undefined) this.failTree(p);
      return;
    }
    // Storm's bolts do not know a tree has failed: a stale tree's tuples flow on and its
    // writes reach the sink (at-least-once counts them again; the idempotent sink skips them).
    for (const t of m.emits) {
      const target = this.where.get(taskKey(t.task));
      if (target === undefined) {
        w.child.kill('SIGKILL'); // A task the topology does not have.
        return;
      }
      p?.workers.add(target);
      this.deliver(t);
    }
    for (const write of m.writes) this.sink.write(write, this.spout.isPending(write.record));
    if (m.held !== null && p !== undefined) p.held = xorIds(p.held, m.held);
    this.progress(w, m);
    this.ack(m.root, m.xor);
    this.maybeEnd();
  }

  /** Delivers forwarded watermarks, applies firings, then folds released acks in. */
  private progress(w: Worker, m: Progress): void {
    for (const wm of m.watermarks) {
      const target = this.where.get(taskKey(wm.task));
      if (target === undefined) {
        w.child.kill('SIGKILL'); // A task the topology does not have.
        return;
      }
      this.send(target, { type: 'watermark', watermark: wm });
    }
    for (const f of m.firings) this.windowSink.fire(f);
    for (const h of m.releases) {
      const p = this.spout.byTree(h.root);
      if (p !== undefined) p.held = xorIds(p.held, h.id);
      this.ack(h.root, h.id);
    }
  }

  /** Folds `xor` into `root`'s tree; completes or parks its record. */
  private ack(root: string, xor: string): void {
    const outcome = this.acker.ack(root, xor);
    const p = this.spout.byTree(root);
    if (p === undefined) return; // A stale tree: its record was replayed.
    if (outcome === 'pending') {
      const parked = this.acker.outstanding(root) === p.held;
      this.spout.park(p, parked);
      if (parked) this.pump(); // It no longer holds a place under maxPending.
      return;
    }
    if (outcome !== 'complete') return;
    this.latencies.push(performance.now() - p.emittedAt);
    this.spout.complete(p);
    this.sink.complete(p.record);
    this.stats.records++;
    if (this.spout.done) this.settle?.resolve();
    else this.pump();
  }

  /** Sends `m` to worker `id`, or drops it while that worker starts (a watermark is resent). */
  private send(id: number, m: ToWorker): void {
    const w = this.workers[id] as Worker;
    if (w.ready && w.alive) w.child.send(m);
  }

  /** Broadcasts the spout's watermark to the spout's consumer tasks once it moved enough. */
  private broadcast(force: boolean): void {
    const window = this.opts.window;
    if (window === undefined || this.eventTime === Number.NEGATIVE_INFINITY) return;
    if (!force && this.eventTime - this.broadcastAt < watermarkStep(window)) return;
    this.broadcastAt = this.eventTime;
    this.toSpoutConsumers(this.eventTime);
  }

  private toSpoutConsumers(time: number | null): void {
    for (const c of consumersOf(this.topology, 'spout'))
      for (let index = 0; index < c.parallelism; index++) {
        const task = { component: c.name, index };
        const watermark = { task, from: 'spout', time };
        this.send(this.where.get(taskKey(task)) as number, { type: 'watermark', watermark });
      }
  }

  /** Every record read and the rest waiting on windows: the stream's end fires them. */
  private maybeEnd(): void {
    if (this.opts.window === undefined || this.endSent || !this.spout.quiet) return;
    if (this.spout.done) return;
    if (!this.workers.every((w) => w.ready && w.alive)) return; // Sent once they are.
    this.endSent = true;
    this.toSpoutConsumers(null);
  }

  /** Sends `t` to the worker holding its task, or queues it while that worker starts. */
  private deliver(t: Tuple): void {
    const w = this.workers[this.where.get(taskKey(t.task)) as number] as Worker;
    this.stats.tuples++;
    if (!w.ready || !w.alive) w.queue.push(t);
    else w.child.send({ type: 'tuple', tuple: t } satisfies ToWorker);
  }

  private failTree(p: PendingRecord): void {
    this.acker.forget(p.root);
    this.spout.fail(p);
    this.pump();
  }

  /** Emits records while the spout has some to give (one pump at a time). */
  private pump(): void {
    this.pumper.request();
  }

  private async pumpLoop(): Promise<void> {
    for (;;) {
      const p = await this.spout.next();
      if (p === undefined || this.finished) break;
      this.emitRecord(p);
      this.broadcast(false);
    }
    if (this.spout.done) this.settle?.resolve();
    else this.maybeEnd();
  }

  private emitRecord(p: PendingRecord): void {
    const root = newTupleId();
    this.spout.emitting(p, root, performance.now());
    this.stats.emitted++;
    let value = 0n;
    const tuples: Tuple[] = [];
    let values: unknown[] = [p.record, p.line];
    if (this.opts.window !== undefined) {
      const [t, text] = parseTimedLine(p.line, p.record);
      values = [p.record, text, t];
      this.eventTime = Math.max(this.eventTime, t);
    }
    for (const c of consumersOf(this.topology, 'spout')) {
      const task: TaskRef = route(c, values, this.spoutTurn++);
      // With one consumer the spout tuple's id is the root itself.
      const id = tuples.length === 0 ? root : newTupleId();
      value ^= BigInt(`0x${id}`);
      tuples.push({ task, id, root, from: 'spout', values });
      p.workers.add(this.where.get(taskKey(task)) as number);
    }
    this.acker.track(root, value.toString(16).padStart(16, '0'));
    for (const t of tuples) this.deliver(t);
    const first = tuples[0];
    const pid = first && this.workers[this.where.get(taskKey(first.task)) as number]?.child.pid;
    if (pid !== undefined && pid !== null) this.hooks.onEmit?.(p.record, p.attempt, pid);
  }

  private sweepTimeouts(timeoutMs: number): void {
    const now = performance.now();
    try {
      for (const p of this.spout.inFlight())
        if (now - p.emittedAt > timeoutMs && !this.spout.isParked(p.record)) {
          this.stats.timedOut++;
          this.failTree(p);
        }
    } catch (error) {
      this.fatal(error);
    }
  }

  private onExit(w: Worker): void {
    if (!w.alive) return;
    w.alive = false;
    w.ready = false;
    if (this.finished) return; // Our own shutdown.
    this.stats.workerFailures++;
    try {
      // Its tuples in flight are gone: fail every tree that had one routed to it.
      for (const p of this.spout.inFlight()) if (p.workers.has(w.id)) this.failTree(p);
    } catch (error) {
      this.fatal(error);
      return;
    }
    if (w.restarts >= MAX_RESTARTS_PER_WORKER) {
      this.fatal(new StreamError(`worker ${w.id} died ${w.restarts + 1} times`));
      return;
    }
    this.spawn(w.id, w.restarts + 1);
  }
}

export { StreamRecordError };
