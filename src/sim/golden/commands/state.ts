// `state`: one line per node — id, up/down (and paused), and its state as JSON.

import { type CommandHandler, requireSim } from '../context.js';

export const state: CommandHandler = (ctx) => {
  const sim = requireSim(ctx);
  return sim.nodes.map((node) => {
    const status = !node.up ? 'down' : node.paused ? 'paused' : 'up';
    return `${node.id} ${status} ${JSON.stringify(node.state) ?? 'null'}`;
  });
};
