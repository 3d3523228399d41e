// A Lamport-clock node's state: the family's (../workload.ts) with a number for a clock —
// the clock and the events performed are durable, `done` is derived on start.

import type { ClockState } from '../workload.js';

export type LamportState = ClockState<number>;
