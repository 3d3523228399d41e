// Mining on a chain/pow node: `hashrate` real double-SHA-256 attempts per 20 ms tick on a
// template of the tip (Bitcoin's header, coinbase with BIP34 height and extraNonce), and the
// forger's invalid blocks (the easiest target instead of the required one, or no work).

import { assert } from '../../../core/assert.js';
import {
  type Block,
  checkBlock,
  coinbase,
  minimumTime,
  requiredBits,
  TIME_BASE,
  tipOf,
} from './block-tree.js';
import { decodeCompact, meetsTarget, targetBytes } from './compact.js';
import { type BlockHeader, headerHex, serializeHeader, sha256d } from './header.js';
import { accept, type X } from './intake.js';
import { merkleRootOfTxs } from './merkle.js';
import { hashrateOf, SIM_POW_LIMIT_BITS } from './options.js';

/**
 * The header this node mines on its tip now, and its transactions. The parts that depend
 * only on the tip (bits, Merkle root, median time) are computed once per tip (the state's
 * `template` memo); the time is refreshed every tick, as miners do.
 */
function template(x: X): { header: BlockHeader; txs: string[]; target: Uint8Array } {
  const { s, env, c } = x;
  let t = s.template;
  if (t === null || t.tip !== s.tree.tip || t.extraNonce !== s.extraNonce) {
    const tip = tipOf(s.tree);
    const txs = [coinbase(tip.height + 1, env.id, s.extraNonce)];
    const bits = requiredBits(s.tree, c.params, tip);
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
    s.template = t;
  }
  const time = Math.max(TIME_BASE + Math.floor(env.now()), t.minTime);
  return { header: { ...t.header, time }, txs: t.txs, target: t.target };
}

/** One tick of mining: `hashrate` real double-SHA-256 attempts on the current template. */
export function mineTick(x: X): void {
  const { s, env, c } = x;
  const rate = hashrateOf(c, env.id);
  if (rate === 0) return;
  const { header, txs, target } = template(x);
  const bytes = Buffer.from(serializeHeader(header));
  for (let i = 0; i < rate; i++) {
    s.nonce = (s.nonce + 1) >>> 0;
    if (s.nonce === 0) s.extraNonce++; // A new template next tick (Bitcoin's extraNonce).
    bytes.writeUInt32LE(s.nonce, 76);
    s.hashes++;
    if (!meetsTarget(sha256d(bytes), target)) continue;
    const block: Block = { header: headerHex({ ...header, nonce: s.nonce }), txs };
    const checked = checkBlock(s.tree, c.params, block);
    assert(checked.kind === 'valid', 'a block this node mined is valid');
    accept(x, block, checked.entry);
    env.output({ type: 'mined', hash: checked.entry.hash, height: checked.entry.height });
    if (s.withholding) s.withheld.push(block);
    else env.broadcast({ type: 'Block', block });
    return;
  }
}

/** A forger's invalid block: the easiest target instead of the required one, or no work. */
export function forgeBlock(x: X): void {
  const { env } = x;
  const { header, txs } = template(x);
  const cheap = env.random.chance(1, 2);
  const bits = cheap ? SIM_POW_LIMIT_BITS : header.bits;
  const target = targetBytes(decodeCompact(bits).target);
  for (let nonce = env.random.int(2 ** 32), i = 0; i < 1_000; i++, nonce = (nonce + 1) >>> 0) {
    const bytes = serializeHeader({ ...header, bits, nonce });
    // A cheap block carries valid work for the wrong target; the other fails its own target.
    if (meetsTarget(sha256d(bytes), target) === cheap) {
      env.broadcast({
        type: 'Block',
        block: { header: headerHex({ ...header, bits, nonce }), txs },
      });
      return;
    }
  }
}
