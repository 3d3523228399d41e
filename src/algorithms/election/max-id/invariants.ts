// The checks of election/max-id and the fault model they assume. The notes warn that the
// algorithm ignores failures, so it promises nothing under them: its model admits only
// delay (bounded by the round), duplication, reordering and drift, and under that model
// every node agrees on the largest id.

import type { FaultModel, Invariant, Liveness } from '../../../core/algorithm.js';
import { allAgree, type ElectionOutput, highestLiveLeads } from '../workload.js';
import type { MaxIdState } from './state.js';

const MAX_DELAY_MS = 40;

export const maxIdFaultModel: FaultModel = {
  tolerates: ['delay', 'dup', 'reorder', 'drift'],
  maxDelayMs: MAX_DELAY_MS,
  assumption:
    'every node takes part in the one round and every Id arrives within it (the notes: ' +
    '"it ignores failures")',
};

export function maxIdInvariants(): Invariant<MaxIdState, ElectionOutput>[] {
  return [];
}

export function maxIdLiveness(): Liveness<MaxIdState, ElectionOutput>[] {
  return [allAgree(), highestLiveLeads((id) => id)];
}
