// The checks of byzantine/signed-messages: interactive consistency (IC1 agreement, IC2
// validity) after every step and, once the rounds are over, every loyal lieutenant has
// decided (../generals.ts). With signatures the premise is only "at most m traitors".

import type { Invariant, Liveness } from '../../../core/algorithm.js';
import type { NodeId } from '../../../core/process.js';
import { type DecideOutput, everyLoyalDecides, interactiveConsistency } from '../generals.js';
import type { SignedMessagesOptions } from './options.js';

export function signedMessagesInvariants(
  nodes: readonly NodeId[],
  opts: SignedMessagesOptions,
): Invariant<unknown, DecideOutput>[] {
  return interactiveConsistency(nodes, opts);
}

export function signedMessagesLiveness(
  nodes: readonly NodeId[],
  opts: SignedMessagesOptions,
): Liveness<unknown, DecideOutput>[] {
  return [everyLoyalDecides(nodes, opts)];
}

/**
 * Whether SM(m) must reach interactive consistency (paper Theorem 2): at most m traitors,
 * counting the cluster's nodes the option names (a repeated or absent id is no traitor).
 */
export function smPremise(nodes: readonly NodeId[], opts: SignedMessagesOptions): boolean {
  const traitors = nodes.filter((id) => opts.traitors.includes(id)).length;
  return traitors <= opts.m;
}

/** Messages of SM(m) with a loyal commander: n−1 orders, then each lieutenant relays once. */
export function smLoyalMessageCount(n: number, m: number): number {
  return m === 0 ? n - 1 : (n - 1) * (n - 1);
}
