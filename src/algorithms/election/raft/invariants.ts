// The checks of election/raft: at most one leader per term at any moment, and Raft's
// Election Safety over the whole run (no two nodes ever win the same term); once settled,
// every node follows one leader.

import type { Invariant, Liveness } from '../../../core/algorithm.js';
import type { NodeId } from '../../../core/process.js';
import { allAgree, type ElectionOutput, oneLeaderPerTerm } from '../workload.js';
import type { RaftElectionState } from './state.js';

/** Raft's Election Safety over the whole run: no two nodes ever win the same term. */
function oneWinnerPerTerm(): Invariant<RaftElectionState, ElectionOutput> {
  const winners = new Map<number, NodeId>();
  let cursor = 0;
  return {
    name: 'one winner per term',
    check(view) {
      for (; cursor < view.outputs.length; cursor++) {
        const r = view.outputs[cursor];
        if (r === undefined || r.output.type !== 'elected') continue;
        const prev = winners.get(r.output.term);
        if (prev !== undefined && prev !== r.node)
          return `nodes ${prev} and ${r.node} both won term ${r.output.term}`;
        winners.set(r.output.term, r.node);
      }
      return undefined;
    },
  };
}

export function raftElectionInvariants(): Invariant<RaftElectionState, ElectionOutput>[] {
  return [oneLeaderPerTerm(), oneWinnerPerTerm()];
}

export function raftElectionLiveness(): Liveness<RaftElectionState, ElectionOutput>[] {
  return [allAgree()];
}
