// Checks shared by replication/primary-backup and replication/chain.
// - Safety, `acknowledged entries agree`: no two writes acknowledged to clients at the same
//   log index differ (two primaries, or two chains, committing apart — split brain).
// - Liveness, once faults heal: `replicas converge` (every live replica is a member of the
//   master's view, has installed it, and holds the same log as the authority — the
//   primary, or the chain's tail) and `no acknowledged write lost` (every acknowledged write
//   is in the authority's log at the index it was acknowledged at).
//
// Fault model: reads states and outputs only.

import type { Invariant, Liveness } from '../../../core/algorithm.js';
import type { NodeId } from '../../../core/process.js';
import { type Entry, sameEntry } from './log.js';
import type { ReplicationOutput } from './messages.js';
import { MASTER, type ReplicationState } from './state.js';

type View = Parameters<Liveness<ReplicationState, ReplicationOutput>['check']>[0];

/** Which member's log is the committed truth: the primary's (first) or the tail's (last). */
export type Authority = 'first' | 'last';

export function ackedAgree(): Invariant<ReplicationState, ReplicationOutput> {
  const byIndex = new Map<number, Entry>();
  let seen = 0;
  return {
    name: 'acknowledged entries agree',
    check(view) {
      for (; seen < view.outputs.length; seen++) {
        const o = view.outputs[seen]!.output;
        if (o.type !== 'acked') continue;
        const before = byIndex.get(o.index);
        if (before === undefined) byIndex.set(o.index, o.entry);
        else if (!sameEntry(before, o.entry))
          return `index ${o.index} acknowledged as ${before.v} and as ${o.entry.v}`;
      }
      return undefined;
    },
  };
}

/** The authority's state, or why there is none to judge by. */
function authorityOf(view: View, which: Authority): [NodeId, ReplicationState] | string {
  const master = view.nodes[MASTER - 1]?.state;
  if (master === undefined) return 'the master is down';
  const members = master.view.members;
  const id = which === 'first' ? members[0]! : members[members.length - 1]!;
  const s = view.nodes[id - 1]?.state;
  if (s === undefined) return `the ${which === 'first' ? 'primary' : 'tail'}, node ${id}, is down`;
  if (s.installed !== master.view.epoch)
    return `node ${id} has not installed epoch ${master.view.epoch}`;
  return [id, s];
}

export function replicationLiveness(
  which: Authority,
): Liveness<ReplicationState, ReplicationOutput>[] {
  return [
    {
      name: 'replicas converge',
      check(view) {
        const a = authorityOf(view, which);
        if (typeof a === 'string') return a;
        const [id, auth] = a;
        const epoch = view.nodes[MASTER - 1]!.state!.view.epoch;
        for (const node of view.nodes.slice(1)) {
          const s = node.state;
          if (s === undefined || node.id === id) continue;
          if (s.installed !== epoch) return `node ${node.id} has not installed epoch ${epoch}`;
          const last = auth.log.length;
          if (
            s.log.length !== last ||
            (last > 0 && !sameEntry(s.log[last - 1], auth.log[last - 1]))
          )
            return `node ${node.id} holds ${s.log.length} entries, node ${id} ${last}`;
        }
        return undefined;
      },
    },
    {
      name: 'no acknowledged write lost',
      check(view) {
        const a = authorityOf(view, which);
        if (typeof a === 'string') return a;
        const [id, auth] = a;
        for (const r of view.outputs) {
          const o = r.output;
          if (o.type === 'acked' && !sameEntry(auth.log[o.index - 1], o.entry))
            return `write ${o.entry.v} to ${o.entry.k}, acknowledged at ${r.atMs} ms as entry ${o.index}, is not in node ${id}'s log`;
        }
        return undefined;
      },
    },
  ];
}

/** Metrics both algorithms report. */
export function replicationMetrics(view: View): Record<string, number> {
  const count = (t: ReplicationOutput['type']) =>
    view.outputs.filter((o) => o.output.type === t).length;
  let abandoned = 0;
  for (const n of view.nodes) abandoned += n.state?.stats.abandoned ?? 0;
  // The longest a write waited for its acknowledgement (invoke to complete).
  const invoked = new Map<string, number>();
  let longestWriteMs = 0;
  for (const r of view.outputs) {
    const o = r.output;
    if (o.type === 'invoke' && o.op.type === 'put') invoked.set(`${o.client}.${o.seq}`, r.atMs);
    if (o.type === 'complete') {
      const at = invoked.get(`${o.client}.${o.seq}`);
      if (at !== undefined) longestWriteMs = Math.max(longestWriteMs, r.atMs - at);
    }
  }
  return {
    operations: count('invoke'),
    acknowledgedWrites: count('acked'),
    abandoned,
    views: count('view'),
    longestWriteMs,
  };
}
