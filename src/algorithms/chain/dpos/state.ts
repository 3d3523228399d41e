// A chain/dpos node's state and outputs (dpos.ts explains the protocol). The chain is
// rebuilt from the blocks stored under `block/<height>/<hash>` (and the irreversible block
// recomputed from it); evidence, the blocks seen per slot and orphans are volatile.

import type { Arrival } from '../shared/block-relay.js';
import type { SlotChainState } from '../shared/slot-chain-node.js';
import { type Block, type Chain, type Entry, type Evidence, newChain } from './chain.js';

export type DposOutput =
  | { readonly type: 'accepted'; readonly hash: string; readonly block: Block }
  | { readonly type: 'produced'; readonly hash: string; readonly slot: number }
  | { readonly type: 'lib'; readonly height: number; readonly hash: string }
  | { readonly type: 'reorg'; readonly depth: number; readonly abandoned: readonly string[] };

export interface DposState extends SlotChainState<Block, Entry> {
  readonly chain: Chain;
  /** Evidence seen but not yet on this node's chain. */
  pendingEvidence: Evidence[];
  /** (producer, slot) → the first signed block seen, to catch a second one. */
  readonly seenSlots: Map<string, Block>;
  orphans: Arrival<Block>[];
  /** The last irreversible block this node knows. */
  lib: { height: number; hash: string };
}

export function initDposState(): DposState {
  const chain = newChain();
  return {
    chain,
    pendingEvidence: [],
    seenSlots: new Map(),
    orphans: [],
    lib: { height: 0, hash: chain.genesis },
  };
}
