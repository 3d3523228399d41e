// Options of chain/pos and the consensus parameters they give.

import type { OptionSpecs } from '../../../core/algorithm.js';
import type { NodeId } from '../../../core/process.js';
import type { PosParams } from './chain.js';

export const posOptionSpecs = {
  stakes: {
    kind: 'ints',
    default: [],
    description: "each node's stake, in node order (default 10·id)",
  },
  slotMs: { kind: 'int', default: 50, min: 1, max: 600_000, description: 'time slot' },
  slots: { kind: 'int', default: 50, min: 1, max: 1_000_000, description: 'slots to mint in' },
} as const satisfies OptionSpecs;

export interface PosOptions {
  readonly stakes: readonly number[];
  readonly slotMs: number;
  readonly slots: number;
}

/** Blocks below the shortest tip that every node must agree on. */
export const COMMON_PREFIX_DEPTH = 6;

export function posParams(nodes: readonly NodeId[], opts: PosOptions): PosParams {
  const stakes = new Map(nodes.map((id) => [id, Math.max(0, opts.stakes[id - 1] ?? 10 * id)]));
  const total = [...stakes.values()].reduce((a, b) => a + b, 0) || 1;
  // About one block every few slots once coin ages are a few slots old.
  return { stakes, maxAgeSlots: 200, targetPerCoinSlot: Math.floor(2 ** 32 / (total * 8)) };
}
