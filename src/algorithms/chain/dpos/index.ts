// chain/dpos — delegated proof of stake [001 §2.3.3, 003, 004]; the process is dpos.ts.
// Stakeholders elect a fixed number of delegates by stake-weighted approval voting; the
// delegates produce signed blocks in turn, one per slot, in an order shuffled each round
// from the chain; the longest chain wins and a block confirmed by ⌊2D/3⌋+1 delegates is
// irreversible. Registry entry: options, checks, metrics, fault model, message count,
// scenarios.

import { ALL_FAULT_KINDS, defineAlgorithm } from '../../../core/algorithm.js';
import { ed25519Scheme } from '../../byzantine/signed-messages/ed25519-node.js';
import {
  type SignatureSchemeFactory,
  schemePerRun,
} from '../../byzantine/signed-messages/signature-scheme.js';
import { floodedBlockCount } from '../shared/chain-checks.js';
import { createDpos } from './dpos.js';
import { dposInvariants, dposLiveness } from './invariants.js';
import { type DposMessage, parseDposMessage } from './messages.js';
import { dposMetrics } from './metrics.js';
import { type DposOptions, dposConfig, dposOptionSpecs } from './options.js';
import { dposScenarios } from './scenarios.js';
import type { DposOutput, DposState } from './state.js';

export type { DposMessage } from './messages.js';
export { electorateOf } from './options.js';
export type { DposOutput, DposState } from './state.js';

/** The algorithm with a given signature scheme (a browser host passes its own). */
export function dposWith(schemeOf: SignatureSchemeFactory) {
  const schemeFor = schemePerRun<DposOptions>(schemeOf);
  return defineAlgorithm<DposMessage, DposOutput, DposState, DposOptions>({
    name: 'chain/dpos',
    family: 'chain',
    summary: 'Delegated PoS: stake-weighted votes elect D delegates who sign blocks in turn',
    seed: '003; 004',
    nodes: { default: 7, min: 1, max: 32 },
    durationMs: 3_000,
    livenessDeadlineMs: 2_000,
    options: dposOptionSpecs,
    create: (id, ctx) => createDpos(dposConfig(ctx.nodes, ctx.options, schemeFor(ctx)), id),
    parseMessage: (raw, ctx) => parseDposMessage(raw, ctx.nodes.length),
    invariants: (ctx) => dposInvariants(ctx, schemeFor(ctx)),
    liveness: (ctx) => dposLiveness(ctx),
    metrics: (view, ctx) => dposMetrics(view, ctx),
    faultModel: (opts) => ({
      tolerates: ALL_FAULT_KINDS,
      maxDelayMs: Math.floor(opts.slotMs / 2),
      maxPauseMs: opts.slotMs,
      assumption: 'a block reaches the next producer within its slot (slot-synchronous delivery)',
    }),
    messageCount: {
      formula: '(n−1)² Block messages per produced block (flooding, as in chain/pow)',
      compare: floodedBlockCount('produced'),
    },
    scenarios: dposScenarios,
  });
}

export const dpos = dposWith(ed25519Scheme);
