// The checks of mutex/token-ring: the family's safety rules (workload.ts), every node served
// all its requests, and "at most one token", as a predicate over node states checked after every step.
//
// Let G be the highest generation of any token a live node has held so far in the run
// (generations only grow, and a regenerated token appears in its issuer's state in the very
// step that issues it). Then:
//   (1) at most one live node holds a generation-G token without handing it off — during a
//       hand-off the sender keeps its copy until acknowledged, and that copy does not count;
//   (2) every node inside the critical section holds the generation-G token (a node of an
//       older generation must have left before G was issued: the lease rule).
// Older-generation copies may linger at cut-off or restarted nodes; (2) makes them useless
// and the first promiser they reach refuses them.

import type { Invariant, Liveness } from '../../../core/algorithm.js';
import { everyRequestServed, mutualExclusion, noUnaskedGrant } from '../workload.js';
import type { TokenRingOptions } from './options.js';
import type { TokenRingOutput, TokenRingState } from './state.js';

export function atMostOneToken(): Invariant<TokenRingState, TokenRingOutput> {
  let top = 0;
  return {
    name: 'at most one valid token',
    check(view) {
      for (const node of view.nodes)
        if (node.up && node.state?.token) top = Math.max(top, node.state.token.gen);
      const holders: number[] = [];
      for (const node of view.nodes) {
        const s = node.state;
        if (!node.up || s === undefined) continue;
        if (s.token?.gen === top && s.handoff === null) holders.push(node.id);
        if (s.inCS && s.token?.gen !== top)
          return `node ${node.id} is inside without the generation-${top} token`;
      }
      if (holders.length > 1)
        return `nodes ${holders.join(' and ')} both hold the generation-${top} token`;
      return undefined;
    },
  };
}

export function tokenRingInvariants(): Invariant<TokenRingState, TokenRingOutput>[] {
  return [mutualExclusion(), noUnaskedGrant(), atMostOneToken()];
}

export function tokenRingLiveness(
  options: TokenRingOptions,
): Liveness<TokenRingState, TokenRingOutput>[] {
  return [everyRequestServed(options.requests)];
}
