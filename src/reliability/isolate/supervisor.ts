// Process isolation: a supervisor that runs N worker processes (node:child_process fork; the
// worker side is worker-protocol.ts's serveRequests), routes each request to the least loaded
// ready worker, and restarts a worker that dies — after an exponential backoff with full
// jitter per worker (cockatiel's ExponentialBackoff; the first restart at once, as Erlang
// does), reset once a worker has stayed up for `periodMs`. Erlang's restart intensity bounds
// it: more than `maxRestarts` restarts within `periodMs` (all workers together) and the
// supervisor stops for good with one SupervisorStoppedError, which every waiting and
// in-flight request gets and `stopped` resolves with. A crash is contained: only the
// requests the dead worker held fail (WorkerCrashedError); the others' workers never notice,
// and requests that arrive while workers restart wait in a bounded queue.
//
//   spawn ─► starting ──ready──► ready ──exit──► backoff ──timer──► spawn
//                └────────exit───────────────────┘        (or stop: intensity exceeded)
//
// Fault model: workers run arbitrary code and may crash, hang, exit at start, or send
// garbage over IPC (parsed and dropped, worker-protocol.ts). Memory is bounded: at most
// workers × maxInFlightPerWorker requests in flight and maxQueued waiting (beyond: cockatiel's
// BulkheadRejectedError). A hung worker holds its requests until the caller's signal gives
// up on them (they stay counted against the worker until it answers or dies). The
// supervisor's own death takes its workers with it: each sees its IPC channel close and exits.

import { type ChildProcess, fork } from 'node:child_process';
import { ExponentialBackoff, fullJitterGenerator, type IBackoff } from 'cockatiel';
import { type Clock, systemClock } from '../clock.js';
import {
  BulkheadRejectedError,
  checkOption,
  SupervisorStoppedError,
  TaskCancelledError,
  WorkerCrashedError,
  WorkerRequestError,
} from './errors.js';
import { parseWorkerMessage, type RequestMessage, type WorkerMessage } from './worker-protocol.js';

export interface SupervisorOptions {
  /** The worker's module and the Node flags to run it (compute/worker-process.ts's shape). */
  readonly module: { readonly file: string; readonly execArgv: readonly string[] };
  readonly args?: readonly string[];
  /** Worker processes (N). */
  readonly workers: number;
  /** Restart intensity: more than `maxRestarts` restarts within `periodMs` stops it. */
  readonly maxRestarts: number;
  readonly periodMs: number;
  /** Restart backoff bounds (default 100 ms .. 10 s). */
  readonly backoffInitialMs?: number;
  readonly backoffMaxMs?: number;
  /** Requests one worker holds at once (default 64). */
  readonly maxInFlightPerWorker?: number;
  /** Requests waiting for a worker (default 1024). */
  readonly maxQueued?: number;
  /** How long close() waits after SIGTERM before SIGKILL (default 5 s). */
  readonly shutdownGraceMs?: number;
  /** Reads time for the restart intensity (timers are real: workers are real processes). */
  readonly clock?: Clock;
  /** Lifecycle events, for logs: a worker exited, was restarted, or the supervisor stopped. */
  readonly onEvent?: (event: SupervisorEvent) => void;
}

export type SupervisorEvent =
  | { readonly type: 'exit'; readonly worker: number; readonly error: WorkerCrashedError }
  | { readonly type: 'restart'; readonly worker: number; readonly delayMs: number }
  | { readonly type: 'stopped'; readonly error: SupervisorStoppedError };

export type WorkerState = 'starting' | 'ready' | 'backoff' | 'stopped';

export interface WorkerInfo {
  readonly index: number;
  readonly pid: number | undefined;
  readonly state: WorkerState;
  readonly inflight: number;
  /** Times this slot's worker was restarted. */
  readonly restarts: number;
}

interface Pending {
  readonly id: number;
  readonly payload: unknown;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  /** The caller gave up (its signal aborted): the answer is dropped. */
  settled: boolean;
  detach(): void;
}

interface Slot {
  readonly index: number;
  child: ChildProcess | undefined;
  pid: number | undefined;
  state: WorkerState;
  readonly inflight: Map<number, Pending>;
  backoff: IBackoff<unknown> | undefined;
  readyAtMs: number | undefined;
  restarts: number;
  timer: NodeJS.Timeout | undefined;
}

export class Supervisor {
  /** Resolves with the reason once the supervisor has stopped (intensity, or close()). */
  readonly stopped: Promise<SupervisorStoppedError>;
  private readonly slots: Slot[];
  private readonly queue: Pending[] = [];
  private readonly restartTimesMs: number[] = [];
  private readonly clock: Clock;
  private readonly maxInFlight: number;
  private readonly maxQueued: number;
  private readonly backoff: ExponentialBackoff<unknown>;
  private stopError: SupervisorStoppedError | undefined;
  private resolveStopped!: (e: SupervisorStoppedError) => void;
  private nextId = 1;

  private constructor(private readonly o: SupervisorOptions) {
    const workers = checkOption('workers', o.workers, { min: 1, max: 1024 });
    checkOption('maxRestarts', o.maxRestarts, { min: 0, max: 1_000_000 });
    checkOption('periodMs', o.periodMs, { min: 1, max: 86_400_000 });
    const initialDelay = checkOption('backoffInitialMs', o.backoffInitialMs ?? 100, {
      min: 0,
      max: 3_600_000,
    });
    const maxDelay = checkOption('backoffMaxMs', o.backoffMaxMs ?? 10_000, {
      min: initialDelay,
      max: 3_600_000,
    });
    this.maxInFlight = checkOption('maxInFlightPerWorker', o.maxInFlightPerWorker ?? 64, {
      min: 1,
      max: 1_000_000,
    });
    this.maxQueued = checkOption('maxQueued', o.maxQueued ?? 1024, { min: 0, max: 10_000_000 });
    checkOption('shutdownGraceMs', o.shutdownGraceMs ?? 5000, { min: 0, max: 3_600_000 });
    this.clock = o.clock ?? systemClock;
    this.backoff = new ExponentialBackoff({
      initialDelay,
      maxDelay,
      generator: fullJitterGenerator,
    });
    this.stopped = new Promise((resolve) => {
      this.resolveStopped = resolve;
    });
    this.slots = Array.from({ length: workers }, (_, index) => ({
      index,
      child: undefined,
      pid: undefined,
      state: 'starting' as WorkerState,
      inflight: new Map<number, Pending>(),
      backoff: undefined,
      readyAtMs: undefined,
      restarts: 0,
      timer: undefined,
    }));
  }

  /**
   * Starts the workers; resolves once every one has been ready, or rejects with the
   * SupervisorStoppedError if they crash past the restart intensity first.
   */
  static async start(options: SupervisorOptions): Promise<Supervisor> {
    const s = new Supervisor(options);
    for (const slot of s.slots) s.spawn(slot);
    const allReady = new Promise<void>((resolve) => {
      s.onAllReady = resolve;
    });
    const stop = await Promise.race([allReady.then(() => undefined), s.stopped]);
    if (stop !== undefined) throw stop;
    return s;
  }

  private onAllReady: (() => void) | undefined;

  /**
   * Sends `payload` to a worker and resolves with its handler's value. Rejects with
   * WorkerCrashedError (its worker died holding it), WorkerRequestError (the handler threw),
   * BulkheadRejectedError (every worker full and the queue too), TaskCancelledError (`signal`
   * aborted) or SupervisorStoppedError.
   */
  request<T = unknown>(payload: unknown, signal?: AbortSignal): Promise<T> {
    if (this.stopError !== undefined) return Promise.reject(this.stopError);
    if (signal?.aborted === true) return Promise.reject(new TaskCancelledError());
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => {
        const queued = this.queue.indexOf(p);
        if (queued >= 0) this.queue.splice(queued, 1);
        settle(p, () => reject(new TaskCancelledError('the caller aborted the request')));
      };
      const p: Pending = {
        id: this.nextId++,
        payload,
        resolve: (v) => resolve(v as T),
        reject,
        settled: false,
        detach: () => signal?.removeEventListener('abort', onAbort),
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const slot = this.pick();
      if (slot !== undefined) this.dispatch(slot, p);
      else if (this.queue.length < this.maxQueued) this.queue.push(p);
      else {
        const capacity = this.slots.length * this.maxInFlight;
        settle(p, () => reject(new BulkheadRejectedError(capacity, this.maxQueued)));
      }
    });
  }

  /** A snapshot of the workers (for tests, health pages and gauges). */
  workers(): WorkerInfo[] {
    return this.slots.map((s) => ({
      index: s.index,
      pid: s.pid,
      state: s.state,
      inflight: s.inflight.size,
      restarts: s.restarts,
    }));
  }

  /** Requests waiting for a worker. */
  get queued(): number {
    return this.queue.length;
  }

  /** Stops the workers (SIGTERM, then SIGKILL after the grace) and fails what is pending. */
  async close(): Promise<void> {
    this.stop(new SupervisorStoppedError('closed', 'the supervisor was closed'));
    await this.terminateAll();
  }

  private spawn(slot: Slot): void {
    slot.timer = undefined;
    slot.state = 'starting';
    slot.readyAtMs = undefined;
    const child = fork(this.o.module.file, [...(this.o.args ?? [])], {
      execArgv: [...this.o.module.execArgv],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      serialization: 'advanced',
    });
    slot.child = child;
    slot.pid = child.pid;
    child.on('message', (raw: unknown) => {
      if (slot.child !== child) return; // A message of a previous incarnation.
      const m = parseWorkerMessage(raw);
      if (m !== undefined) this.onMessage(slot, m);
    });
    // 'error' covers a failed spawn (then 'exit' may never come) and a failed send.
    child.on('error', () => {
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null)
        this.onExit(slot, child, child.exitCode, child.signalCode);
    });
    child.on('exit', (code, signal) => this.onExit(slot, child, code, signal));
  }

  private onMessage(slot: Slot, m: WorkerMessage): void {
    if (m.type === 'ready') {
      if (slot.state !== 'starting') return;
      slot.state = 'ready';
      slot.readyAtMs = this.clock.nowMs();
      if (this.slots.every((s) => s.state === 'ready')) {
        this.onAllReady?.();
        this.onAllReady = undefined;
      }
      this.drain();
      return;
    }
    const p = slot.inflight.get(m.id);
    if (p === undefined) return; // Not a request it holds: dropped.
    slot.inflight.delete(m.id);
    if (m.ok) settle(p, () => p.resolve(m.value));
    else {
      const { name, message } = m.error;
      settle(p, () => p.reject(new WorkerRequestError(slot.index, name, message)));
    }
    this.drain();
  }

  private onExit(
    slot: Slot,
    child: ChildProcess,
    code: number | null,
    signal: NodeJS.Signals | null,
  ): void {
    if (slot.child !== child) return; // Already handled ('error' and 'exit' both came).
    slot.child = undefined;
    const crashed = new WorkerCrashedError(slot.index, slot.pid, code, signal);
    // Only what this worker held fails; every other request goes on.
    for (const p of slot.inflight.values()) settle(p, () => p.reject(crashed));
    slot.inflight.clear();
    if (this.stopError !== undefined) {
      slot.state = 'stopped';
      return;
    }
    this.o.onEvent?.({ type: 'exit', worker: slot.index, error: crashed });
    if (this.intensityExceeded()) {
      const { maxRestarts, periodMs } = this.o;
      const message =
        `restart intensity exceeded: more than ${maxRestarts} restarts within ${periodMs} ms ` +
        `(last: ${crashed.message})`;
      this.stop(new SupervisorStoppedError('restart-intensity', message, { cause: crashed }));
      void this.terminateAll();
      return;
    }
    this.scheduleRestart(slot);
  }

  /** Records a restart; true when it is one more than the intensity allows. */
  private intensityExceeded(): boolean {
    const now = this.clock.nowMs();
    this.restartTimesMs.push(now);
    while ((this.restartTimesMs[0] as number) <= now - this.o.periodMs) this.restartTimesMs.shift();
    return this.restartTimesMs.length > this.o.maxRestarts;
  }

  private scheduleRestart(slot: Slot): void {
    const now = this.clock.nowMs();
    // A worker that stayed up a whole period starts its backoff over.
    if (slot.readyAtMs !== undefined && now - slot.readyAtMs >= this.o.periodMs)
      slot.backoff = undefined;
    slot.backoff = slot.backoff === undefined ? this.backoff.next() : slot.backoff.next(undefined);
    const delayMs = slot.backoff.duration;
    slot.state = 'backoff';
    slot.restarts += 1;
    this.o.onEvent?.({ type: 'restart', worker: slot.index, delayMs });
    slot.timer = setTimeout(() => this.spawn(slot), delayMs);
  }

  /** The ready worker with the fewest requests in flight and room for one more. */
  private pick(): Slot | undefined {
    let best: Slot | undefined;
    for (const s of this.slots)
      if (s.state === 'ready' && s.inflight.size < this.maxInFlight)
        if (best === undefined || s.inflight.size < best.inflight.size) best = s;
    return best;
  }

  private dispatch(slot: Slot, p: Pending): void {
    const child = slot.child;
    if (child === undefined) throw new Error('dispatch to a worker without a process'); // Our bug.
    slot.inflight.set(p.id, p);
    const message: RequestMessage = { type: 'request', id: p.id, payload: p.payload };
    try {
      // A failed write means the worker is dying: its exit fails the request.
      child.send(message, (error) => void error);
    } catch (error) {
      // The payload cannot be cloned: the caller's mistake, not the worker's.
      slot.inflight.delete(p.id);
      settle(p, () => p.reject(error as Error));
    }
  }

  /** Hands queued requests to workers with room (cancelled ones were already removed). */
  private drain(): void {
    while (this.queue.length > 0) {
      const slot = this.pick();
      if (slot === undefined) return;
      this.dispatch(slot, this.queue.shift() as Pending);
    }
  }

  private stop(error: SupervisorStoppedError): void {
    if (this.stopError !== undefined) return;
    this.stopError = error;
    for (const p of this.queue.splice(0)) settle(p, () => p.reject(error));
    for (const s of this.slots) {
      // The workers are about to be terminated: what they hold fails with the reason why.
      for (const p of s.inflight.values()) settle(p, () => p.reject(error));
      s.inflight.clear();
      clearTimeout(s.timer);
      s.timer = undefined;
      if (s.child === undefined) s.state = 'stopped';
    }
    this.o.onEvent?.({ type: 'stopped', error });
    this.resolveStopped(error);
  }

  private async terminateAll(): Promise<void> {
    const grace = this.o.shutdownGraceMs ?? 5000;
    await Promise.all(
      this.slots.map(async (s) => {
        const child = s.child;
        if (child === undefined || child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), grace);
        await exited;
        clearTimeout(timer);
      }),
    );
  }
}

/** Settles a request once (a crash, a reply and an abort may race). */
function settle(p: Pending, f: () => void): void {
  if (p.settled) return;
  p.settled = true;
  p.detach();
  f();
}
