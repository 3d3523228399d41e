// An SM(m) general's state (signed-messages.ts explains the protocol). Nothing is durable:
// in the paper's synchronous model loyal generals do not crash, a crashed one is a traitor.

import type { NodeId } from '../../../core/process.js';
import type { GeneralState, Order } from '../generals.js';
import type { SignedOrder } from './messages.js';
import type { SignedMessagesConfig } from './options.js';

export interface SignedMessagesState extends GeneralState {
  readonly traitor: boolean;
  /** The paper's V_i: the orders received with a valid chain, in arrival order. */
  values: Order[];
  /** New values received this round, relayed at the next round boundary. */
  pending: SignedOrder[];
}

export function initSignedMessagesState(c: SignedMessagesConfig, id: NodeId): SignedMessagesState {
  return { traitor: c.traitors.includes(id), decision: null, values: [], pending: [] };
}
