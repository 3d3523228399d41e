// How a chain/pow node takes in blocks: every valid block is stored under
// `block/<height>/<hash>` before it is flooded on (one storage key per block: the kernel's
// durable fields are for small state, a block tree is keyed data), output, and added to the
// tree under Bitcoin's most-work fork choice; orphans wait for their parent
// (../shared/block-relay.ts). A restarted node rebuilds its tree from the stored blocks.

import { assert } from '../../../core/assert.js';
import type { Step } from '../../../core/kernel.js';
import { blockKey, ORPHANS_MAX, receiveBlocks, replayStoredBlocks } from '../shared/block-relay.js';
import { addBlock, type Block, type BlockEntry, checkBlock, tipOf } from './block-tree.js';
import type { PowMessage } from './messages.js';
import type { PowConfig } from './options.js';
import type { Orphan, PowOutput, PowState } from './state.js';

export type X = Step<PowMessage, PowOutput, PowState, PowConfig>;

/** Stores a valid block, reports it and applies the fork choice (tip, height, reorg). */
export function accept(x: X, block: Block, entry: BlockEntry): void {
  const { s, env } = x;
  env.storage.set(blockKey(entry.height, entry.hash), block);
  env.output({ type: 'accepted', hash: entry.hash, height: entry.height, block });
  const { tipMoved, reorg } = addBlock(s.tree, entry);
  if (!tipMoved) return;
  s.height = entry.height;
  s.extraNonce = 0;
  if (reorg > 0) env.output({ type: 'reorg', depth: reorg, tip: entry.hash });
}

/** Takes in a block from a peer and every orphan it unblocks. */
export function receive(x: X, first: Orphan): void {
  const { s, env, c } = x;
  receiveBlocks(
    {
      env,
      check: (block) => checkBlock(s.tree, c.params, block),
      accept: (entry, arrival) => accept(x, arrival.block, entry),
      // Unlike pos/dpos, a block already waiting for the same parent is not parked twice.
      park(item, parent) {
        if (!s.orphans.some((o) => o.parent === parent && o.block.header === item.block.header))
          s.orphans = [...s.orphans, { ...item, parent }].slice(-ORPHANS_MAX);
      },
      unpark(hash) {
        const waiting = s.orphans.filter((o) => o.parent === hash);
        s.orphans = s.orphans.filter((o) => o.parent !== hash);
        return waiting;
      },
    },
    first,
  );
  assert(s.orphans.length <= ORPHANS_MAX, 'the orphan pool stays bounded');
  assert(s.height === tipOf(s.tree).height, 'the height follows the most-work tip');
}

/** Rebuilds the tree from the stored blocks (a restarted node; no outputs). */
export function restore(x: X): void {
  const { s, env, c } = x;
  replayStoredBlocks<Block>(env.storage, (block) => {
    const checked = checkBlock(s.tree, c.params, block);
    if (checked.kind === 'valid') addBlock(s.tree, checked.entry);
  });
  s.height = tipOf(s.tree).height;
}
