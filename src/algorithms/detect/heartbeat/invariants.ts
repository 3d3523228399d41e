// The checks of detect/heartbeat. Safety: what a node reports is what it holds — its
// `suspect`/`trust`/`majority` outputs, replayed since its last start, equal its detector's
// suspected set and majority view (the metrics are computed from those outputs), and the
// majority view follows from the suspicions. Strong accuracy (never suspect a live node) is
// deliberately NOT an invariant: no detector can promise it under loss and delay; false
// suspicions are measured instead (metrics.ts).
// Liveness, once the faults heal (Chandra & Toueg's ◇P): strong completeness — every crashed
// node is suspected by every live node; eventual strong accuracy — no live node suspects a
// live node; and every live node's majority view is the truth.

import type { Invariant, Liveness } from '../../../core/algorithm.js';
import { isMajority } from '../../../core/quorum.js';
import { partitionView } from '../../../reliability/detect/index.js';
import { type DetectView, Replay } from './replay.js';
import type { DetectOutput, HeartbeatState } from './state.js';

type Check = Invariant<HeartbeatState, DetectOutput>;

function reportsMatchState(): Check {
  let replay: Replay | undefined;
  return {
    name: 'outputs report every change of suspicion and majority',
    check(view: DetectView) {
      replay ??= new Replay(view.nodes.length);
      replay.advance(view);
      for (const node of view.nodes) {
        const s = node.state;
        if (!node.up || s === undefined) continue;
        const reported = [...(replay.suspects[node.id] ?? [])].sort((a, b) => a - b);
        if (reported.join() !== s.monitor.suspected.join())
          return `node ${node.id} suspects [${s.monitor.suspected}] but reported [${reported}]`;
        if (replay.majority[node.id] !== s.majority)
          return `node ${node.id} holds majority=${s.majority} but reported the opposite`;
        const view_ = partitionView(
          view.nodes.map((n) => n.id),
          node.id,
          s.monitor.suspected,
        );
        if (view_.majority !== s.majority)
          return `node ${node.id} reports majority=${s.majority} suspecting [${s.monitor.suspected}]`;
      }
      return undefined;
    },
  };
}

export function heartbeatInvariants(): Check[] {
  return [reportsMatchState()];
}

const live = (view: DetectView) => view.nodes.filter((n) => n.up && !n.paused && n.state);

export function heartbeatLiveness(): Liveness<HeartbeatState, DetectOutput>[] {
  return [
    {
      name: 'strong completeness: every crashed node is suspected by every live node',
      check(view) {
        for (const down of view.nodes.filter((n) => !n.up))
          for (const m of live(view))
            if (!m.state?.monitor.suspected.includes(down.id))
              return `node ${m.id} does not suspect crashed node ${down.id}`;
        return undefined;
      },
    },
    {
      name: 'eventual strong accuracy: no live node suspects a live node',
      check(view) {
        for (const m of live(view))
          for (const p of m.state?.monitor.suspected ?? [])
            if (view.nodes[p - 1]?.up) return `node ${m.id} still suspects live node ${p}`;
        return undefined;
      },
    },
    {
      name: 'every live node knows whether the live nodes are a majority',
      check(view) {
        const up = view.nodes.filter((n) => n.up).length;
        const truth = isMajority(up, view.nodes.length);
        for (const m of live(view))
          if (m.state?.majority !== truth)
            return `node ${m.id} reports majority=${m.state?.majority} with ${up} of ${view.nodes.length} up`;
        return undefined;
      },
    },
  ];
}
