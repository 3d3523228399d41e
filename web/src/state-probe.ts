// Every node's full state at a time t of a Lab run, for the inspector. The trace records what
// nodes did, not what they hold, so the probe replays the run itself: the same simulator
// simulate() builds (prepareRun), run to t. Moving forward continues the replay; moving
// back starts it again. Replays are deterministic, so the state is the run's own at t.
// A step that throws stops the replay where the run stopped. The replay also watches each
// node's timers (drawings/timer-watch.ts), which the stage draws as rings.

import type { AnyAlgorithm } from '../../src/core/algorithm.js';
import { prepareRun } from '../../src/sim/run.js';
import type { Simulator } from '../../src/sim/simulator.js';
import { type PendingTimer, watchTimers } from './drawings/timer-watch.js';
import type { RunInput } from './run.js';

export interface NodeState {
  readonly id: number;
  readonly up: boolean;
  readonly paused: boolean;
  /** Restarts so far. */
  readonly incarnation: number;
  /** The process's state; undefined while the node is down. */
  readonly state: unknown;
  /** Its pending timers (none while down), and its local clock now (ms). */
  readonly timers: readonly PendingTimer[];
  readonly localNowMs: number;
}

export class StateProbe {
  private sim: Simulator | undefined;
  private stopped = false;
  private timersOf: (id: number) => readonly PendingTimer[] = () => [];

  constructor(
    private readonly spec: AnyAlgorithm,
    private readonly input: RunInput,
  ) {}

  /** The node's state at t (ms). The object is live: read it before the next call. */
  at(id: number, t: number): NodeState | undefined {
    const sim = this.replayTo(t);
    const node = sim.nodes[id - 1];
    if (node === undefined) return undefined;
    return {
      id,
      up: node.up,
      paused: node.paused,
      incarnation: Math.max(0, node.incarnation),
      state: node.up ? node.state : undefined,
      timers: node.up ? this.timersOf(id) : [],
      localNowMs: node.env?.now() ?? sim.nowMs,
    };
  }

  private replayTo(t: number): Simulator {
    if (this.sim === undefined || t < this.sim.nowMs) {
      const watch = watchTimers(this.spec);
      this.timersOf = watch.timersOf;
      const { sim } = prepareRun(watch.spec, {
        ...(this.input.nodes !== undefined && { nodes: this.input.nodes }),
        seed: this.input.seed,
        faults: this.input.faults,
        options: this.input.options,
        ...(this.input.durationMs !== undefined && { durationMs: this.input.durationMs }),
        trace: 'off',
      });
      this.sim = sim;
      this.stopped = false;
      this.guard(() => sim.start());
    }
    const sim = this.sim;
    if (!this.stopped) this.guard(() => sim.runUntil(t));
    return sim;
  }

  private guard(step: () => void): void {
    try {
      step();
    } catch {
      // The run itself stopped at this step (simulate() reports it as a failed check).
      this.stopped = true;
    }
  }
}
