// Options of chain/pos, the consensus parameters they give, and the per-run config the
// handlers read (parameters, slot timing, the run's signature scheme).

import type { OptionSpecs, OptionsOf } from '../../../core/algorithm.js';
import type { NodeId } from '../../../core/process.js';
import type { SignatureScheme } from '../../byzantine/signed-messages/signature-scheme.js';
import type { SlotTiming } from '../shared/slot-chain-node.js';
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

export type PosOptions = OptionsOf<typeof posOptionSpecs>;

export function posParams(nodes: readonly NodeId[], opts: PosOptions): PosParams {
  const stakes = new Map(nodes.map((id) => [id, Math.max(0, opts.stakes[id - 1] ?? 10 * id)]));
  const total = [...stakes.values()].reduce((a, b) => a + b, 0) || 1;
  // About one block every few slots once coin ages are a few slots old.
  return { stakes, maxAgeSlots: 200, targetPerCoinSlot: Math.floor(2 ** 32 / (total * 8)) };
}

/** Fixed for a run: the consensus parameters, the slots and the scheme blocks are signed with. */
export interface PosConfig extends SlotTiming {
  readonly params: PosParams;
  readonly scheme: SignatureScheme;
}

export function posConfig(
  nodes: readonly NodeId[],
  opts: PosOptions,
  scheme: SignatureScheme,
): PosConfig {
  return { params: posParams(nodes, opts), scheme, slotMs: opts.slotMs, lastSlot: opts.slots };
}
