// The checks of scheduling/shared-state: the shared ones (shared/checks.ts). Optimistic
// commits make them the point: however stale a scheduler's copy, the machines never let
// two commits over-commit them, and no conflict makes a task run twice.

import type { Invariant, Liveness, RunContext } from '../../../core/algorithm.js';
import { everyJobPlaced, schedulingInvariants } from '../shared/checks.js';
import type { SchedulingOutput } from '../shared/outputs.js';
import type { SharedStateOptions } from './options.js';
import type { SharedStateState } from './state.js';

export function sharedStateInvariants(
  ctx: RunContext<SharedStateOptions>,
): Invariant<SharedStateState, SchedulingOutput>[] {
  return schedulingInvariants(ctx.seed, ctx.options);
}

export function sharedStateLiveness(
  ctx: RunContext<SharedStateOptions>,
): Liveness<SharedStateState, SchedulingOutput>[] {
  return [everyJobPlaced(ctx.seed, ctx.options)];
}
