// The checks of chain/pos: every accepted block passes the rules when
// re-checked from scratch; every tip has the most chain trust its node knows; once faults
// heal, all nodes share the chain up to COMMON_PREFIX_DEPTH blocks below the shortest tip.

import type { Invariant, Liveness, RunContext } from '../../../core/algorithm.js';
import type { SignatureScheme } from '../../byzantine/signed-messages/signature-scheme.js';
import { acceptedBlocksPassRules } from '../shared/chain-checks.js';
import { hashAtHeight } from '../shared/linked-chain.js';
import { addEntry, type Chain, checkBlock, newChain, tipOf } from './chain.js';
import { type PosOptions, posParams } from './options.js';
import type { PosOutput, PosState } from './state.js';

/** Blocks below the shortest tip that every node must agree on. */
export const COMMON_PREFIX_DEPTH = 6;

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
