// `deliver [from=A] [to=B] [drop=Type]`: delivers (or, with drop=, loses) the matching
// messages in flight right now, ignoring latency, so a script controls interleavings.

import type { Message, NodeId } from '../../../core/process.js';
import { type CommandHandler, parseInt10, requireSim } from '../context.js';
import type { Command } from '../parse.js';

type Filter = (from: NodeId, to: NodeId, msg: Message) => boolean;

function filterOf(cmd: Command): Filter {
  const { from, to, drop } = cmd.kv;
  const fromId = from === undefined ? undefined : parseInt10(from, 'from');
  const toId = to === undefined ? undefined : parseInt10(to, 'to');
  return (f, t, msg) =>
    (fromId === undefined || f === fromId) &&
    (toId === undefined || t === toId) &&
    (drop === undefined || msg.type === drop);
}

export const deliver: CommandHandler = (ctx, cmd) => {
  const sim = requireSim(ctx);
  const filter = filterOf(cmd);
  if (cmd.kv.drop !== undefined) sim.dropInFlight(filter);
  else sim.deliverInFlight(filter);
  return [];
};
