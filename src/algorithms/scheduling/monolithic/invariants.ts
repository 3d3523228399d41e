// The checks of scheduling/monolithic: the shared ones (shared/checks.ts) — no machine
// over-committed, no task running twice, and every job that fits eventually placed and run.

import type { Invariant, Liveness, RunContext } from '../../../core/algorithm.js';
import { everyJobPlaced, schedulingInvariants } from '../shared/checks.js';
import type { SchedulingOutput } from '../shared/outputs.js';
import type { MonolithicOptions } from './options.js';
import type { MonolithicState } from './state.js';

export function monolithicInvariants(
  ctx: RunContext<MonolithicOptions>,
): Invariant<MonolithicState, SchedulingOutput>[] {
  return schedulingInvariants(ctx.seed, ctx.options);
}

export function monolithicLiveness(
  ctx: RunContext<MonolithicOptions>,
): Liveness<MonolithicState, SchedulingOutput>[] {
  return [everyJobPlaced(ctx.seed, ctx.options)];
}
