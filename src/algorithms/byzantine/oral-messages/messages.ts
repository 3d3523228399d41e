// OM(m)'s one message (Lamport, Shostak and Pease 1982, §3): an order relayed along a path
// of generals, commander first. `parseOralMessage` checks its shape only; whether the path
// is one OM(m) can produce (A2: its last general is the sender) is oral-messages.ts's check.

import type { NodeId } from '../../../core/process.js';
import { isArrayOf, isNodeId, type MessageChecks, parseByType } from '../../../core/validate.js';
import { isOrder, type Order } from '../generals.js';

/** A value relayed along `path` (the paper's "i says that j says … that the commander said"). */
export interface OrderMessage {
  readonly type: 'Order';
  readonly value: Order;
  readonly path: readonly NodeId[];
}

const checks: MessageChecks<OrderMessage> = {
  Order: (m, n) => isOrder(m.value) && isArrayOf(m.path, (id): id is NodeId => isNodeId(id, n)),
};

/** The message itself if it is well formed (node ids within 1..n when `n` is given). */
export function parseOralMessage(raw: unknown, n?: number): OrderMessage | undefined {
  return parseByType(checks, raw, n);
}
