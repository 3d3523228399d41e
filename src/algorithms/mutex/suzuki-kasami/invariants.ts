// The checks of mutex/suzuki-kasami: the family's safety rules (workload.ts), at most one
// token, and every node served all its requests.

import type { Invariant, Liveness } from '../../../core/algorithm.js';
import {
  everyRequestServed,
  type MutexOutput,
  mutualExclusion,
  noUnaskedGrant,
} from '../workload.js';
import type { SuzukiKasamiOptions } from './options.js';
import type { SuzukiKasamiState } from './state.js';

/** At most one live node holds the token, and a node inside holds it. */
function atMostOneToken(): Invariant<SuzukiKasamiState, MutexOutput> {
  return {
    name: 'at most one token',
    check(view) {
      const live = view.nodes.filter((n) => n.up && n.state !== undefined);
      const holders = live.filter((n) => n.state?.token !== null).map((n) => n.id);
      if (holders.length > 1) return `nodes ${holders.join(' and ')} all hold the token`;
      const tokenless = live.find((n) => n.state?.inCS === true && n.state.token === null);
      return tokenless === undefined ? undefined : `node ${tokenless.id} is inside without it`;
    },
  };
}

export function suzukiKasamiInvariants(): Invariant<SuzukiKasamiState, MutexOutput>[] {
  return [mutualExclusion(), noUnaskedGrant(), atMostOneToken()];
}

export function suzukiKasamiLiveness(
  options: SuzukiKasamiOptions,
): Liveness<SuzukiKasamiState, MutexOutput>[] {
  return [everyRequestServed(options.requests)];
}
