// Sending for mutex/centralized: with --failover the coordinator is also a client, and a
// message it addresses to itself is handled at once, in the same step, as if it had arrived
// (no network hop, so it is neither counted nor delayed).

import type { NodeId } from '../../../core/process.js';
import type { CentralizedMessage } from './messages.js';
import type { X } from './options.js';

/** Sends `m`, or handles it at once when it is addressed to this very node. */
export function post(x: X, to: NodeId, m: CentralizedMessage): void {
  if (to === x.env.id) x.c.receive(x, x.env.id, m);
  else x.env.send(to, m);
}
