// Planning a live Redis Cluster rebalance: from the slot ownership a cluster reports (any
// layout, however fragmented by earlier reshards) and the masters wanted afterwards, the
// fewest slot moves that leave each master ⌊16384/M⌋ or ⌈16384/M⌉ slots. Moves go only from
// over-full masters (or masters being removed, which are drained) to under-full ones. The
// arithmetic is partition/slot-migration.ts's planRebalance; this module adapts a per-slot
// owner list to it and orders the moves slot by slot for the executor.
//
// Fault model: owners and masters are untrusted (read from servers, given on a command line):
// a wrong-length owner list or a bad master list is a RebalanceError.

import { PartitionError } from '../partition/nodes.js';
import { planRebalance, type RebalancePlan } from '../partition/slot-migration.js';
import { SLOT_COUNT, type SlotTable } from '../partition/slots.js';
import { RebalanceError } from './topology.js';

/** One slot to move, in execution order. */
export interface SlotStep {
  readonly slot: number;
  readonly source: string;
  readonly target: string;
}

/** A per-slot owner list as a slot table (masters in order of first ownership). */
export function tableOf(owners: readonly string[]): SlotTable {
  if (owners.length !== SLOT_COUNT)
    throw new RebalanceError(`${owners.length} slot owners given, ${SLOT_COUNT} expected`);
  const index = new Map<string, number>();
  const owner = new Uint16Array(SLOT_COUNT);
  owners.forEach((name, slot) => {
    if (typeof name !== 'string' || name === '')
      throw new RebalanceError(`slot ${slot} has no owner`);
    let i = index.get(name);
    if (i === undefined) {
      i = index.size;
      index.set(name, i);
    }
    owner[slot] = i;
  });
  return { masters: [...index.keys()], owner };
}

/**
 * The fewest moves from `owners` (slot → master) to a balanced table over `masters`; masters
 * that own slots but are not in `masters` are drained.
 */
export function planSlotMoves(
  owners: readonly string[],
  masters: readonly string[],
): RebalancePlan {
  try {
    return planRebalance(tableOf(owners), masters);
  } catch (error) {
    if (error instanceof PartitionError) throw new RebalanceError(error.message);
    throw error;
  }
}

/** Every moved slot, move by move and in increasing slot order within a move. */
export function slotSteps(plan: RebalancePlan): SlotStep[] {
  const steps: SlotStep[] = [];
  for (const { source, target, slots } of plan.moves)
    for (const { start, end } of slots)
      for (let slot = start; slot <= end; slot++) steps.push({ slot, source, target });
  return steps;
}

/** Slots per master of a table, in the table's master order. */
export function slotCounts(table: SlotTable): Map<string, number> {
  const counts = new Map(table.masters.map((m) => [m, 0]));
  for (const i of table.owner) {
    const name = table.masters[i] as string;
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return counts;
}
