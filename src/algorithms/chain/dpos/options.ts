// Options of chain/dpos, the electorate they describe, and the per-run config the handlers
// read (the electorate, slot timing, the malicious delegates, the run's signature scheme).
//
// Stakes: node i holds (n − i + 1) × 10; each stakeholder approves itself and the
// `delegates` − 1 richest others, so the richest nodes are elected and node D+1 is next.

import type { OptionSpecs, OptionsOf } from '../../../core/algorithm.js';
import type { NodeId } from '../../../core/process.js';
import type { SignatureScheme } from '../../byzantine/signed-messages/signature-scheme.js';
import type { SlotTiming } from '../shared/slot-chain-node.js';
import type { Electorate } from './schedule.js';

export const dposOptionSpecs = {
  delegates: {
    kind: 'int',
    default: 5,
    min: 1,
    max: 101,
    description: 'elected block producers (D)',
  },
  slotMs: { kind: 'int', default: 50, min: 1, max: 600_000, description: 'time slot per block' },
  malicious: { kind: 'ints', default: [], description: 'delegates that sign two blocks per slot' },
  rounds: {
    kind: 'int',
    default: 12,
    min: 1,
    max: 100_000,
    description: 'rounds of D slots to produce (then the chain rests, so counts are exact)',
  },
} as const satisfies OptionSpecs;

export type DposOptions = OptionsOf<typeof dposOptionSpecs>;

export function electorateOf(nodes: readonly NodeId[], opts: DposOptions): Electorate {
  const n = nodes.length;
  const stakes = new Map(nodes.map((id) => [id, (n - id + 1) * 10]));
  const richest = [...nodes].sort((a, b) => (stakes.get(b) ?? 0) - (stakes.get(a) ?? 0) || a - b);
  const approvals = new Map(
    nodes.map((id) => [
      id,
      [id, ...richest.filter((c) => c !== id).slice(0, Math.max(0, opts.delegates - 1))],
    ]),
  );
  return { stakes, approvals, delegates: Math.min(opts.delegates, n) };
}

/** Honest nodes: every node that is not a configured malicious delegate. */
export function honest(opts: DposOptions, id: NodeId): boolean {
  return !opts.malicious.includes(id);
}

/** Fixed for a run: who votes for whom, the slots, who double-produces, the scheme. */
export interface DposConfig extends SlotTiming {
  readonly electorate: Electorate;
  readonly malicious: readonly number[];
  readonly scheme: SignatureScheme;
}

export function dposConfig(
  nodes: readonly NodeId[],
  opts: DposOptions,
  scheme: SignatureScheme,
): DposConfig {
  const electorate = electorateOf(nodes, opts);
  return {
    electorate,
    malicious: opts.malicious,
    scheme,
    slotMs: opts.slotMs,
    // Slots 0 .. rounds·D − 1; after them the chain rests, so counts are exact.
    lastSlot: opts.rounds * electorate.delegates - 1,
  };
}
