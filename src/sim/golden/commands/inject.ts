// Shared by the fault commands: faults are injected now, through sim.inject, so the trace
// shows them exactly as it shows planned faults.

import type { FaultEvent } from '../../fault-plan.js';
import { type CommandHandler, nodeArg, requireSim } from '../context.js';

/** A handler for `<fault> N`. */
export function nodeFault(make: (atMs: number, node: number) => FaultEvent): CommandHandler {
  return (ctx, cmd) => {
    const sim = requireSim(ctx);
    sim.inject(make(sim.nowMs, nodeArg(ctx, cmd)));
    return [];
  };
}
