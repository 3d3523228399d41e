// Who may send what, for the Paxos family (consensus/paxos and consensus/multi-paxos): the
// parser checks a message's shape; these checks tie it to its sender (a ballot names its
// proposer, replies come from acceptors, a request from its client). A message that fails is
// dropped with a note in the trace: it is peer input, never asserted on.

import type { Env, Message, NodeId, Output } from '../../../core/process.js';

/** One check per message type: may `from` send `m`, given the cluster's roles `R`? */
export type SenderChecks<M extends Message, R> = {
  readonly [K in M['type']]: (m: Extract<M, { type: K }>, from: NodeId, roles: R) => boolean;
};

/** Whether `from` may send `m`, by its type's check. */
export function senderAllowed<M extends Message, R>(
  checks: SenderChecks<M, R>,
  m: M,
  from: NodeId,
  roles: R,
): boolean {
  const check = checks[m.type as M['type']] as (m: M, from: NodeId, roles: R) => boolean;
  return check(m, from, roles);
}

/** `valid`, noting in the trace a message dropped as malformed or misattributed. */
export function admitted<M extends Message, O extends Output>(
  env: Env<M, O>,
  from: NodeId,
  m: M,
  valid: boolean,
): boolean {
  if (!valid) env.note(`rejected malformed ${String(m.type)} from ${from}`);
  return valid;
}
