// chain/pow — proof of work as Bitcoin does it [003, 004; SPEC §3]: real 80-byte headers,
// double SHA-256, compact targets, Bitcoin's retargeting rule (scaled down), miners racing
// in the simulator, forks resolved by the most cumulative work, a 51 % attacker releasing a
// private chain, and forgers whose invalid blocks everyone rejects.
//
// Hashing is REAL (every nonce is double-SHA-256'd) at a low difficulty, and hash rate is
// virtual: node i tries hashrates[i] nonces per 20 ms of simulated time.
//
// Fault model: see miner.ts (crash-recovery, every network fault; Byzantine attacker and
// forgers by option). Safety here is validity and fork choice; finality is probabilistic.

import { defineAlgorithm } from '../../../core/algorithm.js';
import { floodedBlockCount } from '../shared/chain-checks.js';
import { ancestorAt, genesisBlock, tipOf } from './block-tree.js';
import { commonPrefix, powInvariants } from './invariants.js';
import { type PowMessage, parsePowMessage } from './messages.js';
import { createMiner, type PowOutput, type PowState } from './miner.js';
import {
  isHonest,
  type PowOptions,
  powOptionSpecs,
  retargetParams,
  startBitsOf,
} from './params.js';

export type { PowMessage } from './messages.js';
export type { PowOutput, PowState } from './miner.js';

function genesisOf(opts: PowOptions) {
  return genesisBlock(startBitsOf(opts), retargetParams(opts).powLimit);
}

export const pow = defineAlgorithm<PowMessage, PowOutput, PowState, PowOptions>({
  name: 'chain/pow',
  family: 'chain',
  summary: 'Proof of work: Bitcoin headers and retargeting, real SHA-256d, most-work chain',
  seed: '003; 004',
  nodes: { default: 5, min: 1, max: 32 },
  durationMs: 4_000,
  livenessDeadlineMs: 2_000,
  options: powOptionSpecs,
  create: (id, ctx) => createMiner(id, ctx.options, genesisOf(ctx.options)),
  parseMessage: (raw) => parsePowMessage(raw),
  invariants: (ctx) => powInvariants(ctx.options, genesisOf(ctx.options)),
  liveness: (ctx) => [commonPrefix(ctx.options)],
  metrics: (view, ctx) => {
    const honest = view.nodes.filter((n) => n.state !== undefined && isHonest(ctx.options, n.id));
    const best = honest
      .map((n) => tipOf((n.state as PowState).tree))
      .reduce<ReturnType<typeof tipOf> | undefined>(
        (a, b) => (a === undefined || b.chainWork > a.chainWork ? b : a),
        undefined,
      );
    const mined = view.outputs.filter((o) => o.output.type === 'mined');
    const owner = honest.find(
      (n) => best !== undefined && (n.state as PowState).tree.tip === best.hash,
    );
    const tree = owner === undefined ? undefined : (owner.state as PowState).tree;
    const onChain = (hash: string, height: number) =>
      tree !== undefined &&
      best !== undefined &&
      height <= best.height &&
      tree.blocks.has(hash) &&
      ancestorAt(tree, best, height).hash === hash;
    const stale = mined.filter(
      (o) => o.output.type === 'mined' && !onChain(o.output.hash, o.output.height),
    );
    // Reorganisations of honest nodes (the attacker dropping its own losing chain is not one).
    const reorgs = view.outputs.flatMap((o) =>
      o.output.type === 'reorg' && isHonest(ctx.options, o.node) ? [o.output.depth] : [],
    );
    const hashes = view.nodes.reduce((sum, n) => sum + (n.state?.hashes ?? 0), 0);
    return {
      blocks: best?.height ?? 0,
      mined: mined.length,
      forks: stale.length,
      orphanRate: mined.length === 0 ? 0 : Number((stale.length / mined.length).toFixed(4)),
      hashesPerSecond: view.nowMs === 0 ? 0 : Math.round(hashes / (view.nowMs / 1000)),
      reorgs: reorgs.length,
      maxReorgDepth: Math.max(0, ...reorgs),
      tipBits: best === undefined ? null : best.header.bits.toString(16),
    };
  },
  messageCount: {
    formula:
      '(n−1)² Block messages per mined block (the miner sends n−1, every other node ' +
      'forwards once to n−2); GetBlock/BlockResponse only when a block outruns its parent',
    compare: floodedBlockCount('mined'),
  },
  scenarios: [
    {
      name: 'fifty-one-percent',
      description:
        'Node 5 holds 5/9 of the hash power, mines a private chain and releases it at 2 s: ' +
        'every honest node reorganises onto it, reverting blocks 3+ deep.',
      faults: '',
      options: { hashrates: [1, 1, 1, 1, 5], attacker: 5, releaseMs: 2_000, finalityDepth: 3 },
      expect: { safety: 'violated', liveness: 'hold' },
    },
    {
      name: 'minority-attacker',
      description: 'The same attack with 1/9 of the hash power: the private chain loses.',
      faults: '',
      options: { hashrates: [2, 2, 2, 2, 1], attacker: 5, releaseMs: 2_000, finalityDepth: 3 },
      expect: { safety: 'hold', liveness: 'hold' },
    },
    {
      name: 'forger-rejected',
      description: 'Node 3 broadcasts blocks with a too-easy target or no work: all rejected.',
      faults: '',
      options: { forgers: [3] },
      expect: { safety: 'hold', liveness: 'hold' },
    },
    {
      name: 'partition-fork',
      description: 'Both sides of a partition mine; on heal the side with more work wins.',
      faults: 'partition 1,2|3,4,5 @300..2000',
      expect: { safety: 'hold', liveness: 'hold' },
    },
  ],
});
