// A chain/pow node: it keeps the block tree (block-tree.ts), mines on its tip with real
// double SHA-256 — `hashrate` nonces per 20 ms tick (mining.ts) — and floods every new valid
// block to its peers. A block whose parent is unknown waits in a bounded orphan pool while
// the node asks the sender for the parent (GetBlock), walking back until the branch
// connects (intake.ts, ../shared/block-relay.ts).
//
// Fault model: crash-recovery (accepted blocks are durable under `block/<height>/<hash>`, so
// a restarted node rebuilds its tree; mining progress is volatile), any message loss,
// duplication, reordering or partition (the next flooded block and GetBlock repair gaps).
// Misbehaving nodes: an attacker that withholds a private chain until `releaseMs`, and
// forgers that broadcast invalid blocks.

import { assert } from '../../../core/assert.js';
import { defineProcess } from '../../../core/kernel.js';
import { blockSyncHandlers } from '../shared/block-relay.js';
import { type Block, tipOf } from './block-tree.js';
import { headerHash, headerHex } from './header.js';
import { receive, restore } from './intake.js';
import type { PowMessage } from './messages.js';
import { forgeBlock, mineTick } from './mining.js';
import { type PowConfig, TICK_MS } from './options.js';
import { initPowState, type PowOutput, type PowState } from './state.js';

/** `mine`: one tick of hashing; `forge`: a forger's next invalid block; `release`: the
 *  attacker publishes its private chain. */
export type PowTimer = 'mine' | 'forge' | 'release';

export const createPow = defineProcess<PowMessage, PowOutput, PowState, PowConfig, PowTimer>({
  init: initPowState,
  onStart(x) {
    const { s, env, c } = x;
    restore(x);
    s.nonce = env.random.int(2 ** 32);
    if (c.forgers.includes(env.id)) env.setTimer('forge', c.blockMs);
    else env.setTimer('mine', TICK_MS);
    if (env.id === c.attacker && env.now() < c.releaseMs) {
      s.withholding = true;
      env.setTimer('release', c.releaseMs - env.now());
    }
    assert(s.height === tipOf(s.tree).height, 'a restarted node resumes at its stored tip');
    assert(s.withheld.length === 0, 'a fresh incarnation has no private chain');
  },
  onMessage: blockSyncHandlers<Block, PowOutput, PowState, PowConfig>({
    serve({ s }, hash) {
      const entry = s.tree.blocks.get(hash);
      if (entry === undefined) return undefined;
      assert(headerHash(entry.header) === hash, 'the tree indexes blocks by their hash');
      assert(entry.txs.length > 0, 'a block in the tree has its coinbase');
      return { header: headerHex(entry.header), txs: entry.txs };
    },
    // checkBlock rejects a malformed block itself, with the reason in the trace.
    isBlock: (_block): _block is Block => true,
    receive(x, { block, from, flood }) {
      // While withholding, the attacker ignores the public chain and extends its own.
      if (x.s.withholding) return;
      receive(x, { block, parent: '', from, flood });
    },
  }),
  onTimer: {
    mine(x) {
      const { s, env } = x;
      const before = s.hashes;
      mineTick(x);
      env.setTimer('mine', TICK_MS);
      assert(s.hashes >= before, 'hashes tried only grow');
      assert(s.height === tipOf(s.tree).height, 'the height follows the most-work tip');
    },
    forge(x) {
      const { s, env, c } = x;
      forgeBlock(x);
      env.setTimer('forge', c.blockMs);
      assert(c.forgers.includes(env.id), 'only forgers forge');
      assert(s.hashes === 0, 'a forger does not mine');
    },
    release(x) {
      const { s, env, c } = x;
      s.withholding = false;
      for (const block of s.withheld) env.broadcast({ type: 'Block', block });
      s.withheld = [];
      assert(env.id === c.attacker, 'only the attacker releases a private chain');
      assert(!s.withholding && s.withheld.length === 0, 'a released chain is public');
    },
  },
});
