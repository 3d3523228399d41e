// byzantine/signed-messages — SM(m), Lamport, Shostak and Pease, "The Byzantine Generals
// Problem" (TOPLAS 1982) §4 [001 §2.3, 004]; the process is signed-messages.ts. Registry
// entry: the generals' options, interactive consistency, the premise metric, the message
// count and the scenarios. The signature scheme is a parameter (`signedMessagesWith`),
// Ed25519 via node:crypto by default; a browser host passes its own (signature-scheme.ts).

import { defineAlgorithm } from '../../../core/algorithm.js';
import { type DecideOutput, generalsMetrics, synchronousModel } from '../generals.js';
import { ed25519Scheme } from './ed25519-node.js';
import {
  signedMessagesInvariants,
  signedMessagesLiveness,
  smLoyalMessageCount,
  smPremise,
} from './invariants.js';
import { parseSignedMessage, type SignedOrder } from './messages.js';
import {
  type SignedMessagesOptions,
  signedMessagesConfig,
  signedMessagesOptionSpecs,
} from './options.js';
import { signedMessagesScenarios } from './scenarios.js';
import { type SignatureSchemeFactory, schemePerRun } from './signature-scheme.js';
import { createSignedMessages } from './signed-messages.js';
import type { SignedMessagesState } from './state.js';

export { smLoyalMessageCount } from './invariants.js';
export type { Signature, SignedOrder } from './messages.js';
export type { SignatureScheme, SignatureSchemeFactory } from './signature-scheme.js';
export type { SignedMessagesState } from './state.js';

export function signedMessagesWith(schemeOf: SignatureSchemeFactory) {
  const schemeFor = schemePerRun<SignedMessagesOptions>(schemeOf);
  return defineAlgorithm<SignedOrder, DecideOutput, SignedMessagesState, SignedMessagesOptions>({
    name: 'byzantine/signed-messages',
    family: 'byzantine',
    summary: 'SM(m): signed relay, choice(V); agreement with any number of traitors ≤ m',
    seed: '001 §2.3; 004',
    nodes: { default: 4, min: 2, max: 16 },
    durationMs: 1_000,
    livenessDeadlineMs: 1_000,
    options: signedMessagesOptionSpecs,
    create: (id, ctx) =>
      createSignedMessages(signedMessagesConfig(ctx.options, schemeFor(ctx)), id),
    parseMessage: (raw, ctx) => parseSignedMessage(raw, ctx.nodes.length),
    invariants: (ctx) => signedMessagesInvariants(ctx.nodes, ctx.options),
    liveness: (ctx) => signedMessagesLiveness(ctx.nodes, ctx.options),
    metrics: (view, ctx) => ({
      ...generalsMetrics(view, ctx.nodes, ctx.options),
      premise: smPremise(ctx.nodes, ctx.options),
    }),
    messageCount: {
      formula:
        '(n−1) orders + (n−1)(n−2) relays = (n−1)² with a loyal commander and m ≥ 1 ' +
        '(each lieutenant relays each new value once; a two-faced commander doubles the relays)',
      compare: (view, ctx) => ({
        expected: smLoyalMessageCount(ctx.nodes.length, ctx.options.m),
        measured: view.stats.sent,
      }),
    },
    faultModel: (opts) => synchronousModel(opts),
    scenarios: signedMessagesScenarios,
  });
}

export const signedMessages = signedMessagesWith(ed25519Scheme);
