// Quorum arithmetic, written once for every algorithm that counts votes, promises or
// acknowledgements (in the spirit of etcd's raft/quorum package: MajorityConfig's
// CommittedIndex and VoteResult). Pure functions over counts and voter lists. Which nodes
// vote — a Raft configuration, weighted ZooKeeper voters, Maekawa's grid — stays with the
// algorithm that defines it; it counts with these.
//
// Fault model: none of its own. Callers pass their own configuration and votes they have
// already validated; two majorities of the same voters always intersect, which is what
// every crash-fault algorithm here relies on.

import type { NodeId } from './process.js';

/** The smallest majority of `count` voters: ⌊count/2⌋ + 1 (1 of 0 or 1, 2 of 3, 3 of 4). */
export function majority(count: number): number {
  return Math.floor(count / 2) + 1;
}

/**
 * Whether `votes` is more than half of `total`. For whole counts this is
 * `votes >= majority(total)`; it also holds for voting weights (ZooKeeper's weighted
 * quorums), where `total` is the sum of every voter's weight.
 */
export function isMajority(votes: number, total: number): boolean {
  return 2 * votes > total;
}

/**
 * The highest index replicated on a majority of `voters`: sort their match indices
 * descending and take the majority-th one (Raft Figure 2, "Rules for Servers", leaders;
 * etcd's MajorityConfig.CommittedIndex). 0 with no voters.
 */
export function quorumIndex(voters: readonly NodeId[], matchOf: (id: NodeId) => number): number {
  if (voters.length === 0) return 0;
  const matches = voters.map(matchOf).sort((a, b) => b - a);
  return matches[majority(voters.length) - 1] ?? 0;
}

export type VoteResult = 'won' | 'lost' | 'pending';

/**
 * Whether `votes` (voter → granted) already decide an election among `voters`: won with a
 * majority granted, lost once so many refused that no majority is left (etcd's
 * MajorityConfig.VoteResult). Votes from outside `voters` do not count.
 */
export function voteResult(
  voters: readonly NodeId[],
  votes: ReadonlyMap<NodeId, boolean>,
): VoteResult {
  const need = majority(voters.length);
  let granted = 0;
  let rejected = 0;
  for (const v of voters) {
    const vote = votes.get(v);
    if (vote === true) granted++;
    else if (vote === false) rejected++;
  }
  if (granted >= need) return 'won';
  if (rejected > voters.length - need) return 'lost';
  return 'pending';
}

/**
 * The most Byzantine replicas `n` tolerate: f = ⌊(n−1)/3⌋, since n ≥ 3f + 1 (Castro and
 * Liskov, PBFT §2; Lamport, Shostak and Pease). Quorums are then 2f + 1 and f + 1.
 */
export function byzantineFaults(n: number): number {
  return Math.floor((n - 1) / 3);
}

/** The smallest number above two thirds of `count`: ⌊2·count/3⌋ + 1 (DPoS irreversibility). */
export function twoThirdsMajority(count: number): number {
  return Math.floor((2 * count) / 3) + 1;
}
