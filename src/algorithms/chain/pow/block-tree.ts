// A node's view of the block tree: every valid block it knows, indexed by hash, with height
// and cumulative work; the tip is the block with the most cumulative work, the first seen
// winning ties (Bitcoin's fork choice). Validation follows Bitcoin's header and block
// checks that apply here: known parent, the bits the retarget rule demands, proof of work
// against them, time above the median of the last 11 blocks, BIP34 height in the coinbase,
// and the Merkle root over the transactions.

import { assert } from '../../../core/assert.js';
import { checkProofOfWork, workOf } from './compact.js';
import { type BlockHeader, headerHash, headerHex, isHashHex, parseHeaderHex } from './header.js';
import { merkleRootOfTxs } from './merkle.js';
import { nextBits, type RetargetParams } from './retarget.js';

/** A block as it travels: the header in hex and the transactions. */
export interface Block {
  readonly header: string;
  readonly txs: readonly string[];
}

export interface BlockEntry {
  readonly hash: string;
  readonly header: BlockHeader;
  readonly txs: readonly string[];
  readonly height: number;
  /** Cumulative work up to and including this block, 64 hex digits (compares as text). */
  readonly chainWork: string;
}

export interface BlockTree {
  readonly blocks: Map<string, BlockEntry>;
  tip: string;
}

export const MAX_TXS = 1_000;
/** Bitcoin's genesis timestamp: header time = TIME_BASE + virtual ms. */
export const TIME_BASE = 1_231_006_505;
/** Bitcoin's median-time-past window (a block's time must exceed the median of 11). */
export const MEDIAN_TIME_SPAN = 11;

function workHex(work: bigint): string {
  return work.toString(16).padStart(64, '0');
}

export function coinbase(height: number, miner: number, extra: number): string {
  return `coinbase height=${height} miner=${miner} extra=${extra}`;
}

export function genesisBlock(bits: number, powLimit: bigint): Block {
  const txs = [coinbase(0, 0, 0)];
  const base = {
    version: 1,
    prevHash: '0'.repeat(64),
    merkleRoot: merkleRootOfTxs(txs),
    time: TIME_BASE,
    bits,
  };
  // The genesis block satisfies its own target, as Bitcoin's does; the search is short.
  for (let nonce = 0; ; nonce++) {
    const header = { ...base, nonce };
    if (checkProofOfWork(headerHash(header), bits, powLimit))
      return { header: headerHex(header), txs };
  }
}

export function newTree(genesis: Block): BlockTree {
  const parsed = parseHeaderHex(genesis.header);
  assert(parsed.ok, 'the genesis block is our own, well formed');
  const hash = headerHash(parsed.header);
  const entry: BlockEntry = {
    hash,
    header: parsed.header,
    txs: genesis.txs,
    height: 0,
    chainWork: workHex(workOf(parsed.header.bits)),
  };
  return { blocks: new Map([[hash, entry]]), tip: hash };
}

export function tipOf(tree: BlockTree): BlockEntry {
  const tip = tree.blocks.get(tree.tip);
  assert(tip !== undefined, 'the tip is always in the tree');
  return tip;
}

/** The ancestor of `entry` at `height` (walking back; no recursion). */
export function ancestorAt(tree: BlockTree, entry: BlockEntry, height: number): BlockEntry {
  let at = entry;
  while (at.height > height) {
    const parent = tree.blocks.get(at.header.prevHash);
    if (parent === undefined) break;
    at = parent;
  }
  return at;
}

function medianTimePast(tree: BlockTree, entry: BlockEntry): number {
  const times: number[] = [];
  let at: BlockEntry | undefined = entry;
  while (at !== undefined && times.length < MEDIAN_TIME_SPAN) {
    times.push(at.header.time);
    at = tree.blocks.get(at.header.prevHash);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] ?? 0;
}

export function requiredBits(tree: BlockTree, p: RetargetParams, parent: BlockEntry): number {
  return nextBits(
    p,
    { height: parent.height, bits: parent.header.bits, time: parent.header.time },
    (h) => ancestorAt(tree, parent, h).header.time,
  );
}

export function minimumTime(tree: BlockTree, parent: BlockEntry): number {
  return medianTimePast(tree, parent) + 1;
}

export type Checked =
  | { readonly kind: 'valid'; readonly entry: BlockEntry }
  | { readonly kind: 'known'; readonly hash: string }
  | { readonly kind: 'orphan'; readonly hash: string; readonly parent: string }
  | { readonly kind: 'invalid'; readonly reason: string };

/** Checks a block from anywhere (peer input: never throws, never asserts). */
export function checkBlock(tree: BlockTree, p: RetargetParams, block: Block): Checked {
  if (typeof block?.header !== 'string' || !Array.isArray(block.txs))
    return { kind: 'invalid', reason: 'malformed block' };
  const parsed = parseHeaderHex(block.header);
  if (!parsed.ok) return { kind: 'invalid', reason: parsed.reason };
  const h = parsed.header;
  const hash = headerHash(h);
  if (tree.blocks.has(hash)) return { kind: 'known', hash };
  if (!isHashHex(h.prevHash)) return { kind: 'invalid', reason: 'bad previous hash' };
  const parent = tree.blocks.get(h.prevHash);
  if (parent === undefined) return { kind: 'orphan', hash, parent: h.prevHash };
  const reason = invalidReason(tree, p, parent, h, hash, block.txs);
  if (reason !== undefined) return { kind: 'invalid', reason };
  const chainWork = workHex(BigInt(`0x${parent.chainWork}`) + workOf(h.bits));
  return {
    kind: 'valid',
    entry: { hash, header: h, txs: [...block.txs], height: parent.height + 1, chainWork },
  };
}

function invalidReason(
  tree: BlockTree,
  p: RetargetParams,
  parent: BlockEntry,
  h: BlockHeader,
  hash: string,
  txs: readonly unknown[],
): string | undefined {
  if (h.version < 1) return 'obsolete version';
  const bits = requiredBits(tree, p, parent);
  if (h.bits !== bits) return `bits ${h.bits.toString(16)}, required ${bits.toString(16)}`;
  if (!checkProofOfWork(hash, h.bits, p.powLimit)) return 'proof of work above target';
  if (h.time < minimumTime(tree, parent)) return 'time not above the median of the last 11';
  if (txs.length === 0 || txs.length > MAX_TXS || !txs.every((t) => typeof t === 'string'))
    return 'bad transaction list';
  const height = parent.height + 1;
  if (!(txs[0] as string).startsWith(`coinbase height=${height} `))
    return 'coinbase without its height (BIP34)';
  if (merkleRootOfTxs(txs as string[]) !== h.merkleRoot) return 'Merkle root mismatch';
  return undefined;
}

/**
 * Adds a valid block and moves the tip if it has more work. Returns how many blocks of the
 * old best chain were abandoned (0 when the tip just advanced or did not move).
 */
export function addBlock(tree: BlockTree, entry: BlockEntry): { tipMoved: boolean; reorg: number } {
  tree.blocks.set(entry.hash, entry);
  const tip = tipOf(tree);
  if (entry.chainWork <= tip.chainWork) return { tipMoved: false, reorg: 0 };
  tree.tip = entry.hash;
  if (entry.header.prevHash === tip.hash) return { tipMoved: true, reorg: 0 };
  // Find the fork point: bring both branches to one height, then walk back together.
  const level = Math.min(tip.height, entry.height);
  let a = ancestorAt(tree, tip, level);
  let b = ancestorAt(tree, entry, level);
  while (a.hash !== b.hash) {
    const pa = tree.blocks.get(a.header.prevHash);
    const pb = tree.blocks.get(b.header.prevHash);
    if (pa === undefined || pb === undefined) break;
    a = pa;
    b = pb;
  }
  return { tipMoved: true, reorg: tip.height - a.height };
}
