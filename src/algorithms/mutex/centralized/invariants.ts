// The checks of mutex/centralized: the family's safety rules (workload.ts) — at most one
// node inside, no entry without a request — and every client served all its requests (the
// coordinator, node 1, never asks).

import type { Invariant, Liveness } from '../../../core/algorithm.js';
import {
  everyRequestServed,
  type MutexOutput,
  mutualExclusion,
  noUnaskedGrant,
} from '../workload.js';
import type { CentralizedOptions } from './options.js';
import { type CentralizedState, isRequester } from './state.js';

export function centralizedInvariants(): Invariant<CentralizedState, MutexOutput>[] {
  return [mutualExclusion(), noUnaskedGrant()];
}

export function centralizedLiveness(
  options: CentralizedOptions,
): Liveness<CentralizedState, MutexOutput>[] {
  return [everyRequestServed(options.requests, isRequester)];
}
