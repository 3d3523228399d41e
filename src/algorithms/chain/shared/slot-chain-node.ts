// The node skeleton of the slot-based chains (chain/pos, chain/dpos): it rebuilds the chain
// from storage on start, syncs blocks with its peers (block-relay.ts), and wakes at every
// slot boundary — slot k is [k·slotMs, (k+1)·slotMs) on the node's own clock — until the
// run's last slot. Each algorithm supplies its block rules, what accepting a block does
// (outputs, fork choice), and what a node does in a slot (mint or produce).
//
// Fault model: crash-recovery (accepted blocks are durable under `block/<height>/<hash>`;
// everything else is volatile), any network fault; clock drift shifts only that node's slots.

import type { Env, Output, Process } from '../../../core/process.js';
import {
  type Arrival,
  type BlockSyncMessage,
  type Checked,
  onBlockSyncMessage,
  receiveBlocks,
  recentOrphans,
  replayStoredBlocks,
} from './block-relay.js';
import {
  type LinkedBlock,
  type LinkedChain,
  type LinkedEntry,
  servableBlock,
} from './linked-chain.js';

export interface SlotChainState<B extends LinkedBlock, E extends LinkedEntry<B>> {
  readonly chain: LinkedChain<E>;
  orphans: Arrival<B>[];
}

type SlotEnv<B, O extends Output> = Env<BlockSyncMessage<B>, O>;

export interface SlotChainRules<B extends LinkedBlock, E extends LinkedEntry<B>, O extends Output> {
  readonly slotMs: number;
  /** After this slot the chain rests, so a run's counts are exact. */
  readonly lastSlot: number;
  /** The shape check of peer input that `check` assumes. */
  isBlock(block: unknown): block is B;
  /** The chain's rules; `nowSlot` bounds blocks from the future (no bound on replay). */
  check(block: B, nowSlot: number): Checked<E>;
  /** Adds a block replayed from storage: no outputs, it was accepted before the crash. */
  restore(entry: E): void;
  /** Runs once the stored chain is rebuilt. */
  restored?(env: SlotEnv<B, O>): void;
  /** Stores a valid block (BEFORE block-relay floods it on), outputs, moves the tip. */
  accept(env: SlotEnv<B, O>, entry: E): void;
  /** At a slot boundary; `receive` takes in a block this node made itself. */
  onSlot(env: SlotEnv<B, O>, slot: number, receive: (arrival: Arrival<B>) => void): void;
}

export const SLOT_TIMER = 'slot';

export function slotAt(env: SlotEnv<never, Output>, slotMs: number): number {
  return Math.floor(env.now() / slotMs);
}

export function slotChainNode<
  B extends LinkedBlock,
  E extends LinkedEntry<B>,
  O extends Output,
  S extends SlotChainState<B, E>,
>(state: S, rules: SlotChainRules<B, E, O>): Process<BlockSyncMessage<B>, O, S> {
  const { slotMs } = rules;
  const receive = (env: SlotEnv<B, O>, first: Arrival<B>) =>
    receiveBlocks(
      {
        env,
        check: (block) => rules.check(block, slotAt(env, slotMs)),
        accept: (entry) => rules.accept(env, entry),
        ...recentOrphans(state),
      },
      first,
    );
  const armNextSlot = (env: SlotEnv<B, O>, slot: number) =>
    env.setTimer(SLOT_TIMER, (slot + 1) * slotMs - env.now());
  return {
    state,
    onStart(env) {
      replayStoredBlocks<B>(env.storage, (block) => {
        const checked = rules.check(block, Number.MAX_SAFE_INTEGER);
        if (checked.kind === 'valid') rules.restore(checked.entry);
      });
      rules.restored?.(env);
      armNextSlot(env, slotAt(env, slotMs));
    },
    onMessage(env, from, m) {
      onBlockSyncMessage(env, from, m, {
        serve: (hash) => servableBlock(state.chain, hash),
        isBlock: rules.isBlock,
        receive: (arrival) => receive(env, arrival),
      });
    },
    onTimer(env, name) {
      if (name !== SLOT_TIMER) return;
      const slot = slotAt(env, slotMs);
      if (slot > rules.lastSlot) return; // The run's slots are over: the chain rests.
      armNextSlot(env, slot);
      rules.onSlot(env, slot, (arrival) => receive(env, arrival));
    },
  };
}
