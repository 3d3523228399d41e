// The message of clock/vector: a Stamp carrying the sender's vector clock, one per send
// event. Its parser (the algorithm's parseMessage) accepts a Stamp whose time has exactly
// one safe count per node (entry i−1 for node i); the host drops anything else.

import type { VectorClock } from '../../../core/clocks/vector.js';
import { isArrayOf, isCount, type MessageChecks, parseByType } from '../../../core/validate.js';
import type { Stamp } from '../workload.js';

export type VectorMessage = Stamp<VectorClock>;

const CHECKS: MessageChecks<VectorMessage> = {
  Stamp: (m, n) => isArrayOf(m.time, isCount) && m.time.length === n,
};

/** `n`: the cluster size, the length every vector has. */
export function parseVectorMessage(raw: unknown, n: number): VectorMessage | undefined {
  return parseByType(CHECKS, raw, n);
}
