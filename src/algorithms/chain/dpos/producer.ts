// A DPoS node: every node is a stakeholder and keeps the chain; at each slot boundary the
// scheduled delegate signs a block on its tip and floods it. Blocks whose parent is unknown
// wait while the node fetches the parent (GetBlock). Two signed blocks from one producer for
// one slot become evidence, which the next block this node produces carries — from the next
// round on, the culprit is out of the schedule.
//
// Fault model: crash-recovery (the chain is durable under `block/<height>/<hash>`), any
// network fault. Byzantine: `--malicious` delegates sign two different blocks per slot.

import type { Env, NodeId, Process } from '../../../core/process.js';
import type { SignatureScheme } from '../../byzantine/signed-messages/signature-scheme.js';
import {
  addEntry,
  type Block,
  bannedAt,
  type Chain,
  checkBlock,
  type Evidence,
  lastIrreversible,
  newChain,
  payloadOf,
  producerFor,
  tipOf,
} from './chain.js';
import type { Electorate } from './schedule.js';

export type DposMessage =
  | { readonly type: 'Block'; readonly block: Block }
  | { readonly type: 'GetBlock'; readonly hash: string }
  | { readonly type: 'BlockResponse'; readonly block: Block };

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
  orphans: { readonly block: Block; readonly from: NodeId; readonly flood: boolean }[];
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

const ORPHANS_MAX = 64;

function nowSlot(node: Node): number {
  return Math.floor(node.env.now() / node.opts.slotMs);
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

function accept(node: Node, entry: { hash: string; block: Block }): void {
  const { s, env } = node;
  env.storage.set(
    `block/${String(entry.block.height).padStart(10, '0')}/${entry.hash}`,
    entry.block,
  );
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

/** Validates blocks, then the orphans they unblock (a work list, not recursion). */
function receive(node: Node, first: { block: Block; from: NodeId; flood: boolean }): void {
  const { s, env } = node;
  const queue = [first];
  for (let item = queue.shift(); item !== undefined; item = queue.shift()) {
    const checked = checkBlock(s.chain, node.electorate, node.scheme, item.block, nowSlot(node));
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
    accept(node, checked.entry);
    if (item.flood)
      for (const to of env.peers)
        if (to !== item.from) env.send(to, { type: 'Block', block: item.block });
    const hash = checked.entry.hash;
    queue.push(...s.orphans.filter((o) => o.block.prev === hash));
    s.orphans = s.orphans.filter((o) => o.block.prev !== hash);
  }
}

function sign(node: Node, body: Omit<Block, 'sig'>): Block {
  return { ...body, sig: node.scheme.sign(node.id, payloadOf(body)) };
}

/** At a slot boundary: produce if this node is the scheduled delegate on its tip. */
function onSlot(node: Node): void {
  const { s, env, id, opts } = node;
  const slot = nowSlot(node);
  if (slot >= opts.rounds * node.electorate.delegates) return; // The chain rests.
  env.setTimer('slot', (slot + 1) * opts.slotMs - env.now());
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
    receive(node, { block, from: id, flood: false });
    env.broadcast({ type: 'Block', block });
    env.output({ type: 'produced', hash: tipOf(s.chain).hash, slot });
    return;
  }
  // A malicious delegate signs a second block for the same slot and shows each half one.
  const twin = sign(node, { ...body, nonce: 1 });
  receive(node, { block, from: id, flood: false });
  env.output({ type: 'produced', hash: tipOf(s.chain).hash, slot });
  for (const to of env.peers) env.send(to, { type: 'Block', block: to % 2 === 0 ? block : twin });
}

function restore(node: Node): void {
  for (const key of node.env.storage.keys('block/')) {
    const block = node.env.storage.get<Block>(key);
    if (block === undefined) continue;
    const checked = checkBlock(
      node.s.chain,
      node.electorate,
      node.scheme,
      block,
      Number.MAX_SAFE_INTEGER,
    );
    if (checked.kind === 'valid') addEntry(node.s.chain, checked.entry);
  }
  const lib = lastIrreversible(node.s.chain, node.electorate);
  node.s.lib = { height: lib.block.height, hash: lib.hash };
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
  return {
    state,
    onStart(env) {
      const node = nodeOf(env);
      restore(node);
      env.setTimer('slot', (nowSlot(node) + 1) * opts.slotMs - env.now());
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

function isBlock(b: unknown): b is Block {
  const x = b as Block | null;
  const int = (v: unknown) => Number.isSafeInteger(v) && (v as number) >= 0;
  return (
    typeof x === 'object' &&
    x !== null &&
    int(x.height) &&
    typeof x.prev === 'string' &&
    int(x.slot) &&
    int(x.producer) &&
    int(x.nonce) &&
    typeof x.sig === 'string' &&
    Array.isArray(x.evidence) &&
    x.evidence.every(
      (e) =>
        int(e?.producer) &&
        int(e.slot) &&
        Array.isArray(e.payloads) &&
        e.payloads.length === 2 &&
        Array.isArray(e.sigs) &&
        e.sigs.length === 2 &&
        [...e.payloads, ...e.sigs].every((t) => typeof t === 'string'),
    )
  );
}
