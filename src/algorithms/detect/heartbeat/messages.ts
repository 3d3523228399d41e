// Messages of detect/heartbeat (heartbeat.ts explains the protocol): one Heartbeat, stamped
// with the sender's incarnation (`epoch`) and its count within it (`seq`), so a receiver can
// drop a duplicate or a beat overtaken by a newer one — a detector that learned from those
// would see intervals of zero. `parseHeartbeatMessage` is the algorithm's parseMessage.

import { isCount, type MessageChecks, parseByType } from '../../../core/validate.js';

export type HeartbeatMessage = {
  readonly type: 'Heartbeat';
  readonly epoch: number;
  readonly seq: number;
};

const CHECKS: MessageChecks<HeartbeatMessage> = {
  Heartbeat: (m) => isCount(m.epoch) && isCount(m.seq),
};

export function parseHeartbeatMessage(raw: unknown): HeartbeatMessage | undefined {
  return parseByType(CHECKS, raw);
}
