// What the stage draws of every node, remembered step by step as the state probe's replay
// goes forward, so that moving the slider back is a lookup instead of a replay from time 0
// (a backward drag on a chain's run replayed its whole prefix at every move).
//
// Why not checkpoints of the simulator itself: a run cannot be copied and resumed — nodes'
// processes and the Env the simulator hands them are closures over live objects — so the
// memo keeps what the stage reads instead: after each step of a node (noted by the timer
// watch, drawings/timer-watch.ts) a copy of its drawing and its pending timers, stamped with
// the step's virtual time in µs; crashes, restarts and clocks come from run-lifecycle.ts.
// A lookup at t answers exactly what a replay to t would (test/lab-replay-memo.test.ts
// compares them): events at or before t·1000 µs have happened, as Simulator.runUntil has it.
// Replays are deterministic, so the k-th step of any replay of the run is the same step: a
// fresh replay (the inspector going back) adds only steps past those already remembered.
// Memory is bounded: past MAX_STEPS remembered steps the memo stops and the stage falls
// back to replaying.

import type { Simulator } from '../../../src/sim/simulator.js';
import { nodeDrawingOf, ringTimersOf } from '../inspect/drawings.js';
import type { NodeDrawing } from '../inspect/types.js';
import { type DrawnNode, ringOf } from './drawn-nodes.js';
import { lastAtOrBefore, type RunLifecycle } from './run-lifecycle.js';
import type { PendingTimer } from './timer-watch.js';

/** Steps remembered before the memo gives up (a few MB of drawings at most). */
const MAX_STEPS = 200_000;

interface Entry {
  /** The virtual time of the step (µs), as the simulator keeps it. */
  readonly atUs: number;
  readonly drawing: NodeDrawing | undefined;
  readonly timers: readonly PendingTimer[];
}

export class DrawnHistory {
  /** Each node's steps, oldest first (index id - 1). */
  private readonly steps: Entry[][];
  private readonly ringNames: readonly string[] | undefined;
  /** Steps remembered so far (the count of the furthest replay). */
  private remembered = 0;
  /** Every event at or before this time (µs) has been remembered. */
  private horizonUs = Number.NEGATIVE_INFINITY;
  private full = false;

  constructor(
    private readonly algorithm: string,
    private readonly life: RunLifecycle,
    sim: Simulator,
  ) {
    this.steps = sim.nodes.map(() => []);
    this.ringNames = ringTimersOf(algorithm);
  }

  /** Whether it can answer for time t (ms) without the replay going further. */
  covers(t: number): boolean {
    return !this.full && t * 1000 <= this.horizonUs;
  }

  /**
   * Notes the `index`-th step of a replay (counted from 1), made by node `id` whose state and
   * timers are now these; a step already remembered by an earlier replay is skipped.
   */
  noteStep(
    sim: Simulator,
    index: number,
    id: number,
    state: unknown,
    timers: readonly PendingTimer[],
  ): void {
    if (this.full || index <= this.remembered) return;
    this.remembered = index;
    if (index > MAX_STEPS) {
      this.full = true;
      return;
    }
    try {
      const drawing = nodeDrawingOf(this.algorithm, state);
      // The drawing may share arrays with the live state, which later steps change.
      this.steps[id - 1]?.push({
        atUs: sim.nowUs,
        drawing: drawing === undefined ? undefined : (copyPlain(drawing) as NodeDrawing),
        timers,
      });
    } catch {
      // A state the drawing cannot read or copy: the stage replays instead.
      this.full = true;
    }
  }

  /** Notes that a replay ran to time t (ms) (the lifecycle has taken it in first). */
  noteReplayedTo(t: number): void {
    this.horizonUs = this.life.stopped
      ? Number.POSITIVE_INFINITY
      : Math.max(this.horizonUs, t * 1000);
  }

  /** Every node's drawing at t (ms), by id, as a replay to t would draw it; down nodes none. */
  drawnAt(t: number): ReadonlyMap<number, DrawnNode> {
    const limit = t * 1000;
    const drawn = new Map<number, DrawnNode>();
    this.steps.forEach((steps, i) => {
      const id = i + 1;
      if (!this.life.lifeAt(id, limit).up) return;
      const last = lastAtOrBefore(steps, limit);
      if (last === undefined) return;
      drawn.set(id, {
        id,
        drawing: last.drawing,
        ring: ringOf(last.timers, this.ringNames, this.life.localNowMs(id, t)),
      });
    });
    return drawn;
  }
}

/** A deep copy of plain data (drawings are arrays, plain objects and scalars only). */
function copyPlain(x: unknown): unknown {
  if (Array.isArray(x)) return x.map(copyPlain);
  if (typeof x !== 'object' || x === null) return x;
  if (Object.getPrototypeOf(x) !== Object.prototype) throw new TypeError('not plain data');
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(x)) out[k] = copyPlain(v);
  return out;
}
