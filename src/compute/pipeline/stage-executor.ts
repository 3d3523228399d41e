// Where a stage's function runs: in the pipeline's own process (inline), or in a worker
// process of its own (worker.ts, forked through ../worker-process.ts). Both give the stage
// runner the same three calls — process one item, finish, stop — so the runner's slots,
// queues and measurements are the same either way.
//
// Fault model (process executor): the worker may die at any moment. Its death outside our
// own stop is reported once, through `onCrash`, as a PipelineWorkerCrashError, and every
// item it held fails with that error; a malformed message from it is treated as its death
// (we kill it). At most the stage's concurrency of items is ever in the IPC channel.

import type { ChildProcess } from 'node:child_process';
import { forkWorker, type WorkerModule, workerModule } from '../worker-process.js';
import { PipelineError, PipelineStageError, PipelineWorkerCrashError } from './errors.js';
import { type FromStageWorker, parseFromStageWorker, type ToStageWorker } from './protocol.js';
import type { StageContext, StageFunction } from './stages.js';

export interface StageExecutor {
  readonly pid: number | undefined;
  /** Resolves once the stage can take items (its worker, if any, is up). */
  started(): Promise<void>;
  process(item: unknown): Promise<readonly unknown[]>;
  finish(): Promise<readonly unknown[]>;
  stop(): Promise<void>;
}

const reasonOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

export class InlineExecutor implements StageExecutor {
  readonly pid = undefined;
  private readonly ctx: StageContext;

  constructor(
    private readonly stage: string,
    private readonly fn: StageFunction,
    options: Readonly<Record<string, number>>,
  ) {
    this.ctx = { options, state: new Map() };
  }

  async started(): Promise<void> {}

  async process(item: unknown): Promise<readonly unknown[]> {
    try {
      return await this.fn.process(item, this.ctx);
    } catch (error) {
      throw new PipelineStageError(this.stage, reasonOf(error));
    }
  }

  async finish(): Promise<readonly unknown[]> {
    try {
      return this.fn.finish?.(this.ctx) ?? [];
    } catch (error) {
      throw new PipelineStageError(this.stage, reasonOf(error));
    }
  }

  async stop(): Promise<void> {}
}

interface Pending {
  readonly resolve: (outputs: readonly unknown[]) => void;
  readonly reject: (error: Error) => void;
}

function moduleOrThrow(): WorkerModule {
  const found = workerModule(import.meta.url, 'worker', 'pipeline-worker');
  if ('missing' in found)
    throw new PipelineError(`no stage worker module at ${found.missing.join(' or ')}`);
  return found;
}

export class ProcessExecutor implements StageExecutor {
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, Pending>();
  private finishing: Pending | null = null;
  private readonly ready: Promise<void>;
  private seq = 0;
  private stopping = false;
  private dead: Error | null = null;

  /** `onCrash` is called once if the worker dies before `stop`. */
  constructor(
    private readonly stage: string,
    fn: string,
    options: Readonly<Record<string, number>>,
    private readonly onCrash: (error: PipelineWorkerCrashError) => void,
  ) {
    this.child = forkWorker(moduleOrThrow(), [], 'advanced');
    this.ready = new Promise((resolve, reject) => {
      this.pending.set(-1, { resolve: () => resolve(), reject });
    });
    // A death before anyone waits is reported through onCrash; no unhandled rejection.
    this.ready.catch(() => {});
    this.child.on('message', (raw) => this.onMessage(raw));
    this.child.on('exit', (code, signal) => this.onExit(code, signal));
    // A send to a worker that is dying fails here before its 'exit' arrives: the exit reports
    // the death, with its signal (a CI run saw a SIGKILL reported as no signal). A broken
    // channel ends the worker either way (killed, so that its exit comes); only a worker that
    // never started has no exit to wait for.
    this.child.on('error', () => {
      if (this.child.pid === undefined) this.onExit(null, null);
      else this.child.kill('SIGKILL');
    });
    this.send({ type: 'init', fn, options });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  started(): Promise<void> {
    return this.ready;
  }

  async process(item: unknown): Promise<readonly unknown[]> {
    await this.ready;
    if (this.dead !== null) throw this.dead;
    const seq = this.seq++;
    return new Promise((resolve, reject) => {
      this.pending.set(seq, { resolve, reject });
      this.send({ type: 'item', seq, item });
    });
  }

  async finish(): Promise<readonly unknown[]> {
    await this.ready;
    if (this.dead !== null) throw this.dead;
    return new Promise((resolve, reject) => {
      this.finishing = { resolve, reject };
      this.send({ type: 'finish' });
    });
  }

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    if (this.child.connected) this.send({ type: 'exit' });
    else this.child.kill('SIGKILL');
    await exited;
  }

  private send(msg: ToStageWorker): void {
    if (this.child.connected) this.child.send(msg);
  }

  private onMessage(raw: unknown): void {
    const m = parseFromStageWorker(raw);
    if (m === undefined) {
      this.child.kill('SIGKILL'); // A worker that breaks the protocol is a failed worker.
      return;
    }
    this.settle(m);
  }

  private settle(m: FromStageWorker): void {
    if (m.type === 'finished') {
      this.finishing?.resolve(m.outputs);
      this.finishing = null;
      return;
    }
    const key = m.type === 'ready' ? -1 : m.seq;
    const p = this.pending.get(key);
    if (p === undefined) {
      // A finish's failure comes back without an item of its own.
      if (m.type === 'failed' && this.finishing !== null)
        this.finishing.reject(new PipelineStageError(this.stage, m.reason));
      else this.child.kill('SIGKILL'); // An answer to nothing we sent.
      return;
    }
    this.pending.delete(key);
    if (m.type === 'failed') p.reject(new PipelineStageError(this.stage, m.reason));
    else p.resolve(m.type === 'done' ? m.outputs : []);
  }

  private onExit(code: number | null, signal: NodeJS.Signals | null): void {
    if (this.dead !== null) return;
    const error = new PipelineWorkerCrashError(this.stage, this.child.pid, code, signal);
    this.dead = error;
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
    this.finishing?.reject(error);
    this.finishing = null;
    if (!this.stopping) this.onCrash(error);
  }
}
