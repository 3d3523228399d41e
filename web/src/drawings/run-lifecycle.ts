// What the state probe's memos (drawn-history.ts, node-history.ts) need besides each node's
// steps to answer for a time t exactly as a replay to t would: which nodes were up or paused
// and how often they had restarted — the run's lifecycle records, copied as the replay meets
// them — and each node's clock, worked out from t, its drift and where the run stopped, the
// way the simulator keeps it (Simulator.runUntil leaves its clock at t, or at the step that
// broke an invariant or threw).

import type { LifecycleRecord } from '../../../src/core/algorithm.js';
import type { Simulator } from '../../../src/sim/simulator.js';

/** The simulator's parts per million (src/sim/simulator.ts PPM), for a drifting clock. */
const PPM = 1_000_000;

/** A node's lifecycle at a time: as NodeState (state-probe.ts) reports it. */
export interface LifeAt {
  readonly up: boolean;
  readonly paused: boolean;
  /** Restarts so far. */
  readonly incarnation: number;
}

export class RunLifecycle {
  private readonly records: (LifecycleRecord & { readonly atUs: number })[] = [];
  /** Drift is planned up front (the simulator applies it at construction): fixed per node. */
  private readonly drift: readonly number[];
  /** Where the run stopped (a broken invariant, a step that threw): its clock stops there. */
  private stopUs = Number.POSITIVE_INFINITY;

  constructor(sim: Simulator) {
    this.drift = sim.nodes.map((node) => node.driftPpm);
  }

  /** Takes in what a replay has met so far (replays are deterministic: a common prefix). */
  note(sim: Simulator, stopped: boolean): void {
    for (let i = this.records.length; i < sim.lifecycle.length; i++) {
      const r = sim.lifecycle[i] as LifecycleRecord;
      // Lifecycle records keep milliseconds; the simulator's times are whole µs.
      this.records.push({ ...r, atUs: Math.round(r.atMs * 1000) });
    }
    if (stopped || sim.violation !== undefined) this.stopUs = Math.min(this.stopUs, sim.nowUs);
  }

  get stopped(): boolean {
    return this.stopUs !== Number.POSITIVE_INFINITY;
  }

  /** Node `id` at the limit (µs): started at time 0, then as its lifecycle events left it. */
  lifeAt(id: number, limitUs: number): LifeAt {
    let up = true;
    let paused = false;
    let incarnation = 0;
    for (const r of this.records) {
      if (r.atUs > limitUs) break;
      if (r.node !== id) continue;
      if (r.event === 'crash') {
        up = false;
        paused = false;
      } else if (r.event === 'restart') {
        up = true;
        paused = false;
        incarnation++;
      } else paused = r.event === 'pause';
    }
    return { up, paused, incarnation };
  }

  /** The simulator's clock (ms) after a replay to t (ms). */
  nowMs(t: number): number {
    return Math.min(t * 1000, this.stopUs) / 1000;
  }

  /** Node `id`'s local clock (ms) after a replay to t (ms), while it is up. */
  localNowMs(id: number, t: number): number {
    const nowUs = Math.min(t * 1000, this.stopUs);
    const drift = this.drift[id - 1] ?? 0;
    return drift === 0 ? nowUs / 1000 : (nowUs * (PPM + drift)) / PPM / 1000;
  }
}

/** The last of time-ordered entries at or before the limit (µs). */
export function lastAtOrBefore<E extends { readonly atUs: number }>(
  entries: readonly E[],
  limitUs: number,
): E | undefined {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((entries[mid] as E).atUs <= limitUs) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? undefined : entries[lo - 1];
}
