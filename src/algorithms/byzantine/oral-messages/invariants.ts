// The checks of byzantine/oral-messages: the paper's interactive consistency (IC1 agreement,
// IC2 validity) after every step and, once the rounds are over, every loyal lieutenant has
// decided (../generals.ts). Whether IC1/IC2 must hold is omPremise's question.

import type { Invariant, Liveness } from '../../../core/algorithm.js';
import type { NodeId } from '../../../core/process.js';
import { type DecideOutput, everyLoyalDecides, interactiveConsistency } from '../generals.js';
import type { OralMessagesOptions } from './options.js';

export function oralMessagesInvariants(
  nodes: readonly NodeId[],
  opts: OralMessagesOptions,
): Invariant<unknown, DecideOutput>[] {
  return interactiveConsistency(nodes, opts);
}

export function oralMessagesLiveness(
  nodes: readonly NodeId[],
  opts: OralMessagesOptions,
): Liveness<unknown, DecideOutput>[] {
  return [everyLoyalDecides(nodes, opts)];
}

/**
 * Whether OM(m) must reach interactive consistency here (paper Theorem 1): more than 3m
 * generals AND at most m of them traitors. (A traitor id repeated or outside the cluster
 * is no extra general.)
 */
export function omPremise(nodes: readonly NodeId[], opts: OralMessagesOptions): boolean {
  const traitors = nodes.filter((id) => opts.traitors.includes(id)).length;
  return nodes.length > 3 * opts.m && traitors <= opts.m;
}
