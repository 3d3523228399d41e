// The full states of the nodes the inspector has opened, remembered step by step, so that
// with the inspector open the slider can go back without a replay from time 0 (the stage's
// drawings have their own memo, drawings/drawn-history.ts, which explains why the simulator
// itself cannot be checkpointed).
//
// A node is remembered from the first replay that starts after it was inspected (the
// inspector's first move back makes one), so its record runs from time 0; the state probe
// (state-probe.ts) then answers a move back from here instead of replaying. After each of
// the node's steps its state is copied: plain data, maps, sets and typed arrays afresh,
// class instances with their prototypes, while frozen values (messages, entries built from
// them) and functions are shared — nothing here calls a state's functions, and the inspector
// shows none. The k-th step of every replay is the same step, so a later replay adds only
// steps past those remembered. Bounded: past MAX_STEPS remembered states of a node, that
// node is no longer remembered and the probe replays for it, as before.

import type { Simulator } from '../../src/sim/simulator.js';
import { lastAtOrBefore, type RunLifecycle } from './drawings/run-lifecycle.js';
import type { PendingTimer } from './drawings/timer-watch.js';
import type { NodeState } from './node-state.js';

const MAX_STEPS = 20_000;

interface Kept {
  readonly atUs: number;
  readonly state: unknown;
  readonly timers: readonly PendingTimer[];
}

interface NodeRecord {
  readonly steps: Kept[];
  /** The last replay step (counted from 1) taken in. */
  remembered: number;
  /** Every step at or before this time (µs) is in `steps`. */
  horizonUs: number;
  gaveUp: boolean;
}

export class NodeHistory {
  private readonly records = new Map<number, NodeRecord>();
  /** Inspected nodes not yet remembered: the next replay from time 0 takes them in. */
  private readonly asked = new Set<number>();

  constructor(private readonly life: RunLifecycle) {}

  /** The inspector asks for node `id`. */
  ask(id: number): void {
    if (!this.records.has(id)) this.asked.add(id);
  }

  /** A replay starts from time 0: the nodes asked for are remembered from here on. */
  replayStarts(): void {
    for (const id of this.asked)
      this.records.set(id, { steps: [], remembered: 0, horizonUs: -1, gaveUp: false });
    this.asked.clear();
  }

  /** Notes the `index`-th step of a replay, by node `id`, with its state and timers now. */
  noteStep(
    sim: Simulator,
    index: number,
    id: number,
    state: unknown,
    timers: readonly PendingTimer[],
  ): void {
    const r = this.records.get(id);
    if (r === undefined || r.gaveUp || index <= r.remembered) return;
    r.remembered = index;
    try {
      if (r.steps.length >= MAX_STEPS) throw new RangeError('too many steps to keep');
      r.steps.push({ atUs: sim.nowUs, state: copyState(state, new Map()), timers });
    } catch {
      r.gaveUp = true;
    }
  }

  /** Notes that a replay ran to time t (ms) (the lifecycle has taken it in first). */
  noteReplayedTo(t: number): void {
    for (const r of this.records.values())
      r.horizonUs = this.life.stopped ? Number.POSITIVE_INFINITY : Math.max(r.horizonUs, t * 1000);
  }

  /** Node `id` at t (ms) as a replay to t would show it, or undefined if it was not kept. */
  at(id: number, t: number): NodeState | undefined {
    const r = this.records.get(id);
    const limit = t * 1000;
    if (r === undefined || r.gaveUp || limit > r.horizonUs) return undefined;
    const life = this.life.lifeAt(id, limit);
    const last = lastAtOrBefore(r.steps, limit);
    return {
      id,
      ...life,
      state: life.up ? last?.state : undefined,
      timers: life.up ? (last?.timers ?? []) : [],
      // A node that is down has no clock of its own: the probe reports the simulator's.
      localNowMs: life.up ? this.life.localNowMs(id, t) : this.life.nowMs(t),
    };
  }
}

/** A copy of a state as it is now (see the header for what is shared). */
function copyState(x: unknown, seen: Map<object, unknown>): unknown {
  if (typeof x !== 'object' || x === null || Object.isFrozen(x)) return x;
  const known = seen.get(x);
  if (known !== undefined) return known;
  if (ArrayBuffer.isView(x)) {
    const copy = (x as unknown as { slice(): unknown }).slice();
    seen.set(x, copy);
    return copy;
  }
  if (x instanceof Map) {
    const copy = new Map();
    seen.set(x, copy);
    for (const [k, v] of x) copy.set(k, copyState(v, seen));
    return copy;
  }
  if (x instanceof Set) {
    const copy = new Set();
    seen.set(x, copy);
    for (const v of x) copy.add(copyState(v, seen));
    return copy;
  }
  const copy: Record<string, unknown> | unknown[] = Array.isArray(x)
    ? []
    : Object.create(Object.getPrototypeOf(x));
  seen.set(x, copy);
  for (const [k, v] of Object.entries(x)) (copy as Record<string, unknown>)[k] = copyState(v, seen);
  return copy;
}
