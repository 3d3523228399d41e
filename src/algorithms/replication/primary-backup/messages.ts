// Messages of replication/primary-backup: the shared ones (shared/messages.ts: Ping, Pong,
// Request, Reply, Snapshot, Ack) and Forward, the primary shipping one entry to a backup.
// `parsePbMessage` is the algorithm's parseMessage: the host drops what fails it.

import { type MessageChecks, parseByType } from '../../../core/validate.js';
import {
  isShipment,
  SHARED_CHECKS,
  type SharedMessage,
  type Shipment,
} from '../shared/messages.js';

export type PbMessage = SharedMessage | ({ readonly type: 'Forward' } & Shipment);

const CHECKS: MessageChecks<PbMessage> = { ...SHARED_CHECKS, Forward: isShipment };

/** `n`: the cluster size. */
export function parsePbMessage(raw: unknown, n: number): PbMessage | undefined {
  return parseByType(CHECKS, raw, n);
}

export type { ReplicationOutput as PbOutput } from '../shared/messages.js';
