// The SM(m) general (Lamport, Shostak and Pease 1982, §4). The commander signs its order and
// sends it to every lieutenant. A lieutenant that receives a correctly signed order v with
// signature chain 0:j1:…:jk adds v to its set V; if v is new and k < m, it signs the chain
// and sends it on to every lieutenant not on it — at the next round boundary, as in the
// paper's synchronous rounds. At the deadline it obeys choice(V): the single value in V,
// else RETREAT.
//
// Traitors cannot forge a loyal general's signature: a traitor signs only with the keys of
// its ring (its own, and its fellow traitors' — traitors may collude). Strategies:
//   commander: as in OM (lie-half, invert, silent, random), each lie properly signed;
//   lieutenant: silent (relays nothing), invert (sends the inverted order under the
//   commander's name instead — a forgery unless the commander is a fellow traitor), lie-half
//   (relays honestly to odd ids and inverts to even ones), random (each relay honest,
//   withheld or inverted at random).
//
// Fault model: the synchronous system of ../generals.ts; no durable state.

import { assert } from '../../../core/assert.js';
import { defineProcess, type Step } from '../../../core/kernel.js';
import type { NodeId } from '../../../core/process.js';
import {
  type DecideOutput,
  flip,
  isOrder,
  type Order,
  RETREAT,
  type Strategy,
  traitorOrder,
} from '../generals.js';
import type { Signature, SignedOrder } from './messages.js';
import type { SignedMessagesConfig, SignedMessagesOptions } from './options.js';
import type { SignatureScheme } from './signature-scheme.js';
import { initSignedMessagesState, type SignedMessagesState } from './state.js';

type X = Step<SignedOrder, DecideOutput, SignedMessagesState, SignedMessagesConfig>;

/** `round`: relays leave at round boundaries; `decide`: the synchronous deadline. */
export type SignedMessagesTimer = 'round' | 'decide';

/** What signer k signs: the order and every signature before its own. */
export function signedPayload(value: Order, before: readonly Signature[]): string {
  return [value, ...before.map((s) => `${s.signer}:${s.sig}`)].join('|');
}

/** Checks the chain: commander first, distinct signers, each signature valid, last = sender. */
export function verifyChain(
  m: SignedOrder,
  from: NodeId,
  self: NodeId,
  opts: SignedMessagesOptions,
  scheme: SignatureScheme,
): boolean {
  const chain = m.signatures;
  if (!isOrder(m.value) || !Array.isArray(chain)) return false;
  if (chain.length < 1 || chain.length > opts.m + 1) return false;
  if (chain[0]?.signer !== opts.commander || chain.at(-1)?.signer !== from) return false;
  const signers = chain.map((s) => s.signer);
  if (signers.includes(self) || new Set(signers).size !== signers.length) return false;
  return chain.every(
    (s, i) =>
      typeof s.sig === 'string' &&
      scheme.verify(s.signer, signedPayload(m.value, chain.slice(0, i)), s.sig),
  );
}

/** choice(V) of §4: the only value, or RETREAT when V is empty or holds both. */
export function choice(values: readonly Order[]): Order {
  return values.length === 1 && values[0] !== undefined ? values[0] : RETREAT;
}

/**
 * Appends this general's signature as `as`: with `as`'s key if it is in this general's key
 * ring (its own; a traitor's ring also holds its fellow traitors'), else with its own key
 * (a forgery that verification catches).
 */
function extend({ s, env, c }: X, value: Order, chain: readonly Signature[], as: NodeId) {
  const inRing = as === env.id || (s.traitor && c.traitors.includes(as));
  const key = inRing ? as : env.id;
  return [...chain, { signer: as, sig: c.scheme.sign(key, signedPayload(value, chain)) }];
}

function send(x: X, to: NodeId, value: Order, signatures: Signature[]): void {
  x.env.send(to, { type: 'SignedOrder', value, signatures });
}

function startCommanderSends(x: X): void {
  const { s, env, c } = x;
  for (const to of env.peers) {
    const value = s.traitor ? traitorOrder(c.strategy, c.order, to, env) : c.order;
    if (value !== null) send(x, to, value, extend(x, value, [], env.id));
  }
}

/** What a traitor lieutenant does instead of relaying honestly to `to`. */
function lieutenantLie(strategy: Strategy, to: NodeId, x: X): 'relay' | 'withhold' | 'forge' {
  switch (strategy) {
    case 'silent':
      return 'withhold';
    case 'invert':
      return 'forge';
    case 'lie-half':
      return to % 2 === 0 ? 'forge' : 'relay';
    case 'random':
      return x.env.random.pick(['relay', 'withhold', 'forge'] as const);
  }
}

/** Step 2(B)(ii): pass a new value on to every lieutenant not on the chain. */
function roundRelay(x: X, m: SignedOrder): void {
  const { s, env, c } = x;
  const onChain = new Set(m.signatures.map((sig) => sig.signer));
  const honest = extend(x, m.value, m.signatures, env.id);
  for (const to of env.peers) {
    if (onChain.has(to)) continue;
    if (!s.traitor) {
      send(x, to, m.value, honest);
      continue;
    }
    const lie = lieutenantLie(c.strategy, to, x);
    if (lie === 'relay') send(x, to, m.value, honest);
    else if (lie === 'forge') {
      // Claim the commander ordered the opposite: valid only if the commander is a traitor.
      const forged = flip(m.value);
      send(x, to, forged, extend(x, forged, extend(x, forged, [], c.commander), env.id));
    }
  }
}

export const createSignedMessages = defineProcess<
  SignedOrder,
  DecideOutput,
  SignedMessagesState,
  SignedMessagesConfig,
  SignedMessagesTimer
>({
  init: initSignedMessagesState,
  onStart(x) {
    const { s, env, c } = x;
    if (env.id === c.commander) {
      s.decision = c.order;
      startCommanderSends(x);
      assert(s.decision === c.order, 'the commander obeys its own order');
      return;
    }
    env.setTimer('decide', (c.m + 2) * c.roundMs);
    env.setTimer('round', c.roundMs);
    assert(s.decision === null && s.values.length === 0, 'a lieutenant starts knowing nothing');
  },
  onMessage: {
    SignedOrder(x, from, m) {
      const { s, env, c } = x;
      if (s.decision !== null) return;
      if (!verifyChain(m, from, env.id, c, c.scheme)) {
        env.note(`rejected an order from ${from}: bad signature chain`);
        return;
      }
      if (s.values.includes(m.value)) return; // Step 2(B): only a new value is relayed.
      s.values.push(m.value);
      if (m.signatures.length <= c.m) s.pending.push(m);
      assert(env.id !== c.commander, 'no valid chain leads back to the commander');
      assert(s.values.length <= 2, 'V holds each of the two orders at most once');
    },
  },
  onTimer: {
    round(x) {
      const { s, env, c } = x;
      if (s.decision !== null) return;
      // Relays leave at round boundaries, so every lieutenant hears the commander (round 1)
      // before any relay (round 2): the run is the paper's synchronous rounds.
      for (const m of s.pending) roundRelay(x, m);
      s.pending = [];
      env.setTimer('round', c.roundMs);
      assert(env.id !== c.commander, 'only lieutenants relay');
      assert(s.pending.length === 0, 'a round relays everything pending');
    },
    decide(x) {
      const { s, env, c } = x;
      if (s.decision !== null) return;
      s.decision = choice(s.values);
      env.output({ type: 'decide', value: s.decision });
      assert(env.id !== c.commander, 'only lieutenants wait for the deadline');
      assert(isOrder(s.decision), 'a lieutenant decides on an order');
    },
  },
});
