// Vector clocks (Fidge 1988, Mattern 1989) as the clock family's process: the shared
// workload (../workload.ts, on the kernel) with the vector rules — an event increments the
// node's own entry, a receive takes the entry-wise maximum first. The vector is durable, so
// a restarted node's events still follow everything it had seen.
//
// Fault model: the workload's — crash-recovery, loss, duplication, reordering, delay,
// partitions, pauses and drift; a lost message only creates no causality.

import {
  type VectorClock,
  vectorReceive,
  vectorTick,
  vectorZero,
} from '../../../core/clocks/vector.js';
import { type ClockRules, defineClockProcess } from '../workload.js';

export const vectorRules: ClockRules<VectorClock> = {
  zero: (n) => vectorZero(n) as VectorClock,
  tick: (clock, id) => vectorTick(clock, id) as VectorClock,
  receive: (clock, received, id) => vectorReceive(clock, received, id) as VectorClock,
  advanced: (before, after, id) => (after[id - 1] ?? 0) > (before[id - 1] ?? 0),
};

export const createVector = defineClockProcess(vectorRules);
