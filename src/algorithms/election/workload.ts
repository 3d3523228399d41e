// What every leader-election algorithm shares: the view of a node the checks read, the
// outputs it reports, and the family's checks and metrics [000, 001 §2.2, 002, 004].
// A node reports `elected` when it starts leading (term = its election's number), `leader`
// when it adopts a leader, and `suspect` when it notices the leader is gone — so election
// time is measured from the first suspicion (or the start) to the last adoption.

import type { ClusterView, Invariant, Liveness, Metrics } from '../../core/algorithm.js';
import type { NodeId } from '../../core/process.js';

export interface ElectionNodeState {
  /** `leader` while this node leads; algorithm-specific names otherwise. */
  readonly role: string;
  /** The leader this node follows (itself while leading), or null. */
  readonly leader: NodeId | null;
  /** The term, epoch or election number its leader was elected in. */
  readonly term: number;
}

export type ElectionOutput =
  | { readonly type: 'elected'; readonly term: number }
  | { readonly type: 'leader'; readonly leader: NodeId; readonly term: number }
  | { readonly type: 'suspect' };

type View = ClusterView<ElectionNodeState, ElectionOutput>;

/** The leader every live node follows, if they all follow one live leader; else null. */
export function agreedLeader(view: View): NodeId | null {
  const live = view.nodes.filter((n) => n.up && n.state !== undefined);
  const leader = live[0]?.state?.leader ?? null;
  if (leader === null || live.some((n) => n.state?.leader !== leader)) return null;
  const it = live.find((n) => n.id === leader);
  return it?.state?.role === 'leader' ? leader : null;
}

/** Quorum algorithms: never two live leaders of the same term. */
export function oneLeaderPerTerm(): Invariant<ElectionNodeState, ElectionOutput> {
  return {
    name: 'at most one leader per term',
    check(view) {
      const seen = new Map<number, NodeId>();
      for (const n of view.nodes) {
        if (!n.up || n.state?.role !== 'leader') continue;
        const other = seen.get(n.state.term);
        if (other !== undefined) return `nodes ${other} and ${n.id} both lead term ${n.state.term}`;
        seen.set(n.state.term, n.id);
      }
      return undefined;
    },
  };
}

export function allAgree(): Liveness<ElectionNodeState, ElectionOutput> {
  return {
    name: 'every live node follows one live leader',
    check(view) {
      if (agreedLeader(view) !== null) return undefined;
      const views = view.nodes.filter((n) => n.up).map((n) => `${n.id}→${n.state?.leader}`);
      return `no agreement: ${views.join(', ')}`;
    },
  };
}

/** Bully and max-id: the agreed leader is the live node ranked highest by `rank`. */
export function highestLiveLeads(
  rank: (id: NodeId) => number,
): Liveness<ElectionNodeState, ElectionOutput> {
  return {
    name: 'the highest-ranked live node leads',
    check(view) {
      const live = view.nodes.filter((n) => n.up).map((n) => n.id);
      const best = live.reduce((a, b) => (rank(b) > rank(a) ? b : a), live[0] ?? 0);
      const leader = agreedLeader(view);
      return leader === best ? undefined : `leader is ${leader}, but ${best} ranks highest`;
    },
  };
}

/**
 * leader, leaderChanges, electionTimeMs, maxLeadersAtOnce (same term) and
 * maxConcurrentLeaders (any terms: split brain). A leader stops counting when it reports
 * another leader or a suspicion (a node that steps down reports `suspect`).
 */
export function electionMetrics(view: View): Metrics {
  const leading = new Map<NodeId, number>(); // node → term it leads
  let maxLeadersAtOnce = 0;
  let maxConcurrentLeaders = 0;
  let elected = 0;
  let since = 0;
  let settled = 0;
  for (const o of view.outputs) {
    const out = o.output;
    if (out.type === 'suspect' && settled >= since) since = o.atMs;
    if (out.type === 'elected') {
      elected++;
      leading.set(o.node, out.term);
      const same = [...leading.values()].filter((t) => t === out.term).length;
      maxLeadersAtOnce = Math.max(maxLeadersAtOnce, same);
      maxConcurrentLeaders = Math.max(maxConcurrentLeaders, leading.size);
    }
    if (out.type === 'leader' || out.type === 'suspect') {
      if (out.type === 'suspect' || out.leader !== o.node) leading.delete(o.node);
      settled = o.atMs;
    }
  }
  const leader = agreedLeader(view);
  return {
    leader,
    leaderChanges: Math.max(0, elected - 1),
    electionTimeMs: leader === null ? null : Math.round((settled - since) * 1000) / 1000,
    maxLeadersAtOnce,
    maxConcurrentLeaders,
    messages: view.stats.sent,
  };
}
