// Majority quorums over a configuration's voters (§5.2, §5.3; dissertation §4 uses the
// configuration in the log). Pure functions in the spirit of etcd's quorum/ package.

import type { NodeId } from '../../../core/process.js';

/** The smallest majority of `count` voters. */
export function majority(count: number): number {
  return Math.floor(count / 2) + 1;
}

/**
 * The highest index replicated on a majority of `voters`: sort their match indices
 * descending and take the majority-th one (Figure 2, "Rules for Servers", leaders).
 */
export function quorumIndex(voters: readonly NodeId[], matchOf: (id: NodeId) => number): number {
  if (voters.length === 0) return 0;
  const matches = voters.map(matchOf).sort((a, b) => b - a);
  return matches[majority(voters.length) - 1] ?? 0;
}

export type VoteResult = 'won' | 'lost' | 'pending';

/** Whether `votes` (voter → granted) already decide an election among `voters`. */
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
