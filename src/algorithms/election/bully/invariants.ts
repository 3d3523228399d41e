// The checks of election/bully. Bully promises no safety under partitions (see the
// split-brain scenario): it promises who wins once the network is whole — every live node
// agrees on one leader, the highest-ranked live node.

import type { Invariant, Liveness } from '../../../core/algorithm.js';
import { allAgree, type ElectionOutput, highestLiveLeads } from '../workload.js';
import { type BullyOptions, bullyRank } from './options.js';
import type { BullyState } from './state.js';

export function bullyInvariants(): Invariant<BullyState, ElectionOutput>[] {
  return [];
}

export function bullyLiveness(options: BullyOptions): Liveness<BullyState, ElectionOutput>[] {
  return [allAgree(), highestLiveLeads(bullyRank(options))];
}
