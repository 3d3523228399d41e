// The proof-of-stake chain of note 003/004's "stake × coin age" (Peercoin's scheme, King and
// Nadal 2012, simplified): in each time slot a stakeholder may mint the next block if its
// kernel hash — SHA-256 over (previous block, stakeholder, slot) — falls below a target
// proportional to its stake × coin age, where coin age counts the slots since it last minted
// on this chain (capped). Minting consumes that coin age; the chain with the most consumed
// coin age ("chain trust") wins, the first seen winning ties. Blocks are Ed25519-signed so
// nobody can mint with another's stake.

import { createHash } from 'node:crypto';
import type { NodeId } from '../../../core/process.js';
import type { SignatureScheme } from '../../byzantine/signed-messages/signature-scheme.js';

export interface PosParams {
  readonly stakes: ReadonlyMap<NodeId, number>;
  /** Coin age stops growing after this many slots (Peercoin caps it at 90 days). */
  readonly maxAgeSlots: number;
  /** The kernel target per unit of stake × coin age, out of 2^32. */
  readonly targetPerCoinSlot: number;
}

export interface Block {
  readonly height: number;
  readonly prev: string;
  readonly slot: number;
  readonly minter: NodeId;
  readonly sig: string;
}

export interface Entry {
  readonly hash: string;
  readonly block: Block;
  /** Coin age consumed by this block (stake × age in slots). */
  readonly coinAge: number;
  /** Cumulative coin age consumed from genesis: the fork-choice weight. */
  readonly trust: number;
}

export interface Chain {
  readonly blocks: Map<string, Entry>;
  tip: string;
}

export const GENESIS: Block = { height: 0, prev: '', slot: 0, minter: 0, sig: '' };

export function payloadOf(b: Omit<Block, 'sig'>): string {
  return `pos|${b.height}|${b.prev}|${b.slot}|${b.minter}`;
}

export function hashOf(b: Block): string {
  return createHash('sha256')
    .update(`${payloadOf(b)}|${b.sig}`)
    .digest('hex');
}

export function newChain(): Chain {
  const hash = hashOf(GENESIS);
  return { blocks: new Map([[hash, { hash, block: GENESIS, coinAge: 0, trust: 0 }]]), tip: hash };
}

export function tipOf(c: Chain): Entry {
  const e = c.blocks.get(c.tip);
  if (e === undefined) throw new RangeError('the tip is in the chain');
  return e;
}

export function ancestry(c: Chain, from: Entry): Entry[] {
  const out: Entry[] = [];
  for (let e: Entry | undefined = from; e !== undefined; e = c.blocks.get(e.block.prev))
    out.push(e);
  return out;
}

/** Stake × slots since `minter` last minted on the chain ending at `parent` (or genesis). */
export function coinAgeAt(
  c: Chain,
  p: PosParams,
  parent: Entry,
  minter: NodeId,
  slot: number,
): number {
  const last = ancestry(c, parent).find((e) => e.block.minter === minter)?.block.slot ?? 0;
  return (p.stakes.get(minter) ?? 0) * Math.min(p.maxAgeSlots, Math.max(0, slot - last));
}

/** The kernel: the first 32 bits of SHA-256(previous hash, minter, slot). */
export function kernel(prev: string, minter: NodeId, slot: number): number {
  return createHash('sha256').update(`kernel|${prev}|${minter}|${slot}`).digest().readUInt32BE(0);
}

export function eligible(
  p: PosParams,
  prev: string,
  minter: NodeId,
  slot: number,
  coinAge: number,
): boolean {
  return kernel(prev, minter, slot) < Math.min(2 ** 32, p.targetPerCoinSlot * coinAge);
}

export type Checked =
  | { readonly kind: 'valid'; readonly entry: Entry }
  | { readonly kind: 'known' }
  | { readonly kind: 'orphan'; readonly parent: string }
  | { readonly kind: 'invalid'; readonly reason: string };

export function checkBlock(
  c: Chain,
  p: PosParams,
  scheme: SignatureScheme,
  b: Block,
  nowSlot: number,
): Checked {
  const hash = hashOf(b);
  if (c.blocks.has(hash)) return { kind: 'known' };
  const parent = c.blocks.get(b.prev);
  if (parent === undefined) return { kind: 'orphan', parent: b.prev };
  if (b.height !== parent.block.height + 1) return { kind: 'invalid', reason: 'wrong height' };
  if (b.slot <= parent.block.slot || b.slot > nowSlot + 1)
    return { kind: 'invalid', reason: 'bad slot' };
  const coinAge = coinAgeAt(c, p, parent, b.minter, b.slot);
  if (!eligible(p, b.prev, b.minter, b.slot, coinAge))
    return { kind: 'invalid', reason: 'kernel above its stake target' };
  if (!scheme.verify(b.minter, payloadOf(b), b.sig))
    return { kind: 'invalid', reason: 'bad signature' };
  return { kind: 'valid', entry: { hash, block: b, coinAge, trust: parent.trust + coinAge } };
}

/** Adds a valid block; the tip moves to more chain trust. Returns the blocks abandoned. */
export function addEntry(c: Chain, entry: Entry): { moved: boolean; reorg: number } {
  c.blocks.set(entry.hash, entry);
  const tip = tipOf(c);
  if (entry.trust <= tip.trust) return { moved: false, reorg: 0 };
  const line = new Set(ancestry(c, entry).map((e) => e.hash));
  const reorg = ancestry(c, tip).filter((e) => !line.has(e.hash)).length;
  c.tip = entry.hash;
  return { moved: true, reorg };
}
