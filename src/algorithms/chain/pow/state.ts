// A chain/pow node's state and outputs (pow.ts explains the protocol). The block tree is
// rebuilt from the blocks stored under `block/<height>/<hash>`; everything else here is
// volatile (mining progress, orphans, the attacker's private chain, the template memo).

import type { Arrival } from '../shared/block-relay.js';
import { type Block, type BlockTree, newTree } from './block-tree.js';
import type { BlockHeader } from './header.js';
import type { PowConfig } from './options.js';

export type PowOutput =
  | {
      readonly type: 'accepted';
      readonly hash: string;
      readonly height: number;
      readonly block: Block;
    }
  | { readonly type: 'mined'; readonly hash: string; readonly height: number }
  | { readonly type: 'reorg'; readonly depth: number; readonly tip: string };

/** An arrival with the parent it waits for ('' until it is parked). */
export interface Orphan extends Arrival<Block> {
  readonly parent: string;
}

/** What a miner hashes on its tip: computed once per tip (and extraNonce), time aside. */
export interface MiningTemplate {
  readonly tip: string;
  readonly extraNonce: number;
  readonly header: BlockHeader;
  readonly txs: string[];
  readonly minTime: number;
  /** The target as little-endian bytes, for the byte comparison in the hot loop. */
  readonly target: Uint8Array;
}

export interface PowState {
  readonly tree: BlockTree;
  height: number;
  orphans: Orphan[];
  /** Nonces tried by this incarnation. */
  hashes: number;
  /** True while the attacker keeps its chain to itself. */
  withholding: boolean;
  /** The attacker's unreleased blocks, oldest first. */
  withheld: Block[];
  /** Bumped when the nonce space of a template is exhausted (Bitcoin's extraNonce). */
  extraNonce: number;
  nonce: number;
  /** The memo of the current mining template (derived from the tree; null until mining). */
  template: MiningTemplate | null;
}

export function initPowState(c: PowConfig): PowState {
  return {
    tree: newTree(c.genesis),
    height: 0,
    orphans: [],
    hashes: 0,
    withholding: false,
    withheld: [],
    extraNonce: 0,
    nonce: 0,
    template: null,
  };
}
