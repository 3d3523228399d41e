// `partition 1,2|3`: cuts the cluster into groups now, until `heal`. Reuses the fault-plan
// parser so group syntax and validation match `--faults`.

import { parseFaultPlan } from '../../fault-plan.js';
import { type CommandHandler, requireSim } from '../context.js';

export const partition: CommandHandler = (ctx, cmd) => {
  const sim = requireSim(ctx);
  const groups = cmd.args[0];
  if (groups === undefined) throw new Error('partition needs groups like 1,2|3');
  const [fault] = parseFaultPlan(`partition ${groups} @0`, sim.n).faults;
  if (fault?.kind !== 'partition') throw new Error(`bad partition '${groups}'`);
  sim.inject({ ...fault, atMs: sim.nowMs });
  return [];
};
