// The checks of mutex/maekawa: the family's safety rules (workload.ts) and every node served
// all its requests.

import type { Invariant, Liveness } from '../../../core/algorithm.js';
import {
  everyRequestServed,
  type MutexOutput,
  mutualExclusion,
  noUnaskedGrant,
} from '../workload.js';
import type { MaekawaOptions } from './options.js';
import type { MaekawaState } from './state.js';

export function maekawaInvariants(): Invariant<MaekawaState, MutexOutput>[] {
  return [mutualExclusion(), noUnaskedGrant()];
}

export function maekawaLiveness(options: MaekawaOptions): Liveness<MaekawaState, MutexOutput>[] {
  return [everyRequestServed(options.requests)];
}
