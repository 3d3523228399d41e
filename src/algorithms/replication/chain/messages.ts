// Messages of replication/chain: the shared ones (shared/messages.ts: Ping, Pong, Request,
// Reply, Snapshot, Ack) and Update, a server forwarding one update to its successor (van
// Renesse & Schneider §3). Ack travels the other way, from the tail towards the head.
// `parseChainMessage` is the algorithm's parseMessage: the host drops what fails it.

import { type MessageChecks, parseByType } from '../../../core/validate.js';
import {
  isShipment,
  SHARED_CHECKS,
  type SharedMessage,
  type Shipment,
} from '../shared/messages.js';

export type ChainMessage = SharedMessage | ({ readonly type: 'Update' } & Shipment);

const CHECKS: MessageChecks<ChainMessage> = { ...SHARED_CHECKS, Update: isShipment };

/** `n`: the cluster size. */
export function parseChainMessage(raw: unknown, n: number): ChainMessage | undefined {
  return parseByType(CHECKS, raw, n);
}
