// The checks of clock/vector, against the true happens-before relation the simulator
// records: vectors characterise causality exactly — a → b ⇔ V(a) < V(b), and concurrent
// events get incomparable vectors — and every live node finishes its workload. The metric
// `concurrentPairs` counts the pairs the vectors (rightly) leave unordered.

import type { ClusterView, Invariant, Liveness, Metrics } from '../../../core/algorithm.js';
import { compareVectors, type VectorClock } from '../../../core/clocks/vector.js';
import { type ClockEvent, clockMetrics, pairwiseInvariant, workloadDone } from '../workload.js';
import type { VectorState } from './state.js';

export function vectorInvariants(): Invariant<VectorState, ClockEvent<VectorClock>>[] {
  return [
    pairwiseInvariant<VectorClock>('clock condition: a → b ⇔ V(a) < V(b)', (a, b, before) => {
      const order = compareVectors(a, b);
      const expected = before ? 'before' : 'concurrent';
      return order === expected
        ? undefined
        : `events are ${before ? 'causally ordered' : 'concurrent'} but the vectors compare '${order}'`;
    }),
  ];
}

export function vectorLiveness(): Liveness<VectorState, ClockEvent<VectorClock>>[] {
  return [workloadDone<VectorClock>()];
}

export function vectorMetrics(view: ClusterView<VectorState, ClockEvent<VectorClock>>): Metrics {
  let concurrentPairs = 0;
  let pairs = 0;
  const outs = view.outputs;
  for (let j = 0; j < outs.length; j++) {
    for (let i = 0; i < j; i++) {
      pairs++;
      if (compareVectors(outs[i]!.output.time, outs[j]!.output.time) === 'concurrent')
        concurrentPairs++;
    }
  }
  return { ...clockMetrics(view), pairs, concurrentPairs };
}
