// Local delivery for the mutex family: where one node plays two roles (a Maekawa voter that
// is a member of its own quorum, a centralized coordinator that also asks), a message it
// addresses to itself is handled at once, in the same step, as if it had arrived — no
// network hop, so it is neither counted nor delayed nor subject to faults. The process
// supplies `receive` (its own message dispatch) in its per-run config.

import type { Env, Message, NodeId, Output } from '../../core/process.js';

/** A handler step whose config can dispatch a message of its own in the same step. */
export interface Delivering<M extends Message, X> {
  readonly env: Env<M, Output>;
  readonly c: { readonly receive: (x: X, from: NodeId, m: M) => void };
}

/** Sends `m`, or handles it at once when it is addressed to this very node. */
export function post<M extends Message, X extends Delivering<M, X>>(
  x: X & Delivering<M, X>,
  to: NodeId,
  m: NoInfer<M>,
): void {
  if (to === x.env.id) x.c.receive(x, x.env.id, m);
  else x.env.send(to, m);
}
