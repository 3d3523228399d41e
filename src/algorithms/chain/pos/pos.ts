// A chain/pos node: it keeps the chain (chain.ts) and, at every slot boundary, checks whether
// its kernel hash is below its stake × coin-age target on its tip; if so it mints, signs and
// floods a block. Storage, block sync and the slot timer are shared with chain/dpos
// (../shared/slot-chain-node.ts).
//
// Fault model: crash-recovery (the chain is durable under `block/<height>/<hash>`, one key
// per block — keyed data the block sync replays, not kernel durable fields), any network
// fault. Safety here is validity and fork choice; finality is probabilistic.

import { assert } from '../../../core/assert.js';
import { defineProcess, type Step } from '../../../core/kernel.js';
import {
  receiveSlotBlock,
  type SlotChainRules,
  type SlotTimer,
  slotChainHandlers,
  slotChainTimers,
  startSlotChain,
} from '../shared/slot-chain-node.js';
import {
  addEntry,
  type Block,
  checkBlock,
  coinAgeAt,
  type Entry,
  eligible,
  payloadOf,
  tipOf,
} from './chain.js';
import { isPosBlock, type PosMessage } from './messages.js';
import type { PosConfig } from './options.js';
import { initPosState, type PosOutput, type PosState } from './state.js';

type X = Step<PosMessage, PosOutput, PosState, PosConfig>;

const rules: SlotChainRules<Block, Entry, PosOutput, PosState, PosConfig> = {
  isBlock: isPosBlock,
  check: ({ s, c }, block, nowSlot) => checkBlock(s.chain, c.params, c.scheme, block, nowSlot),
  accept({ s, env }, entry) {
    env.output({ type: 'accepted', hash: entry.hash, block: entry.block });
    const { reorg } = addEntry(s.chain, entry);
    if (reorg > 0) env.output({ type: 'reorg', depth: reorg });
  },
  authorOf: (block) => block.minter,
};

/** Mints on the tip if this node's kernel passes its stake × coin-age target in `slot`. */
function slotMint(x: X, slot: number): boolean {
  const { s, env, c } = x;
  const tip = tipOf(s.chain);
  if (slot <= tip.block.slot) return false;
  const coinAge = coinAgeAt(s.chain, c.params, tip, env.id, slot);
  if (!eligible(c.params, tip.hash, env.id, slot, coinAge)) return false;
  const body = { height: tip.block.height + 1, prev: tip.hash, slot, minter: env.id };
  const block: Block = { ...body, sig: c.scheme.sign(env.id, payloadOf(body)) };
  receiveSlotBlock(x, rules, { block, from: env.id, flood: false });
  env.output({ type: 'minted', hash: tipOf(s.chain).hash, coinAge });
  env.broadcast({ type: 'Block', block });
  return true;
}

export const createPos = defineProcess<PosMessage, PosOutput, PosState, PosConfig, SlotTimer>({
  init: initPosState,
  onStart(x) {
    const { s } = x;
    startSlotChain(x, rules, (entry) => addEntry(s.chain, entry));
    assert(s.orphans.length === 0, 'a fresh incarnation has no orphans');
    assert(tipOf(s.chain).trust >= 0, 'the restored tip has a chain trust');
  },
  onMessage: slotChainHandlers(rules),
  onTimer: slotChainTimers(rules, slotMint),
});
