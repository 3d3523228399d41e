// clock/lamport — Lamport's logical clock on a seeded message workload. The invariant checks
// the clock condition against the true happens-before relation the simulator records:
// a → b ⇒ C(a) < C(b). (The converse does not hold for Lamport clocks; the metric
// `orderedButConcurrent` counts the pairs where C orders events that are in fact concurrent.)

import { defineAlgorithm } from '../../../core/algorithm.js';
import { lamportReceive, lamportTick } from '../../../core/clocks/lamport.js';
import { compareVectors } from '../../../core/clocks/vector.js';
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
import { type LamportMessage, parseLamportMessage } from './messages.js';

const rules = {
  zero: () => 0,
  tick: (clock: number) => lamportTick(clock),
  receive: (clock: number, received: number) => lamportReceive(clock, received),
};

export const lamport = defineAlgorithm<
  LamportMessage,
  ClockEvent<number>,
  ClockState<number>,
  ClockOptions
>({
  name: 'clock/lamport',
  family: 'clock',
  summary: 'Lamport logical clocks: a → b implies C(a) < C(b)',
  seed: '000 (logical clocks behind Ricart–Agrawala); 004 (ZAB epochs)',
  nodes: { default: 5, min: 1, max: 64 },
  durationMs: 5_000,
  livenessDeadlineMs: 5_000,
  options: clockOptionSpecs,
  causality: true,
  create: (id, ctx) => createClockProcess(rules, id, ctx),
  parseMessage: parseLamportMessage,
  invariants: () => [
    pairwiseInvariant<number>('clock condition: a → b ⇒ C(a) < C(b)', (a, b, before) =>
      before && !(a < b) ? `happened before but C=${a} is not below C=${b}` : undefined,
    ),
  ],
  liveness: () => [workloadDone<number>()],
  metrics(view) {
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
  },
  messageCount: {
    formula: 'one Stamp per send event',
    compare: (view) => ({
      expected: view.outputs.filter((o) => o.output.kind === 'send').length,
      measured: view.stats.sent,
    }),
  },
  scenarios: [
    {
      name: 'crash-keeps-clock',
      description:
        'A node crashes mid-workload; its clock is durable, so events after restart still follow its earlier ones.',
      faults: 'crash 2 @300; restart 2 @700',
      expect: { safety: 'hold', liveness: 'hold' },
    },
    {
      name: 'lossy-reordering-network',
      description:
        'Loss, duplication and reordering never break the clock condition (only delivered messages create causality).',
      faults: 'drop 0.2; dup 0.1; reorder 0.3; delay 1..80',
      expect: { safety: 'hold', liveness: 'hold' },
    },
  ],
});
