// The checks of gossip/anti-entropy. Safety, after every step: merges never lose an
// acknowledged local update — every update a writer acknowledged is ⊑ its replica from
// then on, crashes included (the replica is durable) — and `seen` never claims an update
// nobody made. Liveness, once faults heal: every live node holds the same replica (the
// CRDT's convergence), so every update acknowledged by a live writer is everywhere.
//
// Cost: the safety check replays new outputs and re-checks only replicas whose state object
// changed since the last step (states are immutable values), so it stays near O(n) pointer
// compares per step — thousands of nodes remain checkable.

import type { ClusterView, Invariant, Liveness, RunContext } from '../../../core/algorithm.js';
import { type GCounter, gCounter } from '../../crdt/index.js';
import { type AntiEntropyOptions, antiEntropyConfig } from './options.js';
import type { AntiEntropyOutput, AntiEntropyState } from './state.js';

type View = ClusterView<AntiEntropyState, AntiEntropyOutput>;

function acknowledgedUpdatesKept(
  ctx: RunContext<AntiEntropyOptions>,
): Invariant<AntiEntropyState, AntiEntropyOutput> {
  const { t } = antiEntropyConfig(ctx.options);
  const n = ctx.nodes.length;
  /** By id: the join of the node's acknowledged deltas, and how many it acknowledged. */
  const acked = Array.from({ length: n + 1 }, () => t.bottom());
  const made: Record<string, number> = {};
  const checked: unknown[] = new Array(n + 1).fill(undefined);
  let outputs = 0;
  return {
    name: 'merges never lose an acknowledged update',
    check(view: View) {
      for (; outputs < view.outputs.length; outputs++) {
        const { node, output } = view.outputs[outputs] as View['outputs'][number];
        if (output.type !== 'ack') continue;
        acked[node] = t.merge(acked[node], output.delta);
        made[node] = output.seq;
        checked[node] = undefined;
      }
      for (const v of view.nodes) {
        const s = v.state;
        if (!v.up || s === undefined || checked[v.id] === s.crdt) continue;
        if (!t.leq(acked[v.id], s.crdt))
          return `node ${v.id} lost an update it acknowledged: ${JSON.stringify(t.value(s.crdt))}`;
        if ((s.seen[v.id] ?? 0) < (made[v.id] ?? 0))
          return `node ${v.id} acknowledged ${made[v.id]} updates but holds ${s.seen[v.id] ?? 0}`;
        const phantom = Object.keys(s.seen).find((o) => (s.seen[o] ?? 0) > (made[o] ?? 0));
        if (phantom !== undefined)
          return `node ${v.id} claims update ${s.seen[phantom]} of node ${phantom}, which made ${made[phantom] ?? 0}`;
        checked[v.id] = s.crdt;
      }
      return undefined;
    },
  };
}

export function antiEntropyInvariants(ctx: RunContext<AntiEntropyOptions>) {
  return [acknowledgedUpdatesKept(ctx)];
}

const describeSeen = (seen: GCounter) => JSON.stringify(seen);

export function antiEntropyLiveness(
  ctx: RunContext<AntiEntropyOptions>,
): Liveness<AntiEntropyState, AntiEntropyOutput>[] {
  const { t } = antiEntropyConfig(ctx.options);
  return [
    {
      name: 'convergence: every live node holds the same replica',
      check(view) {
        const live = view.nodes.filter((v) => v.up && v.state !== undefined);
        const first = live[0]?.state;
        if (first === undefined) return undefined;
        for (const v of live) {
          const s = v.state as AntiEntropyState;
          if (!gCounter.equals(s.seen, first.seen) || !t.equals(s.crdt, first.crdt))
            return `node ${v.id} holds ${describeSeen(s.seen)}, node ${live[0]?.id} ${describeSeen(first.seen)}`;
        }
        return undefined;
      },
    },
  ];
}
