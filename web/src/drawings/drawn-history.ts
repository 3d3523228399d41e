// What the stage draws of every node, remembered step by step as the state probe's replay
// goes forward, so that moving the slider back is a lookup instead of a replay from time 0
// (a backward drag on a chain's run replayed its whole prefix at every move).
//
// Why not checkpoints of the simulator itself: a run cannot be copied and resumed — nodes'
// processes and the Env the simulator hands them are closures over live objects — so the
// memo keeps what the stage reads instead: after each step of a node (noted by the timer
// watch, drawings/timer-watch.ts) a copy of its drawing and its pending timers, stamped with
// the step's virtual time in µs; crashes and restarts are read from the run's lifecycle
// records. A lookup at t answers exactly what a replay to t would (test/lab-drawings.test.ts
// compares them): events at or before t·1000 µs have happened, as Simulator.runUntil has it,
// and a node's clock is worked out from that time and its drift the way the simulator does.
// Replays are deterministic, so the k-th step of any replay of the run is the same step: a
// fresh replay (the inspector going back) adds only steps past those already remembered.
// Memory is bounded: past MAX_STEPS remembered steps the memo stops and the stage falls
// back to replaying.

import type { LifecycleRecord } from '../../../src/core/algorithm.js';
import type { Simulator } from '../../../src/sim/simulator.js';
import { nodeDrawingOf, ringTimersOf } from '../inspect/drawings.js';
import type { NodeDrawing } from '../inspect/types.js';
import { type DrawnNode, ringOf } from './drawn-nodes.js';
import type { PendingTimer } from './timer-watch.js';

/** The simulator's parts per million (src/sim/simulator.ts PPM), for a drifting clock. */
const PPM = 1_000_000;

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
  private readonly lifecycle: (LifecycleRecord & { readonly atUs: number })[] = [];
  private readonly drift: number[];
  private readonly ringNames: readonly string[] | undefined;
  /** Steps remembered so far (the count of the furthest replay). */
  private remembered = 0;
  /** Every event at or before this time (µs) has been remembered. */
  private horizonUs = Number.NEGATIVE_INFINITY;
  /** Where the run stopped (a broken invariant, a step that threw): its clock stops there. */
  private stopUs = Number.POSITIVE_INFINITY;
  private full = false;

  constructor(
    private readonly algorithm: string,
    sim: Simulator,
  ) {
    this.steps = sim.nodes.map(() => []);
    this.drift = sim.nodes.map((node) => node.driftPpm);
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

  /** Notes that a replay ran to time t (ms), or stopped short of it. */
  noteReplayedTo(sim: Simulator, t: number, stopped: boolean): void {
    for (let i = this.lifecycle.length; i < sim.lifecycle.length; i++) {
      const r = sim.lifecycle[i] as LifecycleRecord;
      // Lifecycle records keep milliseconds; the simulator's times are whole µs.
      this.lifecycle.push({ ...r, atUs: Math.round(r.atMs * 1000) });
    }
    if (stopped || sim.violation !== undefined) {
      this.stopUs = Math.min(this.stopUs, sim.nowUs);
      this.horizonUs = Number.POSITIVE_INFINITY;
    } else this.horizonUs = Math.max(this.horizonUs, t * 1000);
  }

  /** Every node's drawing at t (ms), by id, as a replay to t would draw it; down nodes none. */
  drawnAt(t: number): ReadonlyMap<number, DrawnNode> {
    const limit = t * 1000;
    const nowUs = Math.min(limit, this.stopUs);
    const drawn = new Map<number, DrawnNode>();
    this.steps.forEach((steps, i) => {
      const id = i + 1;
      if (!this.upAt(id, limit)) return;
      const last = lastAtOrBefore(steps, limit);
      if (last === undefined) return;
      const drift = this.drift[i] ?? 0;
      const localNowMs = drift === 0 ? nowUs / 1000 : (nowUs * (PPM + drift)) / PPM / 1000;
      drawn.set(id, {
        id,
        drawing: last.drawing,
        ring: ringOf(last.timers, this.ringNames, localNowMs),
      });
    });
    return drawn;
  }

  /** Up at the limit: started at time 0, then as its last crash or restart left it. */
  private upAt(id: number, limitUs: number): boolean {
    let up = true;
    for (const r of this.lifecycle) {
      if (r.atUs > limitUs) break;
      if (r.node === id && (r.event === 'crash' || r.event === 'restart'))
        up = r.event === 'restart';
    }
    return up;
  }
}

/** The last entry at or before the limit (entries are in time order). */
function lastAtOrBefore(entries: readonly Entry[], limitUs: number): Entry | undefined {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((entries[mid] as Entry).atUs <= limitUs) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? undefined : entries[lo - 1];
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
