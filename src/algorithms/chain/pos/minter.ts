// A PoS node: it keeps the chain (chain.ts) and, at every slot boundary, checks whether its
// kernel hash is below its stake × coin-age target on its tip; if so it mints, signs and
// floods a block. Blocks whose parent is unknown wait while the node fetches it (GetBlock).
//
// Fault model: crash-recovery (the chain is durable under `block/<height>/<hash>`), any
// network fault. Safety here is validity and fork choice; finality is probabilistic.

import type { Env, NodeId, Process } from '../../../core/process.js';
import type { SignatureScheme } from '../../byzantine/signed-messages/signature-scheme.js';
import {
  addEntry,
  type Block,
  type Chain,
  checkBlock,
  coinAgeAt,
  eligible,
  newChain,
  type PosParams,
  payloadOf,
  tipOf,
} from './chain.js';

export type PosMessage =
  | { readonly type: 'Block'; readonly block: Block }
  | { readonly type: 'GetBlock'; readonly hash: string }
  | { readonly type: 'BlockResponse'; readonly block: Block };

export type PosOutput =
  | { readonly type: 'accepted'; readonly hash: string; readonly block: Block }
  | { readonly type: 'minted'; readonly hash: string; readonly coinAge: number }
  | { readonly type: 'reorg'; readonly depth: number };

export interface PosState {
  readonly chain: Chain;
  orphans: { readonly block: Block; readonly from: NodeId; readonly flood: boolean }[];
}

type E = Env<PosMessage, PosOutput>;

interface Node {
  readonly id: NodeId;
  readonly s: PosState;
  readonly env: E;
  readonly params: PosParams;
  readonly scheme: SignatureScheme;
  readonly slotMs: number;
  readonly lastSlot: number;
}

const ORPHANS_MAX = 64;

function nowSlot(node: Node): number {
  return Math.floor(node.env.now() / node.slotMs);
}

function receive(node: Node, first: { block: Block; from: NodeId; flood: boolean }): void {
  const { s, env } = node;
  const queue = [first];
  for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
    const checked = checkBlock(s.chain, node.params, node.scheme, item.block, nowSlot(node));
    if (checked.kind === 'invalid') {
      env.note(`rejected a block from ${item.from}: ${checked.reason}`);
      continue;
    }
    if (checked.kind === 'known') continue;
    if (checked.kind === 'orphan') {
      s.orphans = [...s.orphans, item].slice(-ORPHANS_MAX);
      env.send(item.from, { type: 'GetBlock', hash: checked.parent });
      continue;
    }
    const entry = checked.entry;
    env.storage.set(
      `block/${String(entry.block.height).padStart(10, '0')}/${entry.hash}`,
      entry.block,
    );
    env.output({ type: 'accepted', hash: entry.hash, block: entry.block });
    const { reorg } = addEntry(s.chain, entry);
    if (reorg > 0) env.output({ type: 'reorg', depth: reorg });
    if (item.flood)
      for (const to of env.peers)
        if (to !== item.from) env.send(to, { type: 'Block', block: item.block });
    queue.push(...s.orphans.filter((o) => o.block.prev === entry.hash));
    s.orphans = s.orphans.filter((o) => o.block.prev !== entry.hash);
  }
}

function onSlot(node: Node): void {
  const { s, env, id } = node;
  const slot = nowSlot(node);
  if (slot > node.lastSlot) return; // The run's slots are over: the chain rests.
  env.setTimer('slot', (slot + 1) * node.slotMs - env.now());
  const tip = tipOf(s.chain);
  if (slot <= tip.block.slot) return;
  const coinAge = coinAgeAt(s.chain, node.params, tip, id, slot);
  if (!eligible(node.params, tip.hash, id, slot, coinAge)) return;
  const body = { height: tip.block.height + 1, prev: tip.hash, slot, minter: id };
  const block: Block = { ...body, sig: node.scheme.sign(id, payloadOf(body)) };
  receive(node, { block, from: id, flood: false });
  env.output({ type: 'minted', hash: tipOf(s.chain).hash, coinAge });
  env.broadcast({ type: 'Block', block });
}

function isBlock(b: unknown): b is Block {
  const x = b as Block | null;
  const int = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
  return (
    typeof x === 'object' &&
    x !== null &&
    int(x.height) &&
    typeof x.prev === 'string' &&
    int(x.slot) &&
    int(x.minter) &&
    typeof x.sig === 'string'
  );
}

export function createMinter(
  id: NodeId,
  params: PosParams,
  scheme: SignatureScheme,
  timing: { slotMs: number; lastSlot: number },
): Process<PosMessage, PosOutput, PosState> {
  const state: PosState = { chain: newChain(), orphans: [] };
  const nodeOf = (env: E): Node => ({ id, s: state, env, params, scheme, ...timing });
  return {
    state,
    onStart(env) {
      const node = nodeOf(env);
      for (const key of env.storage.keys('block/')) {
        const block = env.storage.get<Block>(key);
        if (block === undefined) continue;
        const c = checkBlock(state.chain, params, scheme, block, Number.MAX_SAFE_INTEGER);
        if (c.kind === 'valid') addEntry(state.chain, c.entry);
      }
      env.setTimer('slot', (nowSlot(node) + 1) * timing.slotMs - env.now());
    },
    onMessage(env, from, m) {
      const node = nodeOf(env);
      if (m.type === 'GetBlock') {
        const entry = typeof m.hash === 'string' ? state.chain.blocks.get(m.hash) : undefined;
        if (entry !== undefined && entry.block.height > 0)
          env.send(from, { type: 'BlockResponse', block: entry.block });
        return;
      }
      if (!isBlock(m.block)) {
        env.note(`rejected a malformed block from ${from}`);
        return;
      }
      receive(node, { block: m.block, from, flood: m.type === 'Block' });
    },
    onTimer(env, name) {
      if (name === 'slot') onSlot(nodeOf(env));
    },
  };
}
