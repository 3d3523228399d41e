// The cluster as detect/heartbeat's outputs and the host's lifecycle events tell it, event
// by event in their true order: who is up, paused, whom each node suspects, and whether it
// reports a majority. The checks (invariants.ts) and the metrics (metrics.ts) both replay a
// run through it; it never reads node states, so it also judges what the nodes reported.

import type { ClusterView, LifecycleRecord, OutputRecord } from '../../../core/algorithm.js';
import type { NodeId } from '../../../core/process.js';
import type { DetectOutput, HeartbeatState } from './state.js';

export type DetectView = ClusterView<HeartbeatState, DetectOutput>;

export type ReplayEvent =
  | { readonly kind: 'output'; readonly record: OutputRecord<DetectOutput> }
  | { readonly kind: 'lifecycle'; readonly record: LifecycleRecord };

export interface ReplayHooks {
  readonly before?: (e: ReplayEvent) => void;
  readonly after?: (e: ReplayEvent) => void;
}

export class Replay {
  /** By id (index 0 unused). */
  readonly up: boolean[];
  readonly paused: boolean[];
  readonly suspects: Set<NodeId>[];
  readonly majority: boolean[];
  private outputIndex = 0;
  private lifecycleIndex = 0;

  constructor(readonly n: number) {
    this.up = Array.from({ length: n + 1 }, (_, i) => i > 0);
    this.paused = Array.from({ length: n + 1 }, () => false);
    this.suspects = Array.from({ length: n + 1 }, () => new Set<NodeId>());
    this.majority = Array.from({ length: n + 1 }, () => true);
  }

  /**
   * Applies every output and lifecycle event of `view` not seen yet, calling `hooks.before`
   * just before each is applied (the cluster as it was up to that instant) and
   * `hooks.after` just after.
   */
  advance(view: DetectView, hooks: ReplayHooks = {}): void {
    for (;;) {
      const life = view.lifecycle[this.lifecycleIndex];
      const out = view.outputs[this.outputIndex];
      let e: ReplayEvent;
      if (life !== undefined && (out === undefined || life.outputsBefore <= this.outputIndex))
        e = { kind: 'lifecycle', record: life };
      else if (out !== undefined) e = { kind: 'output', record: out };
      else return;
      hooks.before?.(e);
      if (e.kind === 'lifecycle') {
        this.lifecycleIndex++;
        this.applyLifecycle(e.record);
      } else {
        this.outputIndex++;
        this.applyOutput(e.record);
      }
      hooks.after?.(e);
    }
  }

  private applyLifecycle(r: LifecycleRecord): void {
    if (r.event === 'pause' || r.event === 'resume') {
      this.paused[r.node] = r.event === 'pause';
      return;
    }
    // A crashed node's detector is gone, and a restarted one starts trusting everyone.
    this.up[r.node] = r.event === 'restart';
    this.paused[r.node] = false;
    this.suspects[r.node]?.clear();
    this.majority[r.node] = true;
  }

  private applyOutput({ node, output }: OutputRecord<DetectOutput>): void {
    const suspects = this.suspects[node] as Set<NodeId>;
    if (output.type === 'suspect') suspects.add(output.peer);
    else if (output.type === 'trust') suspects.delete(output.peer);
    else this.majority[node] = output.majority;
  }

  /** Live nodes (up and not paused) other than `except`: those that can suspect it. */
  monitorsOf(except: NodeId): NodeId[] {
    const ids: NodeId[] = [];
    for (let id = 1; id <= this.n; id++)
      if (id !== except && this.up[id] && !this.paused[id]) ids.push(id);
    return ids;
  }
}
