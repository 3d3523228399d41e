// chain/pos's run metrics: the best chain's length, blocks minted and how many went stale
// (forks, orphan rate), each node's share of the chain and the mean coin age consumed.

import type { ClusterView, Metrics, RunContext } from '../../../core/algorithm.js';
import { ancestry, type Chain, tipOf } from './chain.js';
import type { PosOptions } from './options.js';
import type { PosOutput, PosState } from './state.js';

type View = ClusterView<PosState, PosOutput>;

export function posMetrics(view: View, ctx: RunContext<PosOptions>): Metrics {
  const chains = view.nodes
    .filter((n) => n.state !== undefined)
    .map((n) => (n.state as PosState).chain);
  const best = chains.reduce<Chain | undefined>(
    (a, b) => (a === undefined || tipOf(b).trust > tipOf(a).trust ? b : a),
    undefined,
  );
  const line =
    best === undefined ? [] : ancestry(best, tipOf(best)).filter((e) => e.block.height > 0);
  const minted = view.outputs.filter((o) => o.output.type === 'minted').length;
  const share = ctx.nodes.map((id) => line.filter((e) => e.block.minter === id).length).join(',');
  return {
    blocks: line.length,
    minted,
    forks: minted - line.length,
    orphanRate: minted === 0 ? 0 : Number(((minted - line.length) / minted).toFixed(4)),
    blocksByNode: share,
    meanCoinAge:
      line.length === 0 ? 0 : Math.round(line.reduce((a, e) => a + e.coinAge, 0) / line.length),
  };
}
