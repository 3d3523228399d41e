// chain/pos — proof of stake by stake × coin age [003, 004] (Peercoin's kernel, simplified;
// see chain.ts). Node i holds `stakes[i]` coins (default 10·i). The chance to mint in a slot
// grows with stake and with the slots since the node last minted on the chain, so blocks
// spread in proportion to stake over time, and minting resets the minter's coin age.
//
// Fault model: see minter.ts.

import { defineAlgorithm } from '../../../core/algorithm.js';
import { ed25519Scheme } from '../../byzantine/signed-messages/ed25519-node.js';
import type { SignatureSchemeFactory } from '../../byzantine/signed-messages/signature-scheme.js';
import { floodedBlockCount } from '../shared/chain-checks.js';
import { schemePerRun } from '../shared/scheme-per-run.js';
import { posInvariants, posLiveness, posMetrics } from './checks.js';
import { type PosMessage, parsePosMessage } from './messages.js';
import { createMinter, type PosOutput, type PosState } from './minter.js';
import { type PosOptions, posOptionSpecs, posParams } from './params.js';

export type { PosMessage } from './messages.js';
export type { PosOutput, PosState } from './minter.js';
export { posParams } from './params.js';

/** The algorithm with a given signature scheme (a browser host passes its own). */
export function posWith(schemeOf: SignatureSchemeFactory) {
  const schemeFor = schemePerRun<PosOptions>(schemeOf);
  return defineAlgorithm<PosMessage, PosOutput, PosState, PosOptions>({
    name: 'chain/pos',
    family: 'chain',
    summary: 'Proof of stake: mint when the kernel hash is below stake × coin age; most trust wins',
    seed: '003; 004',
    nodes: { default: 5, min: 1, max: 32 },
    durationMs: 3_000,
    livenessDeadlineMs: 2_000,
    options: posOptionSpecs,
    create: (id, ctx) =>
      createMinter(id, posParams(ctx.nodes, ctx.options), schemeFor(ctx), {
        slotMs: ctx.options.slotMs,
        lastSlot: ctx.options.slots,
      }),
    parseMessage: (raw, ctx) => parsePosMessage(raw, ctx.nodes.length),
    invariants: (ctx) => posInvariants(ctx, schemeFor(ctx)),
    liveness: () => posLiveness(),
    metrics: (view, ctx) => posMetrics(view, ctx),
    messageCount: {
      formula: '(n−1)² Block messages per minted block (flooding, as in chain/pow)',
      compare: floodedBlockCount('minted'),
    },
    scenarios: [
      {
        name: 'stake-weighted',
        description:
          'Stakes 10, 10, 10, 10, 60: the rich node mints most blocks, the others still some.',
        faults: '',
        options: { stakes: [10, 10, 10, 10, 60] },
        expect: { safety: 'hold', liveness: 'hold' },
      },
      {
        name: 'offline-staker',
        description:
          'The richest staker (node 5) goes offline: the ' +
          'others mint on; their coin age grows meanwhile.',
        faults: 'crash 5 @500',
        expect: { safety: 'hold', liveness: 'hold' },
      },
      {
        name: 'partition-fork',
        description:
          'Both sides mint during a partition; on heal the side with more consumed coin age wins.',
        faults: 'partition 1,2|3,4,5 @300..1500',
        expect: { safety: 'hold', liveness: 'hold' },
      },
    ],
  });
}

export const pos = posWith(ed25519Scheme);
