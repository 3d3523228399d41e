// A DPoS node: every node is a stakeholder and keeps the chain; at each slot boundary the
// scheduled delegate signs a block on its tip and floods it. Blocks whose parent is unknown
// wait while the node fetches the parent (GetBlock; the node skeleton is
// shared/slot-chain-node.ts). Two signed blocks from one producer for
// one slot become evidence, which the next block this node produces carries — from the next
// round on, the culprit is out of the schedule.
//
// Fault model: crash-recovery (the chain is durable under `block/<height>/<hash>`), any
// network fault. Byzantine: `--malicious` delegates sign two different blocks per slot.

import type { Env, NodeId, Process } from '../../../core/process.js';
import type { SignatureScheme } from '../../byzantine/signed-messages/signature-scheme.js';
import { type Arrival, blockKey } from '../shared/block-relay.js';
import { slotChainNode } from '../shared/slot-chain-node.js';
import {
  addEntry,
  type Block,
  bannedAt,
  type Chain,
  checkBlock,
  type Entry,
  type Evidence,
  lastIrreversible,
  newChain,
  payloadOf,
  producerFor,
  tipOf,
} from './chain.js';
import { type DposMessage, isDposBlock } from './messages.js';
import type { Electorate } from './schedule.js';

export type DposOutput =
  | { readonly type: 'accepted'; readonly hash: string; readonly block: Block }
  | { readonly type: 'produced'; readonly hash: string; readonly slot: number }
  | { readonly type: 'lib'; readonly height: number; readonly hash: string }
  | { readonly type: 'reorg'; readonly depth: number; readonly abandoned: readonly string[] };

export interface DposOptions {
  readonly delegates: number;
  readonly slotMs: number;
  readonly malicious: readonly number[];
  readonly rounds: number;
}

export interface DposState {
  readonly chain: Chain;
  /** Evidence seen but not yet on this node's chain. */
  pendingEvidence: Evidence[];
  /** (producer, slot) → the first signed block seen, to catch a second one. */
  readonly seenSlots: Map<string, Block>;
  orphans: Arrival<Block>[];
  lib: { height: number; hash: string };
}

type E = Env<DposMessage, DposOutput>;

interface Node {
  readonly id: NodeId;
  readonly s: DposState;
  readonly env: E;
  readonly opts: DposOptions;
  readonly electorate: Electorate;
  readonly scheme: SignatureScheme;
}

function noteDoubleProduction(node: Node, b: Block): void {
  const key = `${b.producer}@${b.slot}`;
  const first = node.s.seenSlots.get(key);
  if (first === undefined) {
    node.s.seenSlots.set(key, b);
    return;
  }
  if (first.sig === b.sig || node.s.pendingEvidence.some((x) => x.producer === b.producer)) return;
  node.s.pendingEvidence.push({
    producer: b.producer,
    slot: b.slot,
    payloads: [payloadOf(first), payloadOf(b)],
    sigs: [first.sig, b.sig],
  });
}

function accept(node: Node, entry: Entry): void {
  const { s, env } = node;
  env.storage.set(blockKey(entry.block.height, entry.hash), entry.block);
  env.output({ type: 'accepted', hash: entry.hash, block: entry.block });
  noteDoubleProduction(node, entry.block);
  const { moved, abandoned } = addEntry(s.chain, entry, s.lib.hash);
  if (!moved) return;
  if (abandoned.length > 0)
    env.output({ type: 'reorg', depth: abandoned.length, abandoned: abandoned.map((x) => x.hash) });
  const lib = lastIrreversible(s.chain, node.electorate);
  if (lib.block.height > s.lib.height) {
    s.lib = { height: lib.block.height, hash: lib.hash };
    env.output({ type: 'lib', height: lib.block.height, hash: lib.hash });
  }
}

function sign(node: Node, body: Omit<Block, 'sig'>): Block {
  return { ...body, sig: node.scheme.sign(node.id, payloadOf(body)) };
}

/** At a slot boundary: produce if this node is the scheduled delegate on its tip. */
function produce(node: Node, slot: number, receive: (a: Arrival<Block>) => void): void {
  const { s, env, id, opts } = node;
  const tip = tipOf(s.chain);
  if (slot <= tip.block.slot || producerFor(s.chain, node.electorate, tip, slot) !== id) return;
  // Evidence already on this chain is not news; a delegate never accuses itself.
  const banned = bannedAt(s.chain, tip);
  const evidence = s.pendingEvidence.filter((x) => x.producer !== id && !banned.has(x.producer));
  const body = {
    height: tip.block.height + 1,
    prev: tip.hash,
    slot,
    producer: id,
    nonce: 0,
    evidence,
  };
  const block = sign(node, body);
  if (!opts.malicious.includes(id)) {
    receive({ block, from: id, flood: false });
    env.broadcast({ type: 'Block', block });
    env.output({ type: 'produced', hash: tipOf(s.chain).hash, slot });
    return;
  }
  // A malicious delegate signs a second block for the same slot and shows each half one.
  const twin = sign(node, { ...body, nonce: 1 });
  receive({ block, from: id, flood: false });
  env.output({ type: 'produced', hash: tipOf(s.chain).hash, slot });
  for (const to of env.peers) env.send(to, { type: 'Block', block: to % 2 === 0 ? block : twin });
}

export function createProducer(
  id: NodeId,
  opts: DposOptions,
  electorate: Electorate,
  scheme: SignatureScheme,
): Process<DposMessage, DposOutput, DposState> {
  const chain = newChain();
  const state: DposState = {
    chain,
    pendingEvidence: [],
    seenSlots: new Map(),
    orphans: [],
    lib: { height: 0, hash: chain.genesis },
  };
  const nodeOf = (env: E): Node => ({ id, s: state, env, opts, electorate, scheme });
  return slotChainNode(state, {
    slotMs: opts.slotMs,
    // Slots 0 .. rounds·D − 1; after them the chain rests, so counts are exact.
    lastSlot: opts.rounds * electorate.delegates - 1,
    isBlock: isDposBlock,
    check: (block, nowSlot) => checkBlock(state.chain, electorate, scheme, block, nowSlot),
    restore: (entry) => addEntry(state.chain, entry),
    restored() {
      const lib = lastIrreversible(state.chain, electorate);
      state.lib = { height: lib.block.height, hash: lib.hash };
    },
    accept: (env: E, entry) => accept(nodeOf(env), entry),
    onSlot: (env: E, slot, receive) => produce(nodeOf(env), slot, receive),
  });
}
