// A PoS node: it keeps the chain (chain.ts) and, at every slot boundary, checks whether its
// kernel hash is below its stake × coin-age target on its tip; if so it mints, signs and
// floods a block. The node skeleton — storage, block sync, slot timer — is
// shared/slot-chain-node.ts.
//
// Fault model: crash-recovery (the chain is durable under `block/<height>/<hash>`), any
// network fault. Safety here is validity and fork choice; finality is probabilistic.

import type { Env, NodeId, Process } from '../../../core/process.js';
import type { SignatureScheme } from '../../byzantine/signed-messages/signature-scheme.js';
import { type Arrival, blockKey } from '../shared/block-relay.js';
import { slotChainNode } from '../shared/slot-chain-node.js';
import {
  addEntry,
  type Block,
  type Chain,
  checkBlock,
  coinAgeAt,
  eligible,
  newChain,
  type PosParams,
  payloadOf,
  tipOf,
} from './chain.js';
import { isPosBlock, type PosMessage } from './messages.js';

export type PosOutput =
  | { readonly type: 'accepted'; readonly hash: string; readonly block: Block }
  | { readonly type: 'minted'; readonly hash: string; readonly coinAge: number }
  | { readonly type: 'reorg'; readonly depth: number };

export interface PosState {
  readonly chain: Chain;
  orphans: Arrival<Block>[];
}

type E = Env<PosMessage, PosOutput>;

interface Minter {
  readonly id: NodeId;
  readonly s: PosState;
  readonly params: PosParams;
  readonly scheme: SignatureScheme;
}

/** Mints on the tip if this node's kernel passes its stake × coin-age target in `slot`. */
function mint(m: Minter, env: E, slot: number, receive: (a: Arrival<Block>) => void): void {
  const { s, id } = m;
  const tip = tipOf(s.chain);
  if (slot <= tip.block.slot) return;
  const coinAge = coinAgeAt(s.chain, m.params, tip, id, slot);
  if (!eligible(m.params, tip.hash, id, slot, coinAge)) return;
  const body = { height: tip.block.height + 1, prev: tip.hash, slot, minter: id };
  const block: Block = { ...body, sig: m.scheme.sign(id, payloadOf(body)) };
  receive({ block, from: id, flood: false });
  env.output({ type: 'minted', hash: tipOf(s.chain).hash, coinAge });
  env.broadcast({ type: 'Block', block });
}

export function createMinter(
  id: NodeId,
  params: PosParams,
  scheme: SignatureScheme,
  timing: { slotMs: number; lastSlot: number },
): Process<PosMessage, PosOutput, PosState> {
  const state: PosState = { chain: newChain(), orphans: [] };
  const minter: Minter = { id, s: state, params, scheme };
  return slotChainNode(state, {
    slotMs: timing.slotMs,
    lastSlot: timing.lastSlot,
    isBlock: isPosBlock,
    check: (block, nowSlot) => checkBlock(state.chain, params, scheme, block, nowSlot),
    restore: (entry) => addEntry(state.chain, entry),
    accept(env: E, entry) {
      env.storage.set(blockKey(entry.block.height, entry.hash), entry.block);
      env.output({ type: 'accepted', hash: entry.hash, block: entry.block });
      const { reorg } = addEntry(state.chain, entry);
      if (reorg > 0) env.output({ type: 'reorg', depth: reorg });
    },
    onSlot: (env: E, slot, receive) => mint(minter, env, slot, receive),
  });
}
