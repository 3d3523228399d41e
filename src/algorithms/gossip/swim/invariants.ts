// The checks of gossip/swim. Safety: what a member reports is what it holds — its
// `suspect`/`trust` outputs, replayed since its last start (detect/heartbeat's Replay),
// equal the members it holds failed — and it never holds itself a member. Declaring a live
// member failed is deliberately not a violation: under loss and delay no detector can avoid
// it (SWIM's false positives are a metric). Liveness, once faults heal: strong completeness
// — every crashed member is held failed by every live member — and eventual accuracy: no
// live member holds a live member failed or suspect (refutation and rejoin repair them).

import type { Invariant, Liveness } from '../../../core/algorithm.js';
import { type DetectView, Replay } from '../../detect/heartbeat/replay.js';
import type { SwimOutput, SwimState } from './state.js';

type View = Parameters<Invariant<SwimState, SwimOutput>['check']>[0];

const failedOf = (s: SwimState) =>
  Object.keys(s.members)
    .filter((id) => s.members[id]?.status === 'faulty')
    .map(Number);

function reportsMatchState(): Invariant<SwimState, SwimOutput> {
  let replay: Replay | undefined;
  return {
    name: 'outputs report every member declared failed or alive again',
    check(view: View) {
      replay ??= new Replay(view.nodes.length);
      // The replay reads only outputs and lifecycle events, which SWIM shares with heartbeat.
      replay.advance(view as unknown as DetectView);
      for (const node of view.nodes) {
        const s = node.state;
        if (!node.up || s === undefined) continue;
        const reported = [...(replay.suspects[node.id] ?? [])].sort((a, b) => a - b);
        const failed = failedOf(s);
        if (reported.join() !== failed.join())
          return `member ${node.id} holds [${failed}] failed but reported [${reported}]`;
        if (String(node.id) in s.members) return `member ${node.id} lists itself`;
      }
      return undefined;
    },
  };
}

export function swimInvariants(): Invariant<SwimState, SwimOutput>[] {
  return [reportsMatchState()];
}

const live = (view: View) => view.nodes.filter((n) => n.up && !n.paused && n.state);

export function swimLiveness(): Liveness<SwimState, SwimOutput>[] {
  return [
    {
      name: 'strong completeness: every crashed member is held failed by every live member',
      check(view) {
        for (const down of view.nodes.filter((n) => !n.up))
          for (const m of live(view))
            if (m.state?.members[down.id]?.status !== 'faulty')
              return `member ${m.id} holds crashed member ${down.id} ${m.state?.members[down.id]?.status}`;
        return undefined;
      },
    },
    {
      name: 'eventual accuracy: no live member holds a live member failed or suspect',
      check(view) {
        for (const m of live(view))
          for (const [id, member] of Object.entries(m.state?.members ?? {}))
            if (view.nodes[Number(id) - 1]?.up && member.status !== 'alive')
              return `member ${m.id} holds live member ${id} ${member.status}`;
        return undefined;
      },
    },
  ];
}
