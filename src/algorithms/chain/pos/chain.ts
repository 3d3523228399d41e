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
import type { Checked } from '../shared/block-relay.js';
import {
  addLinkedEntry,
  ancestry,
  checkOnParent,
  hashSigned,
  type LinkedChain,
  newLinkedChain,
} from '../shared/linked-chain.js';

export { ancestry, tipOf } from '../shared/linked-chain.js';

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

export type Chain = LinkedChain<Entry>;

export const GENESIS: Block = { height: 0, prev: '', slot: 0, minter: 0, sig: '' };

export function payloadOf(b: Omit<Block, 'sig'>): string {
  return `pos|${b.height}|${b.prev}|${b.slot}|${b.minter}`;
}

export function hashOf(b: Block): string {
  return hashSigned(payloadOf(b), b.sig);
}

export function newChain(): Chain {
  return newLinkedChain({ hash: hashOf(GENESIS), block: GENESIS, coinAge: 0, trust: 0 });
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

export function checkBlock(
  c: Chain,
  p: PosParams,
  scheme: SignatureScheme,
  b: Block,
  nowSlot: number,
): Checked<Entry> {
  return checkOnParent(c, b, hashOf, (parent, hash) => {
    if (b.slot <= parent.block.slot || b.slot > nowSlot + 1)
      return { kind: 'invalid', reason: 'bad slot' };
    const coinAge = coinAgeAt(c, p, parent, b.minter, b.slot);
    if (!eligible(p, b.prev, b.minter, b.slot, coinAge))
      return { kind: 'invalid', reason: 'kernel above its stake target' };
    if (!scheme.verify(b.minter, payloadOf(b), b.sig))
      return { kind: 'invalid', reason: 'bad signature' };
    return { kind: 'valid', entry: { hash, block: b, coinAge, trust: parent.trust + coinAge } };
  });
}

/** The most chain trust wins (the first seen keeps ties). */
const moreTrust = { better: (entry: Entry, tip: Entry) => entry.trust > tip.trust };

/** Adds a valid block; the tip moves to more chain trust. Returns the blocks abandoned. */
export function addEntry(c: Chain, entry: Entry): { moved: boolean; reorg: number } {
  const { moved, abandoned } = addLinkedEntry(c, entry, moreTrust);
  return { moved, reorg: abandoned.length };
}
