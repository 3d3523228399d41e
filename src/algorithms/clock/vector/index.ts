// clock/vector — vector clocks on the same workload. The invariant checks that they
// characterise causality exactly, against the simulator's true happens-before relation:
// a → b ⇔ V(a) < V(b), and concurrent events get incomparable vectors.

import { defineAlgorithm } from '../../../core/algorithm.js';
import {
  compareVectors,
  type VectorClock,
  vectorReceive,
  vectorTick,
  vectorZero,
} from '../../../core/clocks/vector.js';
import {
  type ClockEvent,
  type ClockOptions,
  type ClockState,
  clockMetrics,
  clockOptionSpecs,
  createClockProcess,
  pairwiseInvariant,
  workloadDone,
} from '../workload.js';
import { parseVectorMessage, type VectorMessage } from './messages.js';

const rules = {
  zero: (ctx: { nodes: readonly number[] }) => vectorZero(ctx.nodes.length) as VectorClock,
  tick: (clock: VectorClock, id: number) => vectorTick(clock, id) as VectorClock,
  receive: (clock: VectorClock, received: VectorClock, id: number) =>
    vectorReceive(clock, received, id) as VectorClock,
};

export const vector = defineAlgorithm<
  VectorMessage,
  ClockEvent<VectorClock>,
  ClockState<VectorClock>,
  ClockOptions
>({
  name: 'clock/vector',
  family: 'clock',
  summary: 'Vector clocks: a → b if and only if V(a) < V(b)',
  seed: '000 (logical clocks); Fidge 1988, Mattern 1989',
  nodes: { default: 5, min: 1, max: 64 },
  durationMs: 5_000,
  livenessDeadlineMs: 5_000,
  options: clockOptionSpecs,
  causality: true,
  create: (id, ctx) => createClockProcess(rules, id, ctx),
  parseMessage: (raw, ctx) => parseVectorMessage(raw, ctx.nodes.length),
  invariants: () => [
    pairwiseInvariant<VectorClock>('clock condition: a → b ⇔ V(a) < V(b)', (a, b, before) => {
      const order = compareVectors(a, b);
      const expected = before ? 'before' : 'concurrent';
      return order === expected
        ? undefined
        : `events are ${before ? 'causally ordered' : 'concurrent'} but the vectors compare '${order}'`;
    }),
  ],
  liveness: () => [workloadDone<VectorClock>()],
  metrics(view) {
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
  },
  messageCount: {
    formula: 'one Stamp (n integers) per send event',
    compare: (view) => ({
      expected: view.outputs.filter((o) => o.output.kind === 'send').length,
      measured: view.stats.sent,
    }),
  },
  scenarios: [
    {
      name: 'crash-keeps-vector',
      description:
        'A node crashes mid-workload; its vector is durable, so causality across the restart is preserved.',
      faults: 'crash 3 @250; restart 3 @600',
      expect: { safety: 'hold', liveness: 'hold' },
    },
    {
      name: 'partition-makes-concurrency',
      description:
        'While 1,2 and 3,4,5 are apart every event across the cut is concurrent — and the vectors say so.',
      faults: 'partition 1,2|3,4,5 @0..600',
      expect: { safety: 'hold', liveness: 'hold' },
    },
  ],
});
