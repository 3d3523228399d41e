// byzantine/pbft — Practical Byzantine Fault Tolerance (Castro and Liskov, OSDI 1999), beyond
// the notes: 3f+1 replicas order client requests with pre-prepare, prepare and commit; a
// client accepts f+1 matching replies; a faulty primary is replaced by a view change. The
// process is pbft.ts. Signatures are Ed25519 through the SignatureScheme of
// byzantine/signed-messages; a browser host passes its own (`pbftWith`).

import { defineAlgorithm } from '../../../core/algorithm.js';
import { ed25519Scheme } from '../signed-messages/ed25519-node.js';
import { type SignatureSchemeFactory, schemePerRun } from '../signed-messages/signature-scheme.js';
import { pbftInvariants, pbftLiveness } from './invariants.js';
import { type PbftMessage, type PbftOutput, parsePbftMessage } from './messages.js';
import { pbftMessageCount, pbftMetrics } from './metrics.js';
import { type PbftOptions, pbftConfig, pbftOptionSpecs } from './options.js';
import { createPbft, deliverPbft } from './pbft.js';
import { pbftScenarios } from './scenarios.js';
import type { PbftState } from './state.js';

export type { PbftMessage, PbftOutput } from './messages.js';
export type { PbftState } from './state.js';

export function pbftWith(schemeOf: SignatureSchemeFactory) {
  const schemeFor = schemePerRun<PbftOptions>(schemeOf);
  return defineAlgorithm<PbftMessage, PbftOutput, PbftState, PbftOptions>({
    name: 'byzantine/pbft',
    family: 'byzantine',
    summary: 'PBFT: 3f+1 replicas, pre-prepare/prepare/commit, view change; f+1 replies',
    seed: 'beyond the notes (001 §2.3 Byzantine generals)',
    nodes: { default: 4, min: 1, max: 16 },
    durationMs: 2_000,
    livenessDeadlineMs: 4_000,
    options: pbftOptionSpecs,
    create: (id, ctx) =>
      createPbft(pbftConfig(ctx.nodes, ctx.options, schemeFor(ctx), deliverPbft), id),
    parseMessage: (raw, ctx) => parsePbftMessage(raw, ctx.nodes.length),
    invariants: (ctx) => pbftInvariants(ctx.options),
    liveness: (ctx) => pbftLiveness(ctx.options),
    metrics: (view, ctx) => pbftMetrics(view, ctx),
    messageCount: pbftMessageCount,
    faultModel: () => ({
      tolerates: [
        'partition',
        'block',
        'drift',
        'drop',
        'corrupt',
        'dup',
        'reorder',
        'delay',
        'pause',
      ],
      assumption:
        'at most f Byzantine replicas; a crash counts as one (volatile log, no checkpoints)',
    }),
    scenarios: pbftScenarios,
  });
}

export const pbft = pbftWith(ed25519Scheme);
