// chain/dpos's run metrics: the honest best chain's height, blocks produced and slots
// missed, forks, the irreversible height, the active delegates and who was voted out.

import type { ClusterView, Metrics, RunContext } from '../../../core/algorithm.js';
import { ancestry, tipOf } from './chain.js';
import { type DposOptions, electorateOf, honest } from './options.js';
import { activeDelegates } from './schedule.js';
import type { DposOutput, DposState } from './state.js';

type View = ClusterView<DposState, DposOutput>;

export function dposMetrics(view: View, ctx: RunContext<DposOptions>): Metrics {
  const states = view.nodes
    .filter((n) => n.state !== undefined && honest(ctx.options, n.id))
    .map((n) => n.state as DposState);
  const best = states.reduce<DposState | undefined>(
    (a, b) =>
      a === undefined || tipOf(b.chain).block.height > tipOf(a.chain).block.height ? b : a,
    undefined,
  );
  const tip = best === undefined ? undefined : tipOf(best.chain);
  const produced = view.outputs.filter((o) => o.output.type === 'produced').length;
  // Slots 1 .. rounds·D − 1 carry blocks (slot 0 is genesis'); after them the chain rests.
  const electorate = electorateOf(ctx.nodes, ctx.options);
  const slots = Math.min(
    Math.floor(view.nowMs / ctx.options.slotMs),
    ctx.options.rounds * electorate.delegates - 1,
  );
  const line = best === undefined || tip === undefined ? [] : ancestry(best.chain, tip);
  const banned = new Set(line.flatMap((e) => e.block.evidence.map((x) => x.producer)));
  return {
    blocks: tip?.block.height ?? 0,
    produced,
    missedSlots: Math.max(0, slots - produced),
    forks: view.outputs.filter((o) => o.output.type === 'reorg').length,
    irreversible: best?.lib.height ?? 0,
    delegates: activeDelegates(electorateOf(ctx.nodes, ctx.options), banned).join(','),
    votedOut: [...banned].sort((a, b) => a - b).join(','),
  };
}
