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

import type { Env, NodeId, Process } from '../../../core/process.js';
import {
  type DecideOutput,
  flip,
  type GeneralState,
  type GeneralsOptions,
  isOrder,
  type Order,
  RETREAT,
  type Strategy,
  traitorOrder,
} from '../generals.js';
import type { Signature, SignedOrder } from './messages.js';
import type { SignatureScheme } from './signature-scheme.js';

export interface SignedMessagesState extends GeneralState {
  readonly traitor: boolean;
  /** The paper's V_i: the orders received with a valid chain, in arrival order. */
  values: Order[];
  /** New values received this round, relayed at the next round boundary. */
  pending: SignedOrder[];
}

type E = Env<SignedOrder, DecideOutput>;

/** What signer k signs: the order and every signature before its own. */
export function signedPayload(value: Order, before: readonly Signature[]): string {
  return [value, ...before.map((s) => `${s.signer}:${s.sig}`)].join('|');
}

/** Checks the chain: commander first, distinct signers, each signature valid, last = sender. */
export function verifyChain(
  m: SignedOrder,
  from: NodeId,
  self: NodeId,
  opts: GeneralsOptions,
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

interface General {
  readonly id: NodeId;
  readonly opts: GeneralsOptions;
  readonly scheme: SignatureScheme;
  /** Keys this general may sign with: its own, plus fellow traitors' if it is a traitor. */
  readonly ring: ReadonlySet<NodeId>;
}

/** Appends this general's signature (as `as`, with its own key if `as` is not in its ring). */
function extend(g: General, value: Order, chain: readonly Signature[], as: NodeId): Signature[] {
  const key = g.ring.has(as) ? as : g.id;
  return [...chain, { signer: as, sig: g.scheme.sign(key, signedPayload(value, chain)) }];
}

function send(env: E, to: NodeId, value: Order, signatures: Signature[]): void {
  env.send(to, { type: 'SignedOrder', value, signatures });
}

function commanderSends(g: General, s: SignedMessagesState, env: E): void {
  for (const to of env.peers) {
    const value = s.traitor ? traitorOrder(g.opts.strategy, g.opts.order, to, env) : g.opts.order;
    if (value !== null) send(env, to, value, extend(g, value, [], g.id));
  }
}

/** What a traitor lieutenant does instead of relaying honestly to `to`. */
function lieutenantLie(strategy: Strategy, to: NodeId, env: E): 'relay' | 'withhold' | 'forge' {
  switch (strategy) {
    case 'silent':
      return 'withhold';
    case 'invert':
      return 'forge';
    case 'lie-half':
      return to % 2 === 0 ? 'forge' : 'relay';
    case 'random':
      return env.random.pick(['relay', 'withhold', 'forge'] as const);
  }
}

/** Step 2(B)(ii): pass a new value on to every lieutenant not on the chain. */
function relay(g: General, s: SignedMessagesState, env: E, m: SignedOrder): void {
  const onChain = new Set(m.signatures.map((x) => x.signer));
  const honest = extend(g, m.value, m.signatures, g.id);
  for (const to of env.peers) {
    if (onChain.has(to)) continue;
    if (!s.traitor) {
      send(env, to, m.value, honest);
      continue;
    }
    const lie = lieutenantLie(g.opts.strategy, to, env);
    if (lie === 'relay') send(env, to, m.value, honest);
    else if (lie === 'forge') {
      // Claim the commander ordered the opposite: valid only if the commander is a traitor.
      const forged = flip(m.value);
      send(env, to, forged, extend(g, forged, extend(g, forged, [], g.opts.commander), g.id));
    }
  }
}

export function createSignedMessages(
  id: NodeId,
  opts: GeneralsOptions,
  scheme: SignatureScheme,
): Process<SignedOrder, DecideOutput, SignedMessagesState> {
  const traitor = opts.traitors.includes(id);
  const ring = new Set(traitor ? [id, ...opts.traitors] : [id]);
  const g: General = { id, opts, scheme, ring };
  const state: SignedMessagesState = { traitor, decision: null, values: [], pending: [] };
  return {
    state,
    onStart(env) {
      if (id === opts.commander) {
        state.decision = opts.order;
        commanderSends(g, state, env);
        return;
      }
      env.setTimer('decide', (opts.m + 2) * opts.roundMs);
      env.setTimer('round', opts.roundMs);
    },
    onMessage(env, from, m) {
      if (state.decision !== null) return;
      if (m.type !== 'SignedOrder' || !verifyChain(m, from, id, opts, scheme)) {
        env.note(`rejected an order from ${from}: bad signature chain`);
        return;
      }
      if (state.values.includes(m.value)) return; // Step 2(B): only a new value is relayed.
      state.values.push(m.value);
      if (m.signatures.length <= opts.m) state.pending.push(m);
    },
    onTimer(env, name) {
      if (state.decision !== null) return;
      if (name === 'round') {
        // Relays leave at round boundaries, so every lieutenant hears the commander (round
        // 1) before any relay (round 2): the run is the paper's synchronous rounds.
        for (const m of state.pending) relay(g, state, env, m);
        state.pending = [];
        env.setTimer('round', opts.roundMs);
        return;
      }
      if (name !== 'decide') return;
      state.decision = choice(state.values);
      env.output({ type: 'decide', value: state.decision });
    },
  };
}
