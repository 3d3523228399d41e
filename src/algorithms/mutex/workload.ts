// The critical-section workload every mutex algorithm runs, and the checks and metrics they
// share. Each node asks for the critical section `requests` times; it holds it for about
// `holdMs` and thinks for about `thinkMs` between requests (both drawn from its stream).
// Nodes report `request`, `enter` and `exit` outputs; the checks read only those and
// `state.inCS`, so every algorithm in the family is judged by the same rules.

import type {
  ClusterView,
  Invariant,
  Liveness,
  Metrics,
  OptionSpecs,
  OptionsOf,
} from '../../core/algorithm.js';
import type { NodeId } from '../../core/process.js';

export const mutexOptionSpecs = {
  requests: {
    kind: 'int',
    default: 5,
    min: 1,
    max: 100_000,
    description: 'critical-section requests per node',
  },
  holdMs: {
    kind: 'int',
    default: 10,
    min: 1,
    max: 60_000,
    description: 'mean time inside the critical section (ms)',
  },
  thinkMs: {
    kind: 'int',
    default: 50,
    min: 1,
    max: 600_000,
    description: 'mean time between requests (ms)',
  },
} as const satisfies OptionSpecs;

export type MutexOptions = OptionsOf<typeof mutexOptionSpecs>;

/**
 * How long a requester waits before re-sending: longer than any fault-free wait (every
 * other node holding once, plus latencies), so a fault-free run never retries and its
 * message count stays exactly the notes' formula.
 */
export function retryMs(n: number, opts: MutexOptions): number {
  return n * (2 * opts.holdMs + 40) + 100;
}

export type MutexOutput =
  | { readonly type: 'request' }
  | { readonly type: 'enter' }
  | { readonly type: 'exit' };

export interface MutexNodeState {
  readonly inCS: boolean;
  /** Requests this node has completed (entered and left). */
  readonly served: number;
}

type View = ClusterView<MutexNodeState, MutexOutput>;

export function mutualExclusion(): Invariant<MutexNodeState, MutexOutput> {
  return {
    name: 'mutual exclusion: at most one node in the critical section',
    check(view) {
      const inside = view.nodes.filter((n) => n.up && n.state?.inCS === true).map((n) => n.id);
      return inside.length <= 1 ? undefined : `nodes ${inside.join(' and ')} are inside at once`;
    },
  };
}

/** No node enters unless it has an outstanding request. */
export function noUnaskedGrant(): Invariant<MutexNodeState, MutexOutput> {
  let seen = 0;
  const outstanding = new Map<NodeId, number>();
  return {
    name: 'no entry without a request',
    check(view) {
      for (; seen < view.outputs.length; seen++) {
        const o = view.outputs[seen]!;
        const open = outstanding.get(o.node) ?? 0;
        if (o.output.type === 'request') outstanding.set(o.node, open + 1);
        if (o.output.type === 'enter') {
          if (open === 0) return `node ${o.node} entered at ${o.atMs} ms without asking`;
          outstanding.set(o.node, open - 1);
        }
      }
      return undefined;
    },
  };
}

/** `requesters` are the nodes that ask (all by default; the centralized coordinator never does). */
export function everyRequestServed(
  requests: number,
  requesters: (id: NodeId) => boolean = () => true,
): Liveness<MutexNodeState, MutexOutput> {
  return {
    name: 'every live node is served all its requests',
    check(view) {
      const late = view.nodes
        .filter((n) => n.up && requesters(n.id) && (n.state?.served ?? 0) < requests)
        .map((n) => n.id);
      return late.length === 0 ? undefined : `nodes ${late.join(',')} are still waiting`;
    },
  };
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

/** csEntries, messagesPerEntry, maxInCS, meanWaitMs, p99WaitMs (request → enter). */
export function mutexMetrics(view: View): Metrics {
  const asked = new Map<NodeId, number[]>();
  const waits: number[] = [];
  // A set, not a counter: a node that crashed inside may never report its exit, but once it
  // asks again it is certainly out.
  const inside = new Set<NodeId>();
  let maxInCS = 0;
  for (const o of view.outputs) {
    const queue = asked.get(o.node) ?? [];
    asked.set(o.node, queue);
    if (o.output.type === 'request') {
      queue.push(o.atMs);
      inside.delete(o.node);
    }
    if (o.output.type === 'enter') {
      const since = queue.shift();
      if (since !== undefined) waits.push(o.atMs - since);
      inside.add(o.node);
      maxInCS = Math.max(maxInCS, inside.size);
    }
    if (o.output.type === 'exit') inside.delete(o.node);
  }
  waits.sort((a, b) => a - b);
  const csEntries = view.outputs.filter((o) => o.output.type === 'enter').length;
  const round = (x: number) => Math.round(x * 1000) / 1000;
  return {
    csEntries,
    messagesPerEntry: csEntries === 0 ? null : round(view.stats.sent / csEntries),
    maxInCS,
    meanWaitMs: round(waits.reduce((a, b) => a + b, 0) / Math.max(1, waits.length)),
    p99WaitMs: round(percentile(waits, 99)),
  };
}
