// The checks of clock/lamport, against the true happens-before relation the simulator
// records: the clock condition a → b ⇒ C(a) < C(b) after every step, and every live node
// finishing its workload. The converse does not hold for Lamport clocks: the metric
// `orderedButConcurrent` counts the pairs of concurrent events C nevertheless orders.

import type { ClusterView, Invariant, Liveness, Metrics } from '../../../core/algorithm.js';
import { compareVectors } from '../../../core/clocks/vector.js';
import { type ClockEvent, clockMetrics, pairwiseInvariant, workloadDone } from '../workload.js';
import type { LamportState } from './state.js';

export function lamportInvariants(): Invariant<LamportState, ClockEvent<number>>[] {
  return [
    pairwiseInvariant<number>('clock condition: a → b ⇒ C(a) < C(b)', (a, b, before) =>
      before && !(a < b) ? `happened before but C=${a} is not below C=${b}` : undefined,
    ),
  ];
}

export function lamportLiveness(): Liveness<LamportState, ClockEvent<number>>[] {
  return [workloadDone<number>()];
}

export function lamportMetrics(view: ClusterView<LamportState, ClockEvent<number>>): Metrics {
  let orderedButConcurrent = 0;
  const outs = view.outputs;
  for (let j = 0; j < outs.length; j++) {
    for (let i = 0; i < j; i++) {
      const a = outs[i]!;
      const b = outs[j]!;
      const concurrent = compareVectors(a.vc!, b.vc!) === 'concurrent';
      if (concurrent && a.output.time !== b.output.time) orderedButConcurrent++;
    }
  }
  const maxClock = Math.max(0, ...outs.map((o) => o.output.time));
  return { ...clockMetrics(view), maxClock, orderedButConcurrent };
}
