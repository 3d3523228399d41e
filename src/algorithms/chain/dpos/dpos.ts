// A chain/dpos node: every node is a stakeholder and keeps the chain; at each slot boundary
// the scheduled delegate signs a block on its tip and floods it. Blocks whose parent is
// unknown wait while the node fetches the parent (GetBlock). Two signed blocks from one
// producer for one slot become evidence, which the next block this node produces carries —
// from the next round on, the culprit is out of the schedule. Storage, block sync and the
// slot timer are shared with chain/pos (../shared/slot-chain-node.ts).
//
// Fault model: crash-recovery (the chain is durable under `block/<height>/<hash>`, one key
// per block — keyed data the block sync replays, not kernel durable fields), any network
// fault. Byzantine: `--malicious` delegates sign two different blocks per slot.

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
  bannedAt,
  checkBlock,
  type Entry,
  lastIrreversible,
  payloadOf,
  producerFor,
  tipOf,
} from './chain.js';
import { type DposMessage, isDposBlock } from './messages.js';
import type { DposConfig } from './options.js';
import { type DposOutput, type DposState, initDposState } from './state.js';

type X = Step<DposMessage, DposOutput, DposState, DposConfig>;

/** Keeps the first block per (producer, slot); a second, differently signed one is evidence. */
function acceptNoteDoubleProduction({ s }: X, b: Block): void {
  const key = `${b.producer}@${b.slot}`;
  const first = s.seenSlots.get(key);
  if (first === undefined) {
    s.seenSlots.set(key, b);
    return;
  }
  if (first.sig === b.sig || s.pendingEvidence.some((x) => x.producer === b.producer)) return;
  s.pendingEvidence.push({
    producer: b.producer,
    slot: b.slot,
    payloads: [payloadOf(first), payloadOf(b)],
    sigs: [first.sig, b.sig],
  });
}

/** Recomputes the last irreversible block; true when it advanced. */
function advanceLib({ s, c }: X): boolean {
  const lib = lastIrreversible(s.chain, c.electorate);
  if (lib.block.height <= s.lib.height) return false;
  s.lib = { height: lib.block.height, hash: lib.hash };
  return true;
}

const rules: SlotChainRules<Block, Entry, DposOutput, DposState, DposConfig> = {
  isBlock: isDposBlock,
  check: ({ s, c }, block, nowSlot) => checkBlock(s.chain, c.electorate, c.scheme, block, nowSlot),
  accept(x, entry) {
    const { s, env } = x;
    env.output({ type: 'accepted', hash: entry.hash, block: entry.block });
    acceptNoteDoubleProduction(x, entry.block);
    const { moved, abandoned } = addEntry(s.chain, entry, s.lib.hash);
    if (!moved) return;
    if (abandoned.length > 0)
      env.output({
        type: 'reorg',
        depth: abandoned.length,
        abandoned: abandoned.map((a) => a.hash),
      });
    if (advanceLib(x)) env.output({ type: 'lib', height: s.lib.height, hash: s.lib.hash });
  },
  authorOf: (block) => block.producer,
};

function slotSign(x: X, body: Omit<Block, 'sig'>): Block {
  return { ...body, sig: x.c.scheme.sign(x.env.id, payloadOf(body)) };
}

/** At a slot boundary: produce if this node is the scheduled delegate on its tip. */
function slotProduce(x: X, slot: number): boolean {
  const { s, env, c } = x;
  const id = env.id;
  const tip = tipOf(s.chain);
  if (slot <= tip.block.slot || producerFor(s.chain, c.electorate, tip, slot) !== id) return false;
  // Evidence already on this chain is not news; a delegate never accuses itself.
  const banned = bannedAt(s.chain, tip);
  const evidence = s.pendingEvidence.filter((e) => e.producer !== id && !banned.has(e.producer));
  const body = {
    height: tip.block.height + 1,
    prev: tip.hash,
    slot,
    producer: id,
    nonce: 0,
    evidence,
  };
  const block = slotSign(x, body);
  if (!c.malicious.includes(id)) {
    receiveSlotBlock(x, rules, { block, from: id, flood: false });
    env.broadcast({ type: 'Block', block });
    env.output({ type: 'produced', hash: tipOf(s.chain).hash, slot });
    return true;
  }
  // A malicious delegate signs a second block for the same slot and shows each half one.
  const twin = slotSign(x, { ...body, nonce: 1 });
  receiveSlotBlock(x, rules, { block, from: id, flood: false });
  env.output({ type: 'produced', hash: tipOf(s.chain).hash, slot });
  for (const to of env.peers) env.send(to, { type: 'Block', block: to % 2 === 0 ? block : twin });
  return true;
}

export const createDpos = defineProcess<DposMessage, DposOutput, DposState, DposConfig, SlotTimer>({
  init: initDposState,
  onStart(x) {
    const { s } = x;
    startSlotChain(x, rules, (entry) => addEntry(s.chain, entry));
    // Recomputed from the restored chain, without an output: it was reported before.
    const lib = lastIrreversible(s.chain, x.c.electorate);
    s.lib = { height: lib.block.height, hash: lib.hash };
    assert(s.chain.blocks.has(s.lib.hash), 'the irreversible block is on the chain');
    assert(
      s.lib.height <= tipOf(s.chain).block.height,
      'the irreversible block is at or below the tip',
    );
  },
  onMessage: slotChainHandlers(rules),
  onTimer: slotChainTimers(rules, slotProduce),
});
