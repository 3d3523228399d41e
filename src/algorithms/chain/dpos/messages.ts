// chain/dpos's messages: the block sync every chain shares (../shared/block-relay.ts) over
// DPoS blocks, which carry evidence of double production. `parseDposMessage` checks shape
// only; whether a block obeys the rules (schedule, signatures, evidence) is chain.ts's
// checkBlock, after delivery.

import { isArrayOf, isCount, isNodeId, isRecord, isString } from '../../../core/validate.js';
import { type BlockSyncMessage, blockSyncParser } from '../shared/block-relay.js';
import { isLinkedBlock } from '../shared/linked-chain.js';
import type { Block, Evidence } from './chain.js';

export type DposMessage = BlockSyncMessage<Block>;

/** Two payloads and two signatures, as Evidence holds them. */
const isTextPair = (x: unknown): x is [string, string] => isArrayOf(x, isString) && x.length === 2;

function isEvidence(e: unknown, n?: number): e is Evidence {
  return (
    isRecord(e) &&
    isNodeId(e.producer, n) &&
    isCount(e.slot) &&
    isTextPair(e.payloads) &&
    isTextPair(e.sigs)
  );
}

/** A DPoS block's shape (its node ids within 1..n when `n` is given). */
export function isDposBlock(b: unknown, n?: number): b is Block {
  if (!isLinkedBlock(b)) return false;
  const x = b as unknown as Record<string, unknown>;
  return (
    isNodeId(x.producer, n) &&
    isCount(x.nonce) &&
    isArrayOf(x.evidence, (e): e is Evidence => isEvidence(e, n))
  );
}

/** The message itself if it is well formed, else undefined. */
export const parseDposMessage = blockSyncParser(isDposBlock);
