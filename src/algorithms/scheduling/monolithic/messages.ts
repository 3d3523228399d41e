// Messages of scheduling/monolithic: only the machine messages (shared/messages.ts) — the
// one scheduler talks to machines and to nobody else.

import { parseByType } from '../../../core/validate.js';
import { type MachineMessage, machineMessageChecks } from '../shared/messages.js';

export type MonolithicMessage = MachineMessage;

export function parseMonolithicMessage(
  raw: unknown,
  ctx: { readonly nodes: readonly number[] },
): MonolithicMessage | undefined {
  return parseByType(machineMessageChecks, raw, ctx.nodes.length);
}
