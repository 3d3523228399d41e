// How a PBFT replica sends: to every other replica, or to one node — a message to itself is
// handled at once, without the network (the config's `deliver`).

import type { NodeId } from '../../../core/process.js';
import type { PbftMessage } from './messages.js';
import type { PbftStep } from './options.js';

/** Sends to every other replica, in id order. */
export function multicast(x: PbftStep, m: PbftMessage): void {
  x.env.broadcast(m);
}

/** Sends to one node; a message to this node is handled at once, without the network. */
export function sendTo(x: PbftStep, to: NodeId, m: PbftMessage): void {
  if (to === x.env.id) x.c.deliver(x, to, m);
  else x.env.send(to, m);
}
