// How every chain node (pos, dpos, pow) takes in blocks: each valid block is stored, then
// flooded on to every peer but its sender; a block whose parent is unknown waits in a
// bounded orphan pool while the node asks the sender for the parent (GetBlock), walking
// back until the branch connects. A work list rather than recursion drains the orphans a
// block unblocks, so a long branch arriving backwards cannot overflow the stack.
//
// Fault model: any message loss, duplication, reordering or partition (the next flooded
// block and GetBlock repair gaps); blocks are peer input, checked before anything else.

import type { MessageHandlers, Step } from '../../../core/kernel.js';
import type { Env, NodeId, Output, Storage } from '../../../core/process.js';
import { isString, type MessageChecks, parseByType } from '../../../core/validate.js';

export type BlockSyncMessage<B> =
  | { readonly type: 'Block'; readonly block: B }
  | { readonly type: 'GetBlock'; readonly hash: string }
  | { readonly type: 'BlockResponse'; readonly block: B };

/** A chain's shape check of a block from a peer (its node ids within 1..n when given). */
export type BlockShape<B> = (block: unknown, n?: number) => block is B;

/**
 * The parser of a chain's block-sync messages: the message itself when it is well formed
 * (a hash is text, a block passes the chain's shape check), else undefined. Whether a block
 * obeys the chain's rules is the chain's `check`, after delivery.
 */
export function blockSyncParser<B>(
  isBlock: BlockShape<B>,
): (raw: unknown, n?: number) => BlockSyncMessage<B> | undefined {
  const checks: MessageChecks<BlockSyncMessage<B>> = {
    Block: (m, n) => isBlock(m.block, n),
    GetBlock: (m) => isString(m.hash),
    BlockResponse: (m, n) => isBlock(m.block, n),
  };
  return (raw, n) => parseByType(checks, raw, n);
}

/** A block as it arrived; `flood` is false for responses and for the node's own blocks. */
export interface Arrival<B> {
  readonly block: B;
  readonly from: NodeId;
  readonly flood: boolean;
}

/** A chain's verdict on a block (peer input: never a throw). */
export type Checked<E> =
  | { readonly kind: 'valid'; readonly entry: E }
  | { readonly kind: 'known' }
  | { readonly kind: 'orphan'; readonly parent: string }
  | { readonly kind: 'invalid'; readonly reason: string };

/** What differs between the algorithms: their rules, what accepting does, their orphans. */
export interface BlockIntake<B, E extends { readonly hash: string }, A extends Arrival<B>> {
  readonly env: Env<BlockSyncMessage<B>, Output>;
  check(block: B): Checked<E>;
  /** Stores the block BEFORE it is flooded on, and applies the fork choice. */
  accept(entry: E, arrival: A): void;
  /** Keeps an orphan until `parent` arrives. */
  park(arrival: A, parent: string): void;
  /** Takes out the orphans waiting for `hash`. */
  unpark(hash: string): A[];
}

export function receiveBlocks<B, E extends { readonly hash: string }, A extends Arrival<B>>(
  intake: BlockIntake<B, E, A>,
  first: A,
): void {
  const { env } = intake;
  const queue = [first];
  for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
    const checked = intake.check(item.block);
    if (checked.kind === 'invalid') {
      env.note(`rejected a block from ${item.from}: ${checked.reason}`);
      continue;
    }
    if (checked.kind === 'known') continue;
    if (checked.kind === 'orphan') {
      intake.park(item, checked.parent);
      env.send(item.from, { type: 'GetBlock', hash: checked.parent });
      continue;
    }
    intake.accept(checked.entry, item);
    if (item.flood)
      for (const to of env.peers)
        if (to !== item.from) env.send(to, { type: 'Block', block: item.block });
    queue.push(...intake.unpark(checked.entry.hash));
  }
}

/** Blocks a node keeps waiting for their parent; the oldest go first (memory stays bounded). */
export const ORPHANS_MAX = 64;

/** The newest ORPHANS_MAX orphans, matched to their parent by the block's `prev` link. */
export function recentOrphans<B extends { readonly prev: string }>(pool: {
  orphans: Arrival<B>[];
}): Pick<BlockIntake<B, { hash: string }, Arrival<B>>, 'park' | 'unpark'> {
  return {
    park(arrival) {
      pool.orphans = [...pool.orphans, arrival].slice(-ORPHANS_MAX);
    },
    unpark(hash) {
      const waiting = pool.orphans.filter((o) => o.block.prev === hash);
      pool.orphans = pool.orphans.filter((o) => o.block.prev !== hash);
      return waiting;
    },
  };
}

/** Durable key of an accepted block; zero-padded so keys list in height order. */
export function blockKey(height: number, hash: string): string {
  return `block/${String(height).padStart(10, '0')}/${hash}`;
}

/** Hands every stored block to `add`, lowest height first: how a restarted node rebuilds. */
export function replayStoredBlocks<B>(storage: Storage, add: (block: B) => void): void {
  for (const key of storage.keys('block/')) {
    const block = storage.get<B>(key);
    if (block !== undefined) add(block);
  }
}

/** What a chain's process supplies to the kernel's block-sync handler table. */
export interface BlockSync<B, O extends Output, S, C> {
  /** The block to answer a GetBlock with, if this node has one to give. */
  serve(x: Step<BlockSyncMessage<B>, O, S, C>, hash: string): B | undefined;
  /** The shape check of peer input that the chain's rules assume has been done. */
  isBlock(block: unknown): block is B;
  receive(x: Step<BlockSyncMessage<B>, O, S, C>, arrival: Arrival<B>): void;
}

/**
 * The kernel's handlers of every block-sync message: serve fetches (GetBlock), take in
 * flooded blocks (Block, flooded on) and fetched ones (BlockResponse, not flooded).
 */
export function blockSyncHandlers<B, O extends Output, S, C>(
  sync: BlockSync<B, O, S, C>,
): MessageHandlers<BlockSyncMessage<B>, O, S, C> {
  const take = (x: Step<BlockSyncMessage<B>, O, S, C>, arrival: Arrival<B>): void => {
    if (!sync.isBlock(arrival.block)) {
      x.env.note(`rejected a malformed block from ${arrival.from}`);
      return;
    }
    sync.receive(x, arrival);
  };
  return {
    Block: (x, from, m) => take(x, { block: m.block, from, flood: true }),
    BlockResponse: (x, from, m) => take(x, { block: m.block, from, flood: false }),
    GetBlock(x, from, m) {
      const block = sync.serve(x, m.hash);
      if (block !== undefined) x.env.send(from, { type: 'BlockResponse', block });
    },
  };
}
