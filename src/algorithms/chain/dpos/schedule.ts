// DPoS delegate election and production schedule (BitShares/EOS style, notes 003/004):
// every stakeholder approves some candidates; a candidate's weight is the stake approving
// it; the top `delegates` by weight (ties: lower id) produce blocks in turn, one per time
// slot. Each round of `delegates` slots is shuffled by a seed taken from the chain, so every
// node on the same chain computes the same schedule. Delegates proven to double-produce
// (evidence on the chain) lose the approvals of every honest stakeholder: voted out.

import { createHash } from 'node:crypto';
import type { NodeId } from '../../../core/process.js';

export interface Electorate {
  /** stakeholder → stake. */
  readonly stakes: ReadonlyMap<NodeId, number>;
  /** stakeholder → candidates it approves. */
  readonly approvals: ReadonlyMap<NodeId, readonly NodeId[]>;
  readonly delegates: number;
}

/** Stake-weighted approval tally; candidates with evidence against them get nothing. */
export function tally(e: Electorate, banned: ReadonlySet<NodeId>): Map<NodeId, number> {
  const weight = new Map<NodeId, number>();
  for (const [voter, candidates] of e.approvals) {
    const stake = e.stakes.get(voter) ?? 0;
    for (const c of candidates) if (!banned.has(c)) weight.set(c, (weight.get(c) ?? 0) + stake);
  }
  return weight;
}

export function activeDelegates(e: Electorate, banned: ReadonlySet<NodeId>): NodeId[] {
  return [...tally(e, banned)]
    .filter(([, w]) => w > 0)
    .sort((a, b) => b[1] - a[1] || a[0] - b[0])
    .slice(0, e.delegates)
    .map(([id]) => id)
    .sort((a, b) => a - b);
}

/** A deterministic shuffle of the round's delegates, seeded from the chain (Fisher–Yates). */
export function roundOrder(delegates: readonly NodeId[], seed: string): NodeId[] {
  const order = [...delegates];
  for (let i = order.length - 1; i > 0; i--) {
    const h = createHash('sha256').update(`${seed}/${i}`).digest();
    const j = h.readUInt32BE(0) % (i + 1);
    const tmp = order[i] as NodeId;
    order[i] = order[j] as NodeId;
    order[j] = tmp;
  }
  return order;
}
