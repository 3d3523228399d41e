// Checks of chain/pow. Safety: every block any node accepts is valid when re-verified from
// scratch by an independent tree (no invalid block accepted); every honest node's tip has
// the most cumulative work it knows of (fork choice); optionally, no honest node reverts a
// block buried `finalityDepth` deep (what a merchant waiting for confirmations assumes — a
// 51 % attacker breaks it). Liveness: honest nodes share a common prefix once faults heal.

import type { ClusterView, Invariant, Liveness } from '../../../core/algorithm.js';
import { validBlocksOnly } from '../shared/chain-checks.js';
import {
  addBlock,
  ancestorAt,
  type Block,
  type BlockTree,
  checkBlock,
  newTree,
  tipOf,
} from './block-tree.js';
import { isHonest, type PowOptions, retargetParams } from './options.js';
import type { PowOutput, PowState } from './state.js';

type View = ClusterView<PowState, PowOutput>;

/** Blocks below the shortest honest tip that every honest node must agree on. */
export const COMMON_PREFIX_DEPTH = 6;

export function powInvariants(opts: PowOptions, genesis: Block): Invariant<PowState, PowOutput>[] {
  const params = retargetParams(opts);
  const reference: BlockTree = newTree(genesis);
  let reorgsSeen = 0;
  let outputsAtTipCheck = -1;
  const checkedStates = new WeakSet<PowState>();
  return [
    validBlocksOnly((o: PowOutput) => {
      if (o.type !== 'accepted') return undefined;
      const checked = checkBlock(reference, params, o.block);
      if (checked.kind === 'valid') addBlock(reference, checked.entry);
      else if (checked.kind === 'invalid') return `accepted an invalid block: ${checked.reason}`;
      else if (checked.kind === 'orphan') return 'accepted a block whose parent nobody accepted';
      return undefined;
    }),
    {
      name: 'most-work-tip',
      check(view: View) {
        // Tips move only when a block is accepted (an output) or a node restarts and
        // rebuilds its tree from storage (a fresh state object) — check on either.
        const fresh = view.nodes.some((n) => n.state !== undefined && !checkedStates.has(n.state));
        if (view.outputs.length === outputsAtTipCheck && !fresh) return undefined;
        outputsAtTipCheck = view.outputs.length;
        for (const node of view.nodes) {
          if (node.state !== undefined) checkedStates.add(node.state);
          const s = node.state;
          if (s === undefined || !isHonest(opts, node.id)) continue;
          const tip = tipOf(s.tree);
          for (const entry of s.tree.blocks.values()) {
            if (entry.chainWork <= tip.chainWork) continue;
            const follows = `node ${node.id} follows ${tip.hash.slice(0, 12)}`;
            return `${follows} but knows more work at ${entry.hash.slice(0, 12)}`;
          }
        }
        return undefined;
      },
    },
    {
      name: 'confirmed-blocks-final',
      check(view: View) {
        if (opts.finalityDepth === 0) return undefined;
        for (; reorgsSeen < view.outputs.length; reorgsSeen++) {
          const rec = view.outputs[reorgsSeen];
          if (rec === undefined || rec.output.type !== 'reorg' || !isHonest(opts, rec.node))
            continue;
          if (rec.output.depth < opts.finalityDepth) continue;
          const depth = rec.output.depth;
          return `node ${rec.node} reverted ${depth} blocks (finality depth ${opts.finalityDepth})`;
        }
        return undefined;
      },
    },
  ];
}

export function commonPrefix(opts: PowOptions): Liveness<PowState, PowOutput> {
  return {
    name: 'honest-common-prefix',
    check(view: View) {
      const honest = view.nodes.filter((n) => n.state !== undefined && isHonest(opts, n.id));
      const tips = honest.map((n) => tipOf((n.state as PowState).tree));
      const low = Math.min(...tips.map((t) => t.height));
      if (honest.length === 0) return 'no honest node is up';
      if (low <= COMMON_PREFIX_DEPTH) return `the chain did not grow (shortest honest tip ${low})`;
      const at = low - COMMON_PREFIX_DEPTH;
      const hashes = honest.map(
        (n, i) => ancestorAt((n.state as PowState).tree, tips[i] as never, at).hash,
      );
      const first = hashes[0];
      const other = hashes.findIndex((h) => h !== first);
      if (other < 0) return undefined;
      return `nodes ${honest[0]?.id} and ${honest[other]?.id} differ at height ${at}`;
    },
  };
}
