// Inspector fields and the block tree of the chain family (chain/pow, chain/pos,
// chain/dpos): every block a node knows, linked to its parent, with the tip its fork-choice
// rule picked — the most cumulative work (PoW), the most chain trust, stake × coin age
// (PoS), the longest chain (DPoS) — so the chain from the tip back to genesis is the one it
// follows and every other branch is a fork. The algorithms keep the tree as a map by hash:
// PoW's entries link by header.prevHash, the slot chains' by block.prev.

import { count, hasKeys, isObject, scalar } from './read.js';
import type { BlockTreeView, InspectorField, NodeDrawing, TreeBlock } from './types.js';

/** The newest heights drawn; older blocks are counted, not drawn. */
const TREE_HEIGHTS = 12;

interface Known {
  readonly blocks: Map<string, unknown>;
  readonly tip: string;
}

/** PoW keeps `tree`, the slot chains `chain`: both a map of blocks by hash and a tip. */
function knownOf(state: unknown): Known | undefined {
  if (!isObject(state)) return undefined;
  const c = 'tree' in state ? state.tree : 'chain' in state ? state.chain : undefined;
  if (!hasKeys(c, 'blocks', 'tip') || !(c.blocks instanceof Map) || typeof c.tip !== 'string')
    return undefined;
  return { blocks: c.blocks, tip: c.tip };
}

/** One stored entry as a tree block: hash, parent, height and who made it. */
function blockOf(entry: unknown): Omit<TreeBlock, 'best'> | undefined {
  if (!hasKeys(entry, 'hash')) return undefined;
  const hash = String(entry.hash);
  if (hasKeys(entry, 'header', 'height', 'txs') && hasKeys(entry.header, 'prevHash')) {
    const coinbase = Array.isArray(entry.txs) ? String(entry.txs[0] ?? '') : '';
    const by = Number(/miner=(\d+)/.exec(coinbase)?.[1] ?? 0);
    return { hash, parent: String(entry.header.prevHash), height: Number(entry.height), by };
  }
  if (hasKeys(entry, 'block') && hasKeys(entry.block, 'prev', 'height')) {
    const b = entry.block;
    const by = Number(b.minter ?? b.producer ?? 0);
    return { hash, parent: String(b.prev), height: Number(b.height), by };
  }
  return undefined;
}

/**
 * The last view drawn of each block map, with the size and tip it was drawn at. The chains
 * only ever add blocks to a map (addBlock, addLinkedEntry) and a restart builds a new map, so
 * the same map, size and tip is the same tree: the stage's replay memo asks after every step
 * (a miner's every hashing tick), and most steps leave the tree as it was.
 */
const drawnTrees = new WeakMap<
  Map<string, unknown>,
  { readonly size: number; readonly tip: string; readonly view: BlockTreeView }
>();

/** The node's block tree: its newest heights, the tip's ancestry marked as the best chain. */
export function blockTreeOf(state: unknown): BlockTreeView | undefined {
  const known = knownOf(state);
  if (known === undefined) return undefined;
  const drawn = drawnTrees.get(known.blocks);
  if (drawn !== undefined && drawn.size === known.blocks.size && drawn.tip === known.tip)
    return drawn.view;
  const view = treeView(known);
  drawnTrees.set(known.blocks, { size: known.blocks.size, tip: known.tip, view });
  return view;
}

function treeView(known: Known): BlockTreeView {
  const all = new Map<string, Omit<TreeBlock, 'best'>>();
  for (const entry of known.blocks.values()) {
    const b = blockOf(entry);
    if (b !== undefined) all.set(b.hash, b);
  }
  const best = new Set<string>();
  for (let b = all.get(known.tip); b !== undefined; b = all.get(b.parent)) {
    if (best.has(b.hash)) break; // a cycle is not a chain; peer blocks are not trusted
    best.add(b.hash);
  }
  const top = Math.max(0, ...[...all.values()].map((b) => b.height));
  const from = Math.max(0, top - TREE_HEIGHTS + 1);
  const blocks = [...all.values()]
    .filter((b) => b.height >= from)
    .map((b) => ({ ...b, best: best.has(b.hash) }));
  return { blocks, tip: known.tip, below: all.size - blocks.length };
}

export function chainFields(state: unknown): readonly InspectorField[] | undefined {
  const known = knownOf(state);
  const tree = blockTreeOf(state);
  if (known === undefined || tree === undefined || !isObject(state)) return undefined;
  const tip = tree.blocks.find((b) => b.hash === known.tip);
  const fields: InspectorField[] = [
    { label: 'height', value: tip?.height ?? null },
    { label: 'tip', value: known.tip.slice(0, 12) },
    { label: 'blocks', value: known.blocks.size },
    // Off the best chain (genesis to tip, height + 1 blocks): the forks it saw and left.
    { label: 'forks', value: tip === undefined ? null : known.blocks.size - tip.height - 1 },
    { label: 'orphans', value: count(state.orphans) },
  ];
  if ('hashes' in state) fields.push({ label: 'hashes', value: scalar(state.hashes) });
  if ('withholding' in state)
    fields.push({ label: 'withholding', value: state.withholding === true });
  if (hasKeys(state.lib, 'height')) fields.push({ label: 'lib', value: scalar(state.lib.height) });
  return fields;
}

/** On the stage: the tip's height inside the node; the block tree in its inspector. */
export function chainDrawing(state: unknown): NodeDrawing | undefined {
  const tree = blockTreeOf(state);
  if (tree === undefined) return undefined;
  const tip = tree.blocks.find((b) => b.hash === tree.tip);
  return {
    ...(tip !== undefined && {
      inside: { text: `h${tip.height}`, label: `chain height ${tip.height}` },
    }),
    blockTree: tree,
  };
}
