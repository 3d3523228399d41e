// What the slot-based chains (chain/pos, chain/dpos) share on the process kernel: a node
// rebuilds its chain from storage on start, syncs blocks with its peers (block-relay.ts),
// and wakes at every slot boundary — slot k is [k·slotMs, (k+1)·slotMs) on the node's own
// clock — until the run's last slot. Each algorithm's process (pos.ts, dpos.ts) supplies its
// block rules, what accepting a block does and how it makes a block in its slot; these
// helpers are the handlers and everything else that would otherwise be written twice.
//
// Fault model: crash-recovery (accepted blocks are durable under `block/<height>/<hash>`;
// everything else is volatile), any network fault; clock drift shifts only that node's slots.

import { assert } from '../../../core/assert.js';
import type { MessageHandlers, Step, TimerHandlers } from '../../../core/kernel.js';
import type { Env, NodeId, Output } from '../../../core/process.js';
import {
  type Arrival,
  type BlockSyncMessage,
  blockKey,
  blockSyncHandlers,
  type Checked,
  ORPHANS_MAX,
  receiveBlocks,
  recentOrphans,
  replayStoredBlocks,
} from './block-relay.js';
import {
  type LinkedBlock,
  type LinkedChain,
  type LinkedEntry,
  servableBlock,
  tipOf,
} from './linked-chain.js';

export interface SlotChainState<B extends LinkedBlock, E extends LinkedEntry<B>> {
  readonly chain: LinkedChain<E>;
  orphans: Arrival<B>[];
}

/** The slot timing every slot chain's config holds. */
export interface SlotTiming {
  readonly slotMs: number;
  /** After this slot the chain rests, so a run's counts are exact. */
  readonly lastSlot: number;
}

/** The one timer of a slot chain: the next slot boundary. */
export type SlotTimer = 'slot';

type SlotStep<B, O extends Output, S, C> = Step<BlockSyncMessage<B>, O, S, C>;

export interface SlotChainRules<
  B extends LinkedBlock,
  E extends LinkedEntry<B>,
  O extends Output,
  S extends SlotChainState<B, E>,
  C extends SlotTiming,
> {
  /** The shape check of peer input that `check` assumes. */
  isBlock(block: unknown): block is B;
  /** The chain's rules; `nowSlot` bounds blocks from the future (no bound on replay). */
  check(x: SlotStep<B, O, S, C>, block: B, nowSlot: number): Checked<E>;
  /** Takes in a valid block, already stored: outputs, moves the tip. */
  accept(x: SlotStep<B, O, S, C>, entry: E): void;
  /** The node that signed the block (its minter, its producer). */
  authorOf(block: B): NodeId;
}

export function slotAt(env: Env<never, Output>, slotMs: number): number {
  return Math.floor(env.now() / slotMs);
}

/** Takes in a block (a peer's, or one this node made: `flood` false) and what it unblocks. */
export function receiveSlotBlock<
  B extends LinkedBlock,
  E extends LinkedEntry<B>,
  O extends Output,
  S extends SlotChainState<B, E>,
  C extends SlotTiming,
>(x: SlotStep<B, O, S, C>, rules: SlotChainRules<B, E, O, S, C>, first: Arrival<B>): void {
  receiveBlocks(
    {
      env: x.env,
      check: (block) => rules.check(x, block, slotAt(x.env, x.c.slotMs)),
      accept(entry) {
        // Durable BEFORE block-relay floods it on: a restart replays it (startSlotChain).
        x.env.storage.set(blockKey(entry.block.height, entry.hash), entry.block);
        rules.accept(x, entry);
      },
      ...recentOrphans(x.s),
    },
    first,
  );
  assert(x.s.orphans.length <= ORPHANS_MAX, 'the orphan pool stays bounded');
  assert(x.s.chain.blocks.has(x.s.chain.tip), 'the tip is a block of the chain');
}

/** The kernel's block-sync handlers of a slot chain: serve by hash, take blocks in. */
export function slotChainHandlers<
  B extends LinkedBlock,
  E extends LinkedEntry<B>,
  O extends Output,
  S extends SlotChainState<B, E>,
  C extends SlotTiming,
>(rules: SlotChainRules<B, E, O, S, C>): MessageHandlers<BlockSyncMessage<B>, O, S, C> {
  return blockSyncHandlers<B, O, S, C>({
    serve(x, hash) {
      const block = servableBlock(x.s.chain, hash);
      assert(block === undefined || block.height > 0, 'genesis is never served');
      assert(block === undefined || x.s.chain.blocks.has(hash), 'a served block is on file');
      return block;
    },
    isBlock: rules.isBlock,
    receive: (x, arrival) => receiveSlotBlock(x, rules, arrival),
  });
}

/** onStart's part: replays the stored blocks through the rules (no outputs), arms the slot. */
export function startSlotChain<
  B extends LinkedBlock,
  E extends LinkedEntry<B>,
  O extends Output,
  S extends SlotChainState<B, E>,
  C extends SlotTiming,
>(x: SlotStep<B, O, S, C>, rules: SlotChainRules<B, E, O, S, C>, restore: (entry: E) => void) {
  replayStoredBlocks<B>(x.env.storage, (block) => {
    const checked = rules.check(x, block, Number.MAX_SAFE_INTEGER);
    if (checked.kind === 'valid') restore(checked.entry);
  });
  armNextSlot(x, slotAt(x.env, x.c.slotMs));
}

function armNextSlot(x: SlotStep<never, Output, unknown, SlotTiming>, slot: number): void {
  x.env.setTimer('slot', (slot + 1) * x.c.slotMs - x.env.now());
}

/**
 * The slot timer's part: the slot that has begun, with the next one armed — or undefined
 * once the run's slots are over (the chain rests, no timer).
 */
export function nextSlot(x: SlotStep<never, Output, unknown, SlotTiming>): number | undefined {
  const slot = slotAt(x.env, x.c.slotMs);
  if (slot > x.c.lastSlot) return undefined;
  armNextSlot(x, slot);
  return slot;
}

/**
 * The slot timer's handler: at each slot boundary until the run's last, `author` makes a
 * block on the tip if this node's turn has come (pos mints, dpos produces) and says whether
 * it did.
 */
export function slotChainTimers<
  B extends LinkedBlock,
  E extends LinkedEntry<B>,
  O extends Output,
  S extends SlotChainState<B, E>,
  C extends SlotTiming,
>(
  rules: SlotChainRules<B, E, O, S, C>,
  author: (x: SlotStep<B, O, S, C>, slot: number) => boolean,
): TimerHandlers<SlotTimer, BlockSyncMessage<B>, O, S, C> {
  return {
    slot(x) {
      const slot = nextSlot(x);
      if (slot === undefined) return; // The run's slots are over: the chain rests.
      const authored = author(x, slot);
      assert(slot <= x.c.lastSlot, 'no slot after the last one');
      // A block on the tip beats it under either fork choice: dpos's is one longer, and
      // pos's consumes coin age > 0, so it adds trust.
      const tip = tipOf(x.s.chain).block;
      assert(!authored || rules.authorOf(tip) === x.env.id, 'our new block is the tip');
    },
  };
}
