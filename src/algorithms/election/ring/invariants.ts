// The checks of election/ring. The ring election promises no safety under partitions (each
// side can gather its own ring); it promises who wins once the network is whole — every
// live node agrees on one leader, the largest live id.

import type { Invariant, Liveness } from '../../../core/algorithm.js';
import { allAgree, type ElectionOutput, highestLiveLeads } from '../workload.js';
import type { RingState } from './state.js';

export function ringInvariants(): Invariant<RingState, ElectionOutput>[] {
  return [];
}

export function ringLiveness(): Liveness<RingState, ElectionOutput>[] {
  return [allAgree(), highestLiveLeads((id) => id)];
}
