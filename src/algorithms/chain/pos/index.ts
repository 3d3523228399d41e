// chain/pos — proof of stake by stake × coin age [001 §2.3.2, 003, 004] (Peercoin's kernel,
// simplified; see chain.ts); the process is pos.ts. Registry entry: options, validity and
// fork-choice checks, metrics, the flooding message count and the scenarios.

import { defineAlgorithm } from '../../../core/algorithm.js';
import { ed25519Scheme } from '../../byzantine/signed-messages/ed25519-node.js';
import {
  type SignatureSchemeFactory,
  schemePerRun,
} from '../../byzantine/signed-messages/signature-scheme.js';
import { floodedBlockCount } from '../shared/chain-checks.js';
import { posInvariants, posLiveness } from './invariants.js';
import { type PosMessage, parsePosMessage } from './messages.js';
import { posMetrics } from './metrics.js';
import { type PosOptions, posConfig, posOptionSpecs } from './options.js';
import { createPos } from './pos.js';
import { posScenarios } from './scenarios.js';
import type { PosOutput, PosState } from './state.js';

export type { PosMessage } from './messages.js';
export { posParams } from './options.js';
export type { PosOutput, PosState } from './state.js';

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
    create: (id, ctx) => createPos(posConfig(ctx.nodes, ctx.options, schemeFor(ctx)), id),
    parseMessage: (raw, ctx) => parsePosMessage(raw, ctx.nodes.length),
    invariants: (ctx) => posInvariants(ctx, schemeFor(ctx)),
    liveness: () => posLiveness(),
    metrics: (view, ctx) => posMetrics(view, ctx),
    messageCount: {
      formula: '(n−1)² Block messages per minted block (flooding, as in chain/pow)',
      compare: floodedBlockCount('minted'),
    },
    scenarios: posScenarios,
  });
}

export const pos = posWith(ed25519Scheme);
