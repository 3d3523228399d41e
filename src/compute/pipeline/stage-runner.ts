// One running stage: `concurrency` slots, each taking an item from the stage's input queue,
// running the stage's function on it and putting every output into the next queue — and
// waiting there while that queue is full, which is how a slow stage holds back everything
// upstream of it. When the input is exhausted and every slot is done, the stage's `finish`
// outputs go out and the output is closed.
//
// Each slot's time is measured in three parts: busy (inside the function), blocked (waiting
// to put an output: backpressure from downstream) and idle (waiting for an input: starved by
// upstream). Their sums over the slots, with the item counts, are the stage's report.
//
// Fault model: a failed item or a dead worker rejects `run`; the pipeline then aborts every
// queue, which wakes the other slots with the same error.

import { PipelineStageError } from './errors.js';
import type { BoundedQueue, Outlet } from './queue.js';
import type { StageExecutor } from './stage-executor.js';

export interface StageReport {
  readonly name: string;
  readonly fn: string;
  readonly isolation: 'inline' | 'process';
  readonly concurrency: number;
  readonly itemsIn: number;
  readonly itemsOut: number;
  /** Slot-milliseconds spent in the function (summed over the slots). */
  readonly busyMs: number;
  /** Slot-milliseconds spent waiting for room downstream (backpressure). */
  readonly blockedMs: number;
  /** Slot-milliseconds spent waiting for an input. */
  readonly idleMs: number;
  /** Busy time over the time its slots existed: 1 means never waiting on a neighbour. */
  readonly utilization: number;
  /** Items per second the stage can serve when never waiting: concurrency / mean busy time. */
  readonly serviceRatePerSecond: number;
  /** Items per second it did serve, over the whole run. */
  readonly throughputPerSecond: number;
}

export interface StageRunnerSpec {
  readonly name: string;
  readonly fn: string;
  readonly isolation: 'inline' | 'process';
  readonly concurrency: number;
}

export class StageRunner {
  private itemsIn = 0;
  private itemsOut = 0;
  private busyMs = 0;
  private blockedMs = 0;
  private idleMs = 0;

  constructor(
    readonly spec: StageRunnerSpec,
    private readonly executor: StageExecutor,
    /** Called as an item is handed to the function (tests kill a worker here). */
    private readonly onDispatch: (item: number, pid: number | undefined) => void = () => {},
  ) {}

  async run(input: BoundedQueue<unknown>, output: Outlet<unknown>): Promise<void> {
    const slots = Array.from({ length: this.spec.concurrency }, () => this.slot(input, output));
    await Promise.all(slots);
    await this.emit(await this.executor.finish(), output);
    output.close();
  }

  report(wallMs: number): StageReport {
    const slotMs = wallMs * this.spec.concurrency;
    const round = (x: number) => Math.round(x * 10) / 10;
    return {
      ...this.spec,
      itemsIn: this.itemsIn,
      itemsOut: this.itemsOut,
      busyMs: round(this.busyMs),
      blockedMs: round(this.blockedMs),
      idleMs: round(this.idleMs),
      utilization: slotMs > 0 ? Math.round((this.busyMs / slotMs) * 1000) / 1000 : 0,
      serviceRatePerSecond:
        this.busyMs > 0
          ? Math.round((this.itemsIn * this.spec.concurrency * 1000) / this.busyMs)
          : 0,
      throughputPerSecond: wallMs > 0 ? Math.round((this.itemsIn * 1000) / wallMs) : 0,
    };
  }

  private async slot(input: BoundedQueue<unknown>, output: Outlet<unknown>): Promise<void> {
    for (;;) {
      const waited = performance.now();
      const item = await input.take();
      const started = performance.now();
      this.idleMs += started - waited;
      if (item === undefined) return;
      this.onDispatch(this.itemsIn++, this.executor.pid);
      const outputs = await this.executor.process(item);
      this.busyMs += performance.now() - started;
      await this.emit(outputs, output);
    }
  }

  private async emit(outputs: readonly unknown[], output: Outlet<unknown>): Promise<void> {
    for (const o of outputs) {
      // Undefined marks a queue's end: a stage may not emit it.
      if (o === undefined) throw new PipelineStageError(this.spec.name, 'it emitted undefined');
      const waited = performance.now();
      await output.put(o);
      this.blockedMs += performance.now() - waited;
      this.itemsOut++;
    }
  }
}
