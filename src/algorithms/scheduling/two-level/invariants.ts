// The checks of scheduling/two-level: the shared ones (shared/checks.ts), plus the master's
// own books — it never offers or launches more of a machine than the machine has.

import type { Invariant, Liveness, RunContext } from '../../../core/algorithm.js';
import { everyJobPlaced, schedulingInvariants } from '../shared/checks.js';
import type { SchedulingOutput } from '../shared/outputs.js';
import type { TwoLevelOptions } from './options.js';
import type { TwoLevelState } from './state.js';

function offersWithinFree(): Invariant<TwoLevelState, SchedulingOutput> {
  return {
    name: 'the master offers and launches only what is free',
    check(view) {
      const master = view.nodes[0]?.state?.master;
      if (master === undefined || master === null) return undefined;
      const bad = master.free.find((f) => f.cpu < 0 || f.mem < 0);
      return bad === undefined ? undefined : `machine ${bad.machine} is over-allocated`;
    },
  };
}

export function twoLevelInvariants(
  ctx: RunContext<TwoLevelOptions>,
): Invariant<TwoLevelState, SchedulingOutput>[] {
  return [...schedulingInvariants(ctx.seed, ctx.options), offersWithinFree()];
}

export function twoLevelLiveness(
  ctx: RunContext<TwoLevelOptions>,
): Liveness<TwoLevelState, SchedulingOutput>[] {
  return [everyJobPlaced(ctx.seed, ctx.options)];
}
