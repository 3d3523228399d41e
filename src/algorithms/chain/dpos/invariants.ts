// The checks of chain/dpos. Safety: every accepted block passes the rules when
// re-checked from scratch, and honest nodes never hold different irreversible blocks at one
// height. Liveness: honest nodes share the irreversible prefix, and it advanced.

import type { ClusterView, Invariant, Liveness, RunContext } from '../../../core/algorithm.js';
import type { NodeId } from '../../../core/process.js';
import type { SignatureScheme } from '../../byzantine/signed-messages/signature-scheme.js';
import { acceptedBlocksPassRules } from '../shared/chain-checks.js';
import { hashAtHeight } from '../shared/linked-chain.js';
import { addEntry, type Chain, checkBlock, newChain } from './chain.js';
import { type DposOptions, electorateOf, honest } from './options.js';
import type { DposOutput, DposState } from './state.js';

type View = ClusterView<DposState, DposOutput>;

export function dposInvariants(
  ctx: RunContext<DposOptions>,
  scheme: SignatureScheme,
): Invariant<DposState, DposOutput>[] {
  const electorate = electorateOf(ctx.nodes, ctx.options);
  const reference: Chain = newChain();
  return [
    acceptedBlocksPassRules({
      check: (block) => checkBlock(reference, electorate, scheme, block, Number.MAX_SAFE_INTEGER),
      add: (entry) => addEntry(reference, entry),
    }),
    irreversibleAgreement(ctx.options),
  ];
}

/**
 * Safety of DPoS finality: honest nodes never hold different irreversible blocks at one
 * height (each node's own never-revert rule is in chain.ts). The first violation sticks.
 */
function irreversibleAgreement(opts: DposOptions): Invariant<DposState, DposOutput> {
  const libAt = new Map<number, { node: NodeId; hash: string }>();
  let problem: string | undefined;
  let seen = 0;
  return {
    name: 'irreversible-agreement',
    check(view: View) {
      for (; seen < view.outputs.length && problem === undefined; seen++) {
        const rec = view.outputs[seen];
        if (rec === undefined) break;
        const o = rec.output;
        if (o.type !== 'lib' || !honest(opts, rec.node)) continue;
        const known = libAt.get(o.height);
        if (known === undefined) libAt.set(o.height, { node: rec.node, hash: o.hash });
        else if (known.hash !== o.hash)
          problem =
            `nodes ${known.node} and ${rec.node} hold different ` +
            `irreversible blocks at height ${o.height}`;
      }
      return problem;
    },
  };
}

export function dposLiveness(ctx: RunContext<DposOptions>): Liveness<DposState, DposOutput>[] {
  return [
    {
      name: 'common-irreversible-prefix',
      check(view) {
        const up = view.nodes.filter((n) => n.state !== undefined && honest(ctx.options, n.id));
        const lows = up.map((n) => (n.state as DposState).lib.height);
        const low = Math.min(...lows);
        if (low < 3) return `the irreversible block did not advance (height ${low})`;
        const hashes = new Set(up.map((n) => hashAtHeight((n.state as DposState).chain, low)));
        return hashes.size === 1 ? undefined : `honest nodes differ at height ${low}`;
      },
    },
  ];
}
