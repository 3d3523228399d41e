// A chain/pos node's state and outputs (pos.ts explains the protocol). The chain is rebuilt
// from the blocks stored under `block/<height>/<hash>`; the orphan pool is volatile.

import type { Arrival } from '../shared/block-relay.js';
import type { SlotChainState } from '../shared/slot-chain-node.js';
import { type Block, type Chain, type Entry, newChain } from './chain.js';

export type PosOutput =
  | { readonly type: 'accepted'; readonly hash: string; readonly block: Block }
  | { readonly type: 'minted'; readonly hash: string; readonly coinAge: number }
  | { readonly type: 'reorg'; readonly depth: number };

export interface PosState extends SlotChainState<Block, Entry> {
  readonly chain: Chain;
  orphans: Arrival<Block>[];
}

export function initPosState(): PosState {
  return { chain: newChain(), orphans: [] };
}
