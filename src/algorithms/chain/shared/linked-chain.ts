// The block store of the slot-based chains (chain/pos, chain/dpos): signed blocks linked by
// their parent's hash, indexed by hash, with a tip chosen by each algorithm's fork-choice
// rule. The first block seen wins ties, because the tip moves only to a strictly better one.
// chain/pow keeps its own tree: its headers link by `prevHash` and weigh work as hex text.
//
// Fault model: blocks are peer input; nothing here throws or asserts on them. The one
// assertion is on our own bookkeeping: the tip is always a stored block.

import { createHash } from 'node:crypto';
import { assert } from '../../../core/assert.js';
import { isCount, isRecord, isString } from '../../../core/validate.js';
import type { Checked } from './block-relay.js';

export interface LinkedBlock {
  readonly height: number;
  readonly prev: string;
  readonly slot: number;
  readonly sig: string;
}

export interface LinkedEntry<B extends LinkedBlock = LinkedBlock> {
  readonly hash: string;
  readonly block: B;
}

export interface LinkedChain<E extends LinkedEntry> {
  readonly blocks: Map<string, E>;
  tip: string;
}

/** The block hash covers the signature too, so two signatures make two blocks. */
export function hashSigned(payload: string, sig: string): string {
  return createHash('sha256').update(`${payload}|${sig}`).digest('hex');
}

export function newLinkedChain<E extends LinkedEntry>(genesis: E): LinkedChain<E> {
  return { blocks: new Map([[genesis.hash, genesis]]), tip: genesis.hash };
}

export function tipOf<E extends LinkedEntry>(c: LinkedChain<E>): E {
  const e = c.blocks.get(c.tip);
  assert(e !== undefined, 'the tip is in the chain');
  return e;
}

/** The entries from `from` back to genesis, newest first. */
export function ancestry<E extends LinkedEntry>(c: LinkedChain<E>, from: E): E[] {
  const out: E[] = [];
  for (let e: E | undefined = from; e !== undefined; e = c.blocks.get(e.block.prev)) out.push(e);
  return out;
}

/** The hash at `height` on the chain's best line (undefined above the tip). */
export function hashAtHeight<E extends LinkedEntry>(
  c: LinkedChain<E>,
  height: number,
): string | undefined {
  return ancestry(c, tipOf(c)).find((e) => e.block.height === height)?.hash;
}

/** A block a peer may fetch by hash: genesis is everyone's already, so it is never sent. */
export function servableBlock<B extends LinkedBlock>(
  c: LinkedChain<LinkedEntry<B>>,
  hash: unknown,
): B | undefined {
  const entry = typeof hash === 'string' ? c.blocks.get(hash) : undefined;
  return entry !== undefined && entry.block.height > 0 ? entry.block : undefined;
}

/**
 * A slot-based block's verdict (never a throw): first the checks every such block passes —
 * not already known, parent known (else an orphan to fetch), exactly one above its parent —
 * then the algorithm's own `rules`, given the parent and the block's hash.
 */
export function checkOnParent<B extends LinkedBlock, E extends LinkedEntry<B>>(
  c: LinkedChain<E>,
  b: B,
  hashOf: (b: B) => string,
  rules: (parent: E, hash: string) => Checked<E>,
): Checked<E> {
  const hash = hashOf(b);
  if (c.blocks.has(hash)) return { kind: 'known' };
  const parent = c.blocks.get(b.prev);
  if (parent === undefined) return { kind: 'orphan', parent: b.prev };
  if (b.height !== parent.block.height + 1) return { kind: 'invalid', reason: 'wrong height' };
  return rules(parent, hash);
}

export interface ForkChoice<E> {
  /** Whether `entry` should replace `tip`; strict, so the first seen keeps ties. */
  readonly better: (entry: E, tip: E) => boolean;
  /** A block the new line must contain, or the tip stays (DPoS's irreversible block). */
  readonly keep?: string | undefined;
}

/** Adds a valid entry and applies the fork choice. Returns the entries the tip abandoned. */
export function addLinkedEntry<E extends LinkedEntry>(
  c: LinkedChain<E>,
  entry: E,
  choice: ForkChoice<E>,
): { moved: boolean; abandoned: E[] } {
  c.blocks.set(entry.hash, entry);
  const tip = tipOf(c);
  if (!choice.better(entry, tip)) return { moved: false, abandoned: [] };
  const newLine = new Set(ancestry(c, entry).map((x) => x.hash));
  if (choice.keep !== undefined && !newLine.has(choice.keep))
    return { moved: false, abandoned: [] };
  const abandoned = ancestry(c, tip).filter((x) => !newLine.has(x.hash));
  c.tip = entry.hash;
  return { moved: true, abandoned };
}

/** Slot-based blocks carry this much from peers; each algorithm checks its own fields. */
export function isLinkedBlock(x: unknown): x is LinkedBlock {
  return isRecord(x) && isCount(x.height) && isString(x.prev) && isCount(x.slot) && isString(x.sig);
}
