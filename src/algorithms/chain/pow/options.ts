// Options, consensus parameters and the per-run config of chain/pow, scaled down so a
// simulated run mines tens of blocks with REAL double SHA-256 hashing: the starting target makes about 1 hash in 32 a
// block, each node tries `hashrates[i]` nonces every 20 ms of virtual time, and the header's
// time field counts virtual milliseconds (from Bitcoin's genesis timestamp) instead of
// seconds. Retargeting is Bitcoin's rule with `interval` blocks of `blockMs`.

import type { OptionSpecs, OptionsOf } from '../../../core/algorithm.js';
import type { NodeId } from '../../../core/process.js';
import { type Block, genesisBlock } from './block-tree.js';
import { decodeCompact } from './compact.js';
import type { RetargetParams } from './retarget.js';

/** Virtual time per mining step; a node's hash rate is counted in nonces per tick. */
export const TICK_MS = 20;
/** The simulation's easiest target (regtest's limit): bits 0x207fffff. */
export const SIM_POW_LIMIT_BITS = 0x207fffff;

export const powOptionSpecs = {
  hashrates: {
    kind: 'ints',
    default: [],
    description: 'nonces each node tries per 20 ms, in node order (default: 1 each)',
  },
  startBits: {
    kind: 'choice',
    default: '2007ffff',
    choices: ['207fffff', '2007ffff', '2003ffff', '2000ffff'],
    description: 'compact target of the genesis block: about 1 hash in 2, 32, 64 or 256',
  },
  blockMs: { kind: 'int', default: 100, min: 1, max: 600_000, description: 'target block time' },
  interval: { kind: 'int', default: 16, min: 2, max: 2016, description: 'blocks per retarget' },
  attacker: {
    kind: 'int',
    default: 0,
    min: 0,
    max: 64,
    description: 'a node that mines a private chain and releases it at --release-ms (0: none)',
  },
  releaseMs: { kind: 'int', default: 2_000, min: 0, max: 600_000, description: 'see --attacker' },
  forgers: { kind: 'ints', default: [], description: 'nodes that broadcast invalid blocks' },
  finalityDepth: {
    kind: 'int',
    default: 0,
    min: 0,
    max: 1_000,
    description: 'check that no honest node reverts a block this deep (0: off)',
  },
} as const satisfies OptionSpecs;

export type PowOptions = OptionsOf<typeof powOptionSpecs>;

/** Fixed for a run: the options, the retarget rule and the genesis block every node shares. */
export interface PowConfig extends PowOptions {
  readonly params: RetargetParams;
  readonly genesis: Block;
}

export function powConfig(opts: PowOptions): PowConfig {
  const params = retargetParams(opts);
  return { ...opts, params, genesis: genesisBlock(startBitsOf(opts), params.powLimit) };
}

export function retargetParams(opts: PowOptions): RetargetParams {
  return {
    interval: opts.interval,
    spacing: opts.blockMs,
    powLimit: decodeCompact(SIM_POW_LIMIT_BITS).target,
  };
}

export function startBitsOf(opts: PowOptions): number {
  return Number.parseInt(opts.startBits, 16);
}

export function hashrateOf(opts: PowOptions, id: NodeId): number {
  return Math.max(0, opts.hashrates[id - 1] ?? 1);
}

/** Nodes that follow the protocol (neither the attacker nor a forger). */
export function isHonest(opts: PowOptions, id: NodeId): boolean {
  return id !== opts.attacker && !opts.forgers.includes(id);
}
