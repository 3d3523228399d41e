// A consumer service (nodes 3..n: payment, inventory, …) [001 §2.3.3 step 6 and the second
// failure case]. It applies each delivered order and acknowledges it. Delivery is at least
// once — an ack lost, or a crash before it left, brings the order again — so the consumer
// keeps a durable dedup set, written in the same step as the order's effect (one local
// transaction) and BEFORE the Ack leaves: a redelivered order is acknowledged again and not
// applied twice. The notes resolve a lost ack by rolling the consumer back; with
// redelivery and idempotence, as RocketMQ's consumers do, nothing needs undoing.
//
// Naive variant: `--dedup false` applies every delivery (the set is kept, not consulted).

import { assert } from '../../../core/assert.js';
import type { X } from './options.js';
import { BROKER } from './state.js';

export function consumerDeliver(x: X, txn: number): void {
  const { s, env, c } = x;
  const applied = s.consumed.includes(txn);
  if (applied && c.opts.dedup) env.output({ type: 'duplicate', txn });
  else {
    if (!applied) s.consumed = [...s.consumed, txn].sort((a, b) => a - b);
    env.output({ type: 'consume', txn });
  }
  env.send(BROKER, { type: 'Ack', txn });
  assert(s.consumed.includes(txn), 'acknowledged only once applied');
}
