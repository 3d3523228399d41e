// A vector-clock node's state: the family's (../workload.ts) with one entry per node for a
// clock — the vector and the events performed are durable, `done` is derived on start.

import type { VectorClock } from '../../../core/clocks/vector.js';
import type { ClockState } from '../workload.js';

export type VectorState = ClockState<VectorClock>;
