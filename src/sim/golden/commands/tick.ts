// `tick MS`: advances virtual time, running every timer and delivery that falls due.

import { type CommandHandler, parseInt10, requireSim } from '../context.js';

export const tick: CommandHandler = (ctx, cmd) => {
  const sim = requireSim(ctx);
  const ms = parseInt10(cmd.args[0], 'tick duration (ms)');
  if (ms < 0) throw new Error('tick duration must not be negative');
  sim.runUntil(sim.nowMs + ms);
  return [];
};
