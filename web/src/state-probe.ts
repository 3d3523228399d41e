// Every node's full state at a time t of a Lab run, for the inspector. The trace records what
// nodes did, not what they hold, so the probe replays the run itself: the same simulator
// simulate() builds (prepareRun), run to t. Moving forward continues the replay; moving
// back starts it again. Replays are deterministic, so the state is the run's own at t.
// A step that throws stops the replay where the run stopped. The replay also watches each
// node's timers (drawings/timer-watch.ts), which the stage draws as rings, and remembers
// what the stage draws after every step (drawings/drawn-history.ts), so the stage going
// back in time reads that memo instead of replaying from time 0; the inspected nodes' full
// states are remembered too (node-history.ts), from the first move back on.

import type { AnyAlgorithm } from '../../src/core/algorithm.js';
import { prepareRun } from '../../src/sim/run.js';
import type { Simulator } from '../../src/sim/simulator.js';
import { DrawnHistory } from './drawings/drawn-history.js';
import { type DrawnNode, drawnNodes } from './drawings/drawn-nodes.js';
import { RunLifecycle } from './drawings/run-lifecycle.js';
import { type PendingTimer, watchTimers } from './drawings/timer-watch.js';
import { NodeHistory } from './node-history.js';
import type { NodeState } from './node-state.js';
import type { RunInput } from './run.js';

export class StateProbe {
  private sim: Simulator | undefined;
  private stopped = false;
  private timersOf: (id: number) => readonly PendingTimer[] = () => [];
  private memo: { life: RunLifecycle; drawn: DrawnHistory; nodes: NodeHistory } | undefined;

  constructor(
    private readonly spec: AnyAlgorithm,
    private readonly input: RunInput,
  ) {}

  /**
   * The node's state at t (ms): remembered when the slider went back over it, else replayed.
   * A replayed state is live: read it before the next call.
   */
  at(id: number, t: number): NodeState | undefined {
    this.memo?.nodes.ask(id);
    if (this.sim !== undefined && t < this.sim.nowMs) {
      const kept = this.memo?.nodes.at(id, t);
      if (kept !== undefined) return kept;
    }
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
    if (this.memo?.drawn.covers(t) !== true) this.replayTo(t);
    const drawn = this.memo?.drawn;
    if (drawn?.covers(t) === true) return drawn.drawnAt(t);
    return drawnNodes(this.spec.name, this, t, this.sim?.nodes.length ?? 0);
  }

  private replayTo(t: number): Simulator {
    if (this.sim === undefined || t < this.sim.nowMs) {
      // Steps are counted per replay: the k-th is the same step in every replay.
      let steps = 0;
      const watch = watchTimers(this.spec, (id, state) => {
        steps++;
        if (this.sim === undefined || this.memo === undefined) return;
        this.memo.drawn.noteStep(this.sim, steps, id, state, watch.timersOf(id));
        this.memo.nodes.noteStep(this.sim, steps, id, state, watch.timersOf(id));
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
      this.memo ??= this.newMemo(sim);
      this.memo.nodes.replayStarts();
      this.stopped = false;
      this.guard(() => sim.start());
    }
    const sim = this.sim;
    if (!this.stopped) this.guard(() => sim.runUntil(t));
    if (this.memo !== undefined) {
      this.memo.life.note(sim, this.stopped);
      this.memo.drawn.noteReplayedTo(t);
      this.memo.nodes.noteReplayedTo(t);
    }
    return sim;
  }

  private newMemo(sim: Simulator) {
    const life = new RunLifecycle(sim);
    return {
      life,
      drawn: new DrawnHistory(this.spec.name, life, sim),
      nodes: new NodeHistory(life),
    };
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
