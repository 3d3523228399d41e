// What every leader-election algorithm shares: the view of a node the checks read, the
// outputs it reports, and the family's checks and metrics [000, 001 §2.2, 002, 004].
// A node reports `elected` when it starts leading (term = its election's number), `leader`
// when it adopts a leader, and `suspect` when it notices the leader is gone. Outputs alone
// do not show crashes, so the metrics also replay the view's lifecycle events.

import type {
  ClusterView,
  Invariant,
  LifecycleRecord,
  Liveness,
  Metrics,
  OutputRecord,
} from '../../core/algorithm.js';
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

interface Following {
  readonly leader: NodeId;
  readonly term: number;
}

/**
 * Replays a run's outputs and the nodes' crashes and restarts in their exact order, tracking
 * what each node believes. Nobody believes anything while crashed, and a restarted node
 * believes nothing until it reports again: its volatile state is gone, so it does not lead.
 * A paused node keeps its beliefs (it still thinks it leads); the others' suspicions tell
 * when its silence became a failure.
 *
 * An election opens at the start, at the agreed leader's crash, or at the first suspicion or
 * victory once all agreed; every adoption while it is open counts, since a node may drop its
 * leader without a word (a Bully node that joins an election) and only its next adoption
 * shows it. A restart once the others agree closes it: the restarted node re-adopting the
 * leader, and whatever its return stirs up, is no election — that leader never failed.
 */
class ElectionReplay {
  readonly up: Map<NodeId, boolean>;
  /** The leader each node follows (itself while leading) and its term, or null. */
  readonly follows = new Map<NodeId, Following | null>();
  /** Node → the term it believes it leads. */
  readonly leading = new Map<NodeId, number>();
  open = true;
  sinceMs = 0;
  settledMs = 0;
  elected = 0;
  maxLeadersAtOnce = 0;
  maxConcurrentLeaders = 0;

  constructor(nodes: readonly NodeId[]) {
    this.up = new Map(nodes.map((id) => [id, true]));
  }

  lifecycle(r: LifecycleRecord): void {
    if (r.event === 'restart') {
      if (this.agreed()) this.open = false; // BEFORE it counts as live: it follows no one yet.
      this.up.set(r.node, true);
      this.follows.set(r.node, null);
    } else if (r.event === 'crash') {
      // The agreed leader's crash is its failure: the next election's clock starts here.
      if (this.leading.has(r.node)) this.startElection(r.atMs);
      this.up.set(r.node, false);
      this.follows.delete(r.node);
      this.leading.delete(r.node);
    }
  }

  output(o: OutputRecord<ElectionOutput>): void {
    const out = o.output;
    if (out.type === 'suspect') {
      this.startElection(o.atMs);
      this.follows.set(o.node, null);
      this.leading.delete(o.node); // A leader that steps down reports a suspicion.
      return;
    }
    if (out.type === 'elected') {
      this.startElection(o.atMs);
      this.elected++;
      this.leading.set(o.node, out.term);
      this.follows.set(o.node, { leader: o.node, term: out.term });
      const same = [...this.leading.values()].filter((t) => t === out.term).length;
      this.maxLeadersAtOnce = Math.max(this.maxLeadersAtOnce, same);
      this.maxConcurrentLeaders = Math.max(this.maxConcurrentLeaders, this.leading.size);
    } else {
      this.follows.set(o.node, { leader: out.leader, term: out.term });
      if (out.leader !== o.node) this.leading.delete(o.node);
    }
    if (this.open) this.settledMs = o.atMs;
  }

  /** Starts the clock of a new election, unless this one is still under way. */
  private startElection(atMs: number): void {
    if (this.open && !this.agreed()) return;
    this.open = true;
    this.sinceMs = atMs;
    this.settledMs = atMs;
  }

  /** Every live node follows one live leader, in the term that leader still leads. */
  private agreed(): boolean {
    const live = [...this.up].filter(([, up]) => up).map(([id]) => id);
    const first = this.follows.get(live[0] ?? 0) ?? null;
    if (first === null || this.leading.get(first.leader) !== first.term) return false;
    return live.every((id) => {
      const it = this.follows.get(id);
      return it?.leader === first.leader && it.term === first.term;
    });
  }
}

/**
 * leader, leaderChanges, electionTimeMs (of the last election: from the start, or from the
 * leader's failure — its crash, else the first suspicion — to the last adoption before every
 * live node follows one leader), maxLeadersAtOnce (same term) and maxConcurrentLeaders (any
 * terms: split brain).
 */
export function electionMetrics(view: View): Metrics {
  const replay = new ElectionReplay(view.nodes.map((n) => n.id));
  let next = 0;
  const lifecycleUntil = (outputs: number) => {
    let r = view.lifecycle[next];
    while (r !== undefined && r.outputsBefore <= outputs) {
      replay.lifecycle(r);
      r = view.lifecycle[++next];
    }
  };
  view.outputs.forEach((o, i) => {
    lifecycleUntil(i);
    replay.output(o);
  });
  lifecycleUntil(view.outputs.length);
  const leader = agreedLeader(view);
  const electionMs = replay.settledMs - replay.sinceMs;
  return {
    leader,
    leaderChanges: Math.max(0, replay.elected - 1),
    electionTimeMs: leader === null ? null : Math.round(electionMs * 1000) / 1000,
    maxLeadersAtOnce: replay.maxLeadersAtOnce,
    maxConcurrentLeaders: replay.maxConcurrentLeaders,
    messages: view.stats.sent,
  };
}
