// `stabilize [max=N]`: delivers in-flight messages round after round (replies to replies)
// until none remain. Timers do not fire: time stands still, so only message chains settle.

import { type CommandHandler, parseInt10, requireSim } from '../context.js';

const DEFAULT_MAX_ROUNDS = 100;

export const stabilize: CommandHandler = (ctx, cmd) => {
  const sim = requireSim(ctx);
  const max = cmd.kv.max === undefined ? DEFAULT_MAX_ROUNDS : parseInt10(cmd.kv.max, 'max');
  for (let round = 0; round < max; round++) {
    // A violation stops the simulator; delivering more would hide where it happened.
    if (sim.inFlight() === 0 || sim.violation !== undefined) return [];
    sim.deliverInFlight();
  }
  if (sim.inFlight() === 0) return [];
  return [`not stable after ${max} rounds: ${sim.inFlight()} messages in flight`];
};
