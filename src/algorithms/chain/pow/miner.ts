// A chain/pow node: it keeps the block tree (block-tree.ts), mines on its tip with real
// double SHA-256 — `hashrate` nonces per 20 ms tick — and floods every new valid block to its
// peers. A block whose parent is unknown waits in a bounded orphan pool while the node asks
// the sender for the parent (GetBlock), walking back until the branch connects.
//
// Fault model: crash-recovery (accepted blocks are durable under `block/<height>/<hash>`, so
// a restarted node rebuilds its tree; mining progress is volatile), any message loss,
// duplication, reordering or partition (the next flooded block and GetBlock repair gaps).
// Misbehaving nodes: an attacker that withholds a private chain until `releaseMs`, and
// forgers that broadcast invalid blocks.

import { assert } from '../../../core/assert.js';
import type { Env, NodeId, Process } from '../../../core/process.js';
import {
  type Arrival,
  blockKey,
  ORPHANS_MAX,
  onBlockSyncMessage,
  receiveBlocks,
  replayStoredBlocks,
} from '../shared/block-relay.js';
import {
  addBlock,
  type Block,
  type BlockTree,
  checkBlock,
  coinbase,
  minimumTime,
  newTree,
  requiredBits,
  tipOf,
} from './block-tree.js';
import { decodeCompact, meetsTarget, targetBytes } from './compact.js';
import { type BlockHeader, headerHex, serializeHeader, sha256d } from './header.js';
import { merkleRootOfTxs } from './merkle.js';
import type { PowMessage } from './messages.js';
import {
  hashrateOf,
  type PowOptions,
  retargetParams,
  SIM_POW_LIMIT_BITS,
  TICK_MS,
  TIME_BASE,
} from './params.js';
import type { RetargetParams } from './retarget.js';

export type PowOutput =
  | {
      readonly type: 'accepted';
      readonly hash: string;
      readonly height: number;
      readonly block: Block;
    }
  | { readonly type: 'mined'; readonly hash: string; readonly height: number }
  | { readonly type: 'reorg'; readonly depth: number; readonly tip: string };

/** An arrival with the parent it waits for ('' until it is parked). */
interface Orphan extends Arrival<Block> {
  readonly parent: string;
}

export interface PowState {
  readonly tree: BlockTree;
  height: number;
  orphans: Orphan[];
  /** Nonces tried by this incarnation. */
  hashes: number;
  /** True while the attacker keeps its chain to itself. */
  withholding: boolean;
  /** The attacker's unreleased blocks, oldest first. */
  withheld: Block[];
  /** Bumped when the nonce space of a template is exhausted (Bitcoin's extraNonce). */
  extraNonce: number;
  nonce: number;
}

type E = Env<PowMessage, PowOutput>;

interface Node {
  readonly id: NodeId;
  readonly s: PowState;
  readonly env: E;
  readonly opts: PowOptions;
  readonly params: RetargetParams;
  /** Volatile memo of the mining template (not part of the printable state). */
  readonly cache: { template?: Template };
}

function receive(node: Node, first: Orphan): void {
  const { s, env } = node;
  receiveBlocks(
    {
      env,
      check: (block) => checkBlock(s.tree, node.params, block),
      accept: (entry, arrival) => accept(node, arrival.block, entry),
      // Unlike pos/dpos, a block already waiting for the same parent is not parked twice.
      park(item, parent) {
        if (!s.orphans.some((o) => o.parent === parent && o.block.header === item.block.header))
          s.orphans = [...s.orphans, { ...item, parent }].slice(-ORPHANS_MAX);
      },
      unpark(hash) {
        const waiting = s.orphans.filter((o) => o.parent === hash);
        s.orphans = s.orphans.filter((o) => o.parent !== hash);
        return waiting;
      },
    },
    first,
  );
}

function accept(node: Node, block: Block, entry: ReturnType<typeof tipOf>): void {
  const { s, env } = node;
  env.storage.set(blockKey(entry.height, entry.hash), block);
  env.output({ type: 'accepted', hash: entry.hash, height: entry.height, block });
  const { tipMoved, reorg } = addBlock(s.tree, entry);
  if (!tipMoved) return;
  s.height = entry.height;
  s.extraNonce = 0;
  if (reorg > 0) env.output({ type: 'reorg', depth: reorg, tip: entry.hash });
}

interface Template {
  readonly tip: string;
  readonly extraNonce: number;
  readonly header: BlockHeader;
  readonly txs: string[];
  readonly minTime: number;
  /** The target as little-endian bytes, for the byte comparison in the hot loop. */
  readonly target: Uint8Array;
}

/**
 * The header this node mines on its tip now, and its transactions. The parts that depend
 * only on the tip (bits, Merkle root, median time) are computed once per tip; the time is
 * refreshed every tick, as miners do.
 */
function template(node: Node): { header: BlockHeader; txs: string[]; target: Uint8Array } {
  const { s, env, id } = node;
  let t = node.cache.template;
  if (t === undefined || t.tip !== s.tree.tip || t.extraNonce !== s.extraNonce) {
    const tip = tipOf(s.tree);
    const txs = [coinbase(tip.height + 1, id, s.extraNonce)];
    const bits = requiredBits(s.tree, node.params, tip);
    const merkleRoot = merkleRootOfTxs(txs);
    const header = { version: 1, prevHash: tip.hash, merkleRoot, time: 0, bits, nonce: 0 };
    t = {
      tip: tip.hash,
      extraNonce: s.extraNonce,
      header,
      txs,
      minTime: minimumTime(s.tree, tip),
      target: targetBytes(decodeCompact(bits).target),
    };
    node.cache.template = t;
  }
  const time = Math.max(TIME_BASE + Math.floor(env.now()), t.minTime);
  return { header: { ...t.header, time }, txs: t.txs, target: t.target };
}

/** One tick of mining: `hashrate` real double-SHA-256 attempts on the current template. */
function mine(node: Node): void {
  const { s, env } = node;
  const rate = hashrateOf(node.opts, node.id);
  if (rate === 0) return;
  const { header, txs, target } = template(node);
  const bytes = Buffer.from(serializeHeader(header));
  for (let i = 0; i < rate; i++) {
    s.nonce = (s.nonce + 1) >>> 0;
    if (s.nonce === 0) s.extraNonce++; // A new template next tick (Bitcoin's extraNonce).
    bytes.writeUInt32LE(s.nonce, 76);
    s.hashes++;
    if (!meetsTarget(sha256d(bytes), target)) continue;
    const block: Block = { header: headerHex({ ...header, nonce: s.nonce }), txs };
    const checked = checkBlock(s.tree, node.params, block);
    assert(checked.kind === 'valid', 'a block this node mined is valid');
    accept(node, block, checked.entry);
    env.output({ type: 'mined', hash: checked.entry.hash, height: checked.entry.height });
    if (s.withholding) s.withheld.push(block);
    else env.broadcast({ type: 'Block', block });
    return;
  }
}

/** A forger's invalid block: the easiest target instead of the required one, or no work. */
function forge(node: Node): void {
  const { header, txs } = template(node);
  const cheap = node.env.random.chance(1, 2);
  const bits = cheap ? SIM_POW_LIMIT_BITS : header.bits;
  const target = targetBytes(decodeCompact(bits).target);
  for (let nonce = node.env.random.int(2 ** 32), i = 0; i < 1_000; i++, nonce = (nonce + 1) >>> 0) {
    const bytes = serializeHeader({ ...header, bits, nonce });
    // A cheap block carries valid work for the wrong target; the other fails its own target.
    if (meetsTarget(sha256d(bytes), target) === cheap) {
      node.env.broadcast({
        type: 'Block',
        block: { header: headerHex({ ...header, bits, nonce }), txs },
      });
      return;
    }
  }
}

function release(node: Node): void {
  node.s.withholding = false;
  for (const block of node.s.withheld) node.env.broadcast({ type: 'Block', block });
  node.s.withheld = [];
}

function restore(node: Node): void {
  replayStoredBlocks<Block>(node.env.storage, (block) => {
    const checked = checkBlock(node.s.tree, node.params, block);
    if (checked.kind === 'valid') addBlock(node.s.tree, checked.entry);
  });
  node.s.height = tipOf(node.s.tree).height;
}

export function createMiner(
  id: NodeId,
  opts: PowOptions,
  genesis: Block,
): Process<PowMessage, PowOutput, PowState> {
  const params = retargetParams(opts);
  const state: PowState = {
    tree: newTree(genesis),
    height: 0,
    orphans: [],
    hashes: 0,
    withholding: false,
    withheld: [],
    extraNonce: 0,
    nonce: 0,
  };
  const cache: { template?: Template } = {};
  const nodeOf = (env: E): Node => ({ id, s: state, env, opts, params, cache });
  return {
    state,
    onStart(env) {
      const node = nodeOf(env);
      restore(node);
      state.nonce = env.random.int(2 ** 32);
      if (opts.forgers.includes(id)) env.setTimer('forge', opts.blockMs);
      else env.setTimer('mine', TICK_MS);
      if (id === opts.attacker && env.now() < opts.releaseMs) {
        state.withholding = true;
        env.setTimer('release', opts.releaseMs - env.now());
      }
    },
    onMessage(env, from, m) {
      onBlockSyncMessage(env, from, m, {
        serve(hash) {
          const entry = typeof hash === 'string' ? state.tree.blocks.get(hash) : undefined;
          return entry && { header: headerHex(entry.header), txs: entry.txs };
        },
        // checkBlock rejects a malformed block itself, with the reason in the trace.
        isBlock: (_block): _block is Block => true,
        receive({ block, from, flood }) {
          // While withholding, the attacker ignores the public chain and extends its own.
          if (state.withholding) return;
          receive(nodeOf(env), { block, parent: '', from, flood });
        },
      });
    },
    onTimer(env, name) {
      const node = nodeOf(env);
      if (name === 'mine') {
        mine(node);
        env.setTimer('mine', TICK_MS);
      } else if (name === 'forge') {
        forge(node);
        env.setTimer('forge', opts.blockMs);
      } else if (name === 'release') {
        release(node);
      }
    },
  };
}
