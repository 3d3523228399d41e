// Messages of scheduling/shared-state: only the machine messages (shared/messages.ts). A
// Launch is an Omega transaction against one machine's part of the cell state; `Usage` is
// the cell state flowing back to every scheduler's copy.

import { parseByType } from '../../../core/validate.js';
import { type MachineMessage, machineMessageChecks } from '../shared/messages.js';

export type SharedStateMessage = MachineMessage;

export function parseSharedStateMessage(
  raw: unknown,
  ctx: { readonly nodes: readonly number[] },
): SharedStateMessage | undefined {
  return parseByType(machineMessageChecks, raw, ctx.nodes.length);
}
