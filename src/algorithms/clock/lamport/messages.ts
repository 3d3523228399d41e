// The message of clock/lamport: a Stamp carrying the sender's Lamport time, one per send
// event. Its parser (the algorithm's parseMessage) accepts a Stamp whose time is a safe
// integer ≥ 0; the host drops anything else before the clock sees it.

import { isCount, type MessageChecks, parseByType } from '../../../core/validate.js';
import type { Stamp } from '../workload.js';

export type LamportMessage = Stamp<number>;

const CHECKS: MessageChecks<LamportMessage> = {
  Stamp: (m) => isCount(m.time),
};

export function parseLamportMessage(raw: unknown): LamportMessage | undefined {
  return parseByType(CHECKS, raw);
}
