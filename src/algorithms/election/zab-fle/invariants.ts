// The checks of election/zab-fle: one leader per epoch and no leading observer (safety,
// after every step); once settled, every node follows one leader and no live voter is more
// up to date than it (liveness).

import type { Invariant, Liveness } from '../../../core/algorithm.js';
import { allAgree, type ElectionOutput, oneLeaderPerTerm } from '../workload.js';
import { isVoter, type QuorumSpec } from './quorum.js';
import type { FleState } from './state.js';

function observersNeverLead(q: QuorumSpec): Invariant<FleState, ElectionOutput> {
  return {
    name: 'observers never lead or vote',
    check(view) {
      for (const n of view.nodes) {
        if (!n.up || isVoter(q, n.id) || n.state === undefined) continue;
        if (n.state.server === 'LEADING') return `observer ${n.id} is LEADING`;
        if (n.state.vote.leader === n.id && n.state.server !== 'LOOKING')
          return `observer ${n.id} decided for itself`;
      }
      return undefined;
    },
  };
}

/**
 * Once settled, no live voter is more up to date than the leader: none has a larger
 * (epoch, zxid). (Ties go to the larger id when elected together, but an established leader
 * is kept when a larger id joins later — ZooKeeper does not re-elect for that.)
 */
function leaderMostUpToDate(q: QuorumSpec): Liveness<FleState, ElectionOutput> {
  return {
    name: 'no live voter is more up to date than the leader',
    check(view) {
      const leader = view.nodes.find((n) => n.up && n.state?.role === 'leader')?.state;
      if (leader === undefined) return 'no leader';
      const newer = view.nodes.find((n) => {
        const s = n.state;
        if (!n.up || s === undefined || !isVoter(q, n.id)) return false;
        return (
          s.currentEpoch > leader.currentEpoch ||
          (s.currentEpoch === leader.currentEpoch && s.zxid > leader.zxid)
        );
      });
      return newer === undefined
        ? undefined
        : `node ${newer.id} is more up to date than the leader`;
    },
  };
}

export function zabFleInvariants(q: QuorumSpec): Invariant<FleState, ElectionOutput>[] {
  return [oneLeaderPerTerm(), observersNeverLead(q)];
}

export function zabFleLiveness(q: QuorumSpec): Liveness<FleState, ElectionOutput>[] {
  return [allAgree(), leaderMostUpToDate(q)];
}
