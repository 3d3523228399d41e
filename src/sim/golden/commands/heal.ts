// `heal`: ends every partition now.

import { type CommandHandler, requireSim } from '../context.js';

export const heal: CommandHandler = (ctx) => {
  const sim = requireSim(ctx);
  sim.inject({ kind: 'heal', atMs: sim.nowMs });
  return [];
};
