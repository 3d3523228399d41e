// chain/pos's messages: the block sync every chain shares (../shared/block-relay.ts) over
// PoS blocks. `parsePosMessage` checks shape only; whether a block obeys the rules (kernel,
// signature, parent, slot) is chain.ts's checkBlock, after delivery.

import { isNodeId } from '../../../core/validate.js';
import { type BlockSyncMessage, blockSyncParser } from '../shared/block-relay.js';
import { isLinkedBlock } from '../shared/linked-chain.js';
import type { Block } from './chain.js';

export type PosMessage = BlockSyncMessage<Block>;

/** A PoS block's shape (its minter within 1..n when `n` is given). */
export function isPosBlock(b: unknown, n?: number): b is Block {
  return isLinkedBlock(b) && isNodeId((b as Block).minter, n);
}

/** The message itself if it is well formed, else undefined. */
export const parsePosMessage = blockSyncParser(isPosBlock);
