// Options of chain/dpos and the electorate they describe.
//
// Stakes: node i holds (n − i + 1) × 10; each stakeholder approves itself and the
// `delegates` − 1 richest others, so the richest nodes are elected and node D+1 is next.

import type { OptionSpecs } from '../../../core/algorithm.js';
import type { NodeId } from '../../../core/process.js';
import type { DposOptions } from './producer.js';
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
