// chain/pow's messages: the block sync every chain shares (../shared/block-relay.ts) over
// Bitcoin-style blocks (an 80-byte header in hex and the transactions). `parsePowMessage`
// checks shape only — the header parses, the transactions are text; whether a block obeys
// Bitcoin's rules (work, bits, time, coinbase, Merkle root) is block-tree.ts's checkBlock.

import { isArrayOf, isRecord, isString } from '../../../core/validate.js';
import { type BlockSyncMessage, blockSyncParser } from '../shared/block-relay.js';
import type { Block } from './block-tree.js';
import { parseHeaderHex } from './header.js';

export type PowMessage = BlockSyncMessage<Block>;

/** A PoW block's shape: a header that parses and a list of transactions. */
export function isPowBlock(b: unknown): b is Block {
  return (
    isRecord(b) && isString(b.header) && parseHeaderHex(b.header).ok && isArrayOf(b.txs, isString)
  );
}

/** The message itself if it is well formed, else undefined. */
export const parsePowMessage = blockSyncParser(isPowBlock);
