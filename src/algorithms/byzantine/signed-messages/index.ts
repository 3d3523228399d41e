// byzantine/signed-messages — SM(m), Lamport, Shostak and Pease, "The Byzantine Generals
// Problem" (TOPLAS 1982) §4 [001 §2.3, 004]. Orders travel with a chain of real Ed25519
// signatures; a lieutenant relays each new value once, signed, and obeys choice(V) at the
// deadline. Traitors cannot forge a loyal general's signature, so interactive consistency
// holds with any n ≥ m+2 and at most m traitors — even 3 generals with 1 traitor, which OM
// cannot handle (scenario `three-generals`). With more than m traitors a value revealed in
// the last round reaches only some loyal lieutenants (scenario `too-many-traitors`).
//
// The signature scheme is a parameter (`signedMessagesWith`), Ed25519 via node:crypto by
// default; a browser host passes its own (see signature-scheme.ts).
//
// Fault model: synchronous signed messages (see ../generals.ts).

import { defineAlgorithm, type RunContext } from '../../../core/algorithm.js';
import {
  type DecideOutput,
  everyLoyalDecides,
  type GeneralsOptions,
  generalsMetrics,
  generalsOptionSpecs,
  interactiveConsistency,
  synchronousModel,
} from '../generals.js';
import { ed25519Scheme } from './ed25519-node.js';
import { parseSignedMessage, type SignedOrder } from './messages.js';
import type { SignatureScheme, SignatureSchemeFactory } from './signature-scheme.js';
import { createSignedMessages, type SignedMessagesState } from './signed-messages.js';

export type { Signature, SignedOrder } from './messages.js';
export type { SignatureScheme, SignatureSchemeFactory } from './signature-scheme.js';
export type { SignedMessagesState } from './signed-messages.js';

/** Messages of SM(m) with a loyal commander: n−1 orders, then each lieutenant relays once. */
export function smLoyalMessageCount(n: number, m: number): number {
  return m === 0 ? n - 1 : (n - 1) * (n - 1);
}

export function signedMessagesWith(schemeOf: SignatureSchemeFactory) {
  // One scheme per run (every node of a run is created with the same context), so keys are
  // derived once per run rather than once per node.
  const schemes = new WeakMap<RunContext<GeneralsOptions>, SignatureScheme>();
  const schemeFor = (ctx: RunContext<GeneralsOptions>): SignatureScheme => {
    const known = schemes.get(ctx);
    if (known !== undefined) return known;
    const scheme = schemeOf(ctx.seed, ctx.nodes);
    schemes.set(ctx, scheme);
    return scheme;
  };
  return defineAlgorithm<SignedOrder, DecideOutput, SignedMessagesState, GeneralsOptions>({
    name: 'byzantine/signed-messages',
    family: 'byzantine',
    summary: 'SM(m): signed relay, choice(V); agreement with any number of traitors ≤ m',
    seed: '001 §2.3; 004',
    nodes: { default: 4, min: 2, max: 16 },
    durationMs: 1_000,
    livenessDeadlineMs: 1_000,
    options: generalsOptionSpecs,
    create: (id, ctx) => createSignedMessages(id, ctx.options, schemeFor(ctx)),
    parseMessage: (raw, ctx) => parseSignedMessage(raw, ctx.nodes.length),
    invariants: (ctx) => interactiveConsistency(ctx.nodes, ctx.options),
    liveness: (ctx) => [everyLoyalDecides(ctx.nodes, ctx.options)],
    metrics: (view, ctx) => ({
      ...generalsMetrics(view, ctx.nodes, ctx.options),
      premise: ctx.options.traitors.length <= ctx.options.m,
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
    scenarios: [
      {
        name: 'three-generals',
        description:
          'Paper §4: 3 generals, a two-faced commander. Each lieutenant relays the signed ' +
          'order it got, both see {attack, retreat} and retreat: IC1 holds where OM fails.',
        faults: '',
        nodes: 3,
        options: { m: 1, traitors: [1], strategy: 'lie-half' },
        expect: { safety: 'hold', liveness: 'hold' },
      },
      {
        name: 'three-generals-traitor-lieutenant',
        description:
          'Paper Fig. 1 with signatures: lieutenant 3 cannot forge "retreat" under the loyal ' +
          "commander's name, so lieutenant 2 attacks (IC2 holds).",
        faults: '',
        nodes: 3,
        options: { m: 1, traitors: [3], strategy: 'invert' },
        expect: { safety: 'hold', liveness: 'hold' },
      },
      {
        name: 'four-generals-two-traitors',
        description: 'SM(2), commander and lieutenant 2 colluding at random: agreement holds.',
        faults: '',
        nodes: 4,
        options: { m: 2, traitors: [1, 2], strategy: 'random' },
        expect: { safety: 'hold', liveness: 'hold' },
      },
      {
        name: 'too-many-traitors',
        description:
          'SM(1) with 2 colluding traitors: the commander orders attack, lieutenant 3 signs ' +
          '"retreat" with the commander\'s key and shows it only to 4 in the last round; 4 ' +
          'cannot relay it (m+1 signatures), so 2 attacks and 4 retreats. SM(2) would catch it.',
        faults: '',
        nodes: 4,
        options: { m: 1, traitors: [1, 3], strategy: 'random' },
        expect: { safety: 'violated', liveness: 'hold' },
      },
    ],
  });
}

export const signedMessages = signedMessagesWith(ed25519Scheme);
