// An OM(m) general's state (oral-messages.ts explains the protocol). Nothing is durable:
// in the paper's synchronous model loyal generals do not crash, a crashed one is a traitor.

import type { NodeId } from '../../../core/process.js';
import type { GeneralState, Order } from '../generals.js';
import type { OralMessagesConfig } from './options.js';

export interface OralMessagesState extends GeneralState {
  readonly traitor: boolean;
  /** The value received along each path (key: ids joined by '.'); the first copy wins. */
  received: Record<string, Order>;
}

export function initOralMessagesState(c: OralMessagesConfig, id: NodeId): OralMessagesState {
  return { traitor: c.traitors.includes(id), decision: null, received: {} };
}
