// The checks and metrics of chain/pos: every accepted block passes the rules when
// re-checked from scratch; every tip has the most chain trust its node knows; once faults
// heal, all nodes share the chain up to COMMON_PREFIX_DEPTH blocks below the shortest tip.

import type {
  ClusterView,
  Invariant,
  Liveness,
  Metrics,
  RunContext,
} from '../../../core/algorithm.js';
import type { SignatureScheme } from '../../byzantine/signed-messages/signature-scheme.js';
import { acceptedBlocksPassRules } from '../shared/chain-checks.js';
import { hashAtHeight } from '../shared/linked-chain.js';
import { addEntry, ancestry, type Chain, checkBlock, newChain, tipOf } from './chain.js';
import type { PosOutput, PosState } from './minter.js';
import { COMMON_PREFIX_DEPTH, type PosOptions, posParams } from './params.js';

type View = ClusterView<PosState, PosOutput>;

export function posInvariants(
  ctx: RunContext<PosOptions>,
  scheme: SignatureScheme,
): Invariant<PosState, PosOutput>[] {
  const params = posParams(ctx.nodes, ctx.options);
  const reference: Chain = newChain();
  return [
    acceptedBlocksPassRules({
      check: (block) => checkBlock(reference, params, scheme, block, Number.MAX_SAFE_INTEGER),
      add: (entry) => addEntry(reference, entry),
    }),
    {
      name: 'most-trust-tip',
      check(view) {
        for (const node of view.nodes) {
          if (node.state === undefined) continue;
          const tip = tipOf(node.state.chain);
          for (const e of node.state.chain.blocks.values())
            if (e.trust > tip.trust)
              return `node ${node.id} follows less chain trust than it knows`;
        }
        return undefined;
      },
    },
  ];
}

export function posLiveness(): Liveness<PosState, PosOutput>[] {
  return [
    {
      name: 'common-prefix',
      check(view) {
        const up = view.nodes
          .filter((n) => n.state !== undefined)
          .map((n) => (n.state as PosState).chain);
        const low = Math.min(...up.map((c) => tipOf(c).block.height));
        if (low <= COMMON_PREFIX_DEPTH) return `the chain did not grow (shortest tip ${low})`;
        const at = low - COMMON_PREFIX_DEPTH;
        const hashes = new Set(up.map((c) => hashAtHeight(c, at)));
        return hashes.size === 1 ? undefined : `nodes differ at height ${at}`;
      },
    },
  ];
}

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
