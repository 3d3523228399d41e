// Every node's full state at a time t of a Lab run, for the inspector. The trace records what
// nodes did, not what they hold, so the probe replays the run itself: the same simulator
// simulate() builds (prepareRun), run to t. Moving forward continues the replay; moving
// back starts it again. Replays are deterministic, so the state is the run's own at t.
// A step that throws stops the replay where the run stopped. The replay also watches each
// node's timers (drawings/timer-watch.ts), which the stage draws as rings, and remembers
// what the stage draws after every step (drawings/drawn-history.ts), so the stage going
// back in time reads that memo instead of replaying from time 0.

import type { AnyAlgorithm } from '../../src/core/algorithm.js';
import { prepareRun } from '../../src/sim/run.js';
import type { Simulator } from '../../src/sim/simulator.js';
import { DrawnHistory } from './drawings/drawn-history.js';
import { type DrawnNode, drawnNodes } from './drawings/drawn-nodes.js';
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
  private history: DrawnHistory | undefined;

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

  /**
   * Every node's drawing at t (ms), by id (drawings/drawn-nodes.ts): from the memo when the
   * replay has been that far, else by replaying there.
   */
  drawnAt(t: number): ReadonlyMap<number, DrawnNode> {
    if (this.history?.covers(t) !== true) this.replayTo(t);
    const history = this.history as DrawnHistory;
    if (history.covers(t)) return history.drawnAt(t);
    return drawnNodes(this.spec.name, this, t, this.sim?.nodes.length ?? 0);
  }

  private replayTo(t: number): Simulator {
    if (this.sim === undefined || t < this.sim.nowMs) {
      // Steps are counted per replay: the k-th is the same step in every replay.
      let steps = 0;
      const watch = watchTimers(this.spec, (id, state) => {
        steps++;
        if (this.sim !== undefined && this.history !== undefined)
          this.history.noteStep(this.sim, steps, id, state, watch.timersOf(id));
      });
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
      this.history ??= new DrawnHistory(this.spec.name, sim);
      this.stopped = false;
      this.guard(() => sim.start());
    }
    const sim = this.sim;
    if (!this.stopped) this.guard(() => sim.runUntil(t));
    this.history?.noteReplayedTo(sim, t, this.stopped);
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
