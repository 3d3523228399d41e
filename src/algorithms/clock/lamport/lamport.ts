// Lamport's logical clock (Lamport, CACM 1978) as the clock family's process: the shared
// workload (../workload.ts, on the kernel) with Lamport's rules — every local or send event
// ticks C := C + 1, a receive sets C := max(C, T) + 1. The clock is durable, so a restarted
// node never stamps below what it stamped before.
//
// Fault model: the workload's — crash-recovery, loss, duplication, reordering, delay,
// partitions, pauses and drift; a lost message only creates no causality.

import { lamportReceive, lamportTick } from '../../../core/clocks/lamport.js';
import { type ClockRules, defineClockProcess } from '../workload.js';

export const lamportRules: ClockRules<number> = {
  zero: () => 0,
  tick: (clock) => lamportTick(clock),
  receive: (clock, received) => lamportReceive(clock, received),
  advanced: (before, after) => after > before,
};

export const createLamport = defineClockProcess(lamportRules);
