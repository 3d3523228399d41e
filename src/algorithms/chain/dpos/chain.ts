// The DPoS chain a node keeps: signed blocks, each produced by the delegate the schedule
// names for its time slot (schedule.ts), with evidence of double production carried on the
// chain. Fork choice is the longest chain (first seen wins ties), and a block becomes
// irreversible once ⌊2D/3⌋+1 distinct delegates have produced it or a block on top of it
// (the "last irreversible block" of BitShares/EOS).

import type { NodeId } from '../../../core/process.js';
import { twoThirdsMajority } from '../../../core/quorum.js';
import type { SignatureScheme } from '../../byzantine/signed-messages/signature-scheme.js';
import type { Checked } from '../shared/block-relay.js';
import {
  addLinkedEntry,
  ancestry,
  checkOnParent,
  hashSigned,
  type LinkedChain,
  type LinkedEntry,
  newLinkedChain,
  tipOf,
} from '../shared/linked-chain.js';
import { activeDelegates, type Electorate, roundOrder } from './schedule.js';

export { ancestry, tipOf } from '../shared/linked-chain.js';

/** Two different blocks a producer signed for one slot: proof that it double-produced. */
export interface Evidence {
  readonly producer: NodeId;
  readonly slot: number;
  readonly payloads: readonly [string, string];
  readonly sigs: readonly [string, string];
}

export interface Block {
  readonly height: number;
  readonly prev: string;
  readonly slot: number;
  readonly producer: NodeId;
  /** Makes a double-produced twin differ; 0 for honest blocks. */
  readonly nonce: number;
  readonly evidence: readonly Evidence[];
  readonly sig: string;
}

export type Entry = LinkedEntry<Block>;

export interface Chain extends LinkedChain<Entry> {
  readonly genesis: string;
}

export const GENESIS: Block = {
  height: 0,
  prev: '',
  slot: 0,
  producer: 0,
  nonce: 0,
  evidence: [],
  sig: '',
};

export function payloadOf(b: Omit<Block, 'sig'>): string {
  const evidence = b.evidence.map((e) => `${e.producer}@${e.slot}:${e.sigs.join('+')}`).join(',');
  return `dpos|${b.height}|${b.prev}|${b.slot}|${b.producer}|${b.nonce}|${evidence}`;
}

export function hashOf(b: Block): string {
  return hashSigned(payloadOf(b), b.sig);
}

export function newChain(): Chain {
  const hash = hashOf(GENESIS);
  return { ...newLinkedChain({ hash, block: GENESIS }), genesis: hash };
}

/** Producers proven to double-produce on the chain ending at `at`. */
export function bannedAt(c: Chain, at: Entry): Set<NodeId> {
  return new Set(ancestry(c, at).flatMap((e) => e.block.evidence.map((x) => x.producer)));
}

/** The delegate scheduled for `slot` by the chain ending at `parent`. */
export function producerFor(
  c: Chain,
  e: Electorate,
  parent: Entry,
  slot: number,
): NodeId | undefined {
  const roundStart = Math.floor(slot / e.delegates) * e.delegates;
  // The round's schedule is fixed by the last block before the round began.
  const anchor = ancestry(c, parent).find((x) => x.block.slot < roundStart) ?? parent;
  const active = activeDelegates(e, bannedAt(c, anchor));
  const order = roundOrder(active, anchor.hash);
  return order[(slot - roundStart) % Math.max(1, order.length)];
}

export function validEvidence(x: Evidence, scheme: SignatureScheme): boolean {
  const [p1, p2] = x.payloads;
  const tag = (p: string) => p.split('|').slice(3, 5).join('|');
  return (
    p1 !== p2 &&
    tag(p1) === `${x.slot}|${x.producer}` &&
    tag(p2) === `${x.slot}|${x.producer}` &&
    scheme.verify(x.producer, p1, x.sigs[0]) &&
    scheme.verify(x.producer, p2, x.sigs[1])
  );
}

/** Checks a block from a peer (never throws). `nowSlot` bounds blocks from the future. */
export function checkBlock(
  c: Chain,
  e: Electorate,
  scheme: SignatureScheme,
  b: Block,
  nowSlot: number,
): Checked<Entry> {
  return checkOnParent(c, b, hashOf, (parent, hash) => {
    if (b.slot <= parent.block.slot)
      return { kind: 'invalid', reason: 'slot not after the parent' };
    if (b.slot > nowSlot + 1) return { kind: 'invalid', reason: 'slot in the future' };
    if (producerFor(c, e, parent, b.slot) !== b.producer)
      return {
        kind: 'invalid',
        reason: `delegate ${b.producer} is not scheduled for slot ${b.slot}`,
      };
    if (!scheme.verify(b.producer, payloadOf(b), b.sig))
      return { kind: 'invalid', reason: 'bad signature' };
    const already = bannedAt(c, parent);
    for (const x of b.evidence) {
      if (already.has(x.producer) || !validEvidence(x, scheme))
        return { kind: 'invalid', reason: 'bad evidence' };
    }
    return { kind: 'valid', entry: { hash, block: b } };
  });
}

/**
 * Adds a valid block; the tip moves to a longer chain — unless that chain does not contain
 * `irreversible`, the node's last irreversible block (a node never reverts it). Returns the
 * blocks abandoned.
 */
export function addEntry(
  c: Chain,
  entry: Entry,
  irreversible?: string,
): { moved: boolean; abandoned: Entry[] } {
  return addLinkedEntry(c, entry, { better: longer, keep: irreversible });
}

/** The longest chain wins (the first seen keeps ties). */
function longer(entry: Entry, tip: Entry): boolean {
  return entry.block.height > tip.block.height;
}

/** The last irreversible block: ⌊2D/3⌋+1 distinct producers at or above it on the chain. */
export function lastIrreversible(c: Chain, e: Electorate): Entry {
  const need = twoThirdsMajority(e.delegates);
  const producers = new Set<NodeId>();
  const line = ancestry(c, tipOf(c));
  for (const x of line) {
    if (x.block.producer !== 0) producers.add(x.block.producer);
    if (producers.size >= need) return x;
  }
  return line.at(-1) as Entry;
}
