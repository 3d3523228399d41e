// The checks of replication/chain. Safety, after every step: the Update Propagation
// Invariant of van Renesse & Schneider §3 — for neighbours i → j installed in the same
// epoch, j's log (Hist_j) is a prefix of i's: checked on its length and its last entry —
// and `acknowledged entries agree` (shared/checks.ts). Liveness once faults heal: the
// servers converge on the tail's log, and no write the tail acknowledged is lost.

import type { Invariant, Liveness } from '../../../core/algorithm.js';
import { ackedAgree, replicationLiveness } from '../shared/checks.js';
import { sameEntry } from '../shared/log.js';
import type { ReplicationOutput } from '../shared/messages.js';
import { MASTER } from '../shared/state.js';
import { type ChainState, neighbours } from './state.js';

const updatePropagation: Invariant<ChainState, ReplicationOutput> = {
  name: 'update propagation (Hist_j ⪯ Hist_i)',
  check(view) {
    for (const node of view.nodes) {
      const j = node.state;
      if (j === undefined || node.id === MASTER || j.installed !== j.view.epoch) continue;
      const { pred } = neighbours(j, node.id);
      const i = pred === undefined ? undefined : view.nodes[pred - 1]?.state;
      if (i === undefined || i.installed !== j.installed) continue;
      const n = j.log.length;
      if (n > i.log.length || (n > 0 && !sameEntry(i.log[n - 1], j.log[n - 1])))
        return `node ${node.id}'s log (${n} entries) is not a prefix of node ${pred}'s (${i.log.length})`;
    }
    return undefined;
  },
};

export function chainInvariants(): Invariant<ChainState, ReplicationOutput>[] {
  return [updatePropagation, ackedAgree()];
}

export function chainLiveness(): Liveness<ChainState, ReplicationOutput>[] {
  return replicationLiveness('last');
}
