// The OM(m) general: a commander that sends its order, lieutenants that relay every value
// they receive along a path of fewer than m+1 generals to everyone not yet on it, and decide
// at the synchronous deadline by evaluating the path tree (paths.ts). Traitors run the same
// code but distort every value they send (generals.ts strategies).
//
// Fault model: the paper's synchronous oral-message system (generals.ts): no durable state
// is kept because loyal generals do not crash in that model; a crashed general is a traitor.

import type { Env, NodeId, Process } from '../../../core/process.js';
import {
  type DecideOutput,
  type GeneralState,
  type GeneralsOptions,
  isOrder,
  type Order,
  traitorOrder,
} from '../generals.js';
import type { OrderMessage } from './messages.js';
import { decide, pathKey } from './paths.js';

export interface OralMessagesState extends GeneralState {
  readonly traitor: boolean;
  /** The value received along each path (key: ids joined by '.'); the first copy wins. */
  received: Record<string, Order>;
}

type E = Env<OrderMessage, DecideOutput>;

/** Whether a received message is one OM(m) can produce: A2 — the last sender is `from`. */
export function isValidOrder(
  m: OrderMessage,
  from: NodeId,
  self: NodeId,
  nodes: readonly NodeId[],
  opts: GeneralsOptions,
): boolean {
  const path = m.path;
  if (!isOrder(m.value) || !Array.isArray(path)) return false;
  if (path.length < 1 || path.length > opts.m + 1) return false;
  if (path[0] !== opts.commander || path.at(-1) !== from) return false;
  if (path.includes(self) || new Set(path).size !== path.length) return false;
  return path.every((id) => Number.isInteger(id) && nodes.includes(id));
}

/** Sends `v` along `path` to every general not on it (and not this one). */
function relay(s: OralMessagesState, env: E, opts: GeneralsOptions, path: NodeId[], v: Order) {
  for (const to of env.peers) {
    if (path.includes(to)) continue;
    const value = s.traitor ? traitorOrder(opts.strategy, v, to, env) : v;
    if (value !== null) env.send(to, { type: 'Order', value, path });
  }
}

export function createOralMessages(
  id: NodeId,
  nodes: readonly NodeId[],
  opts: GeneralsOptions,
): Process<OrderMessage, DecideOutput, OralMessagesState> {
  const state: OralMessagesState = {
    traitor: opts.traitors.includes(id),
    decision: null,
    received: {},
  };
  return {
    state,
    onStart(env) {
      if (id === opts.commander) {
        // A loyal commander obeys its own order; OM(m) step (1) sends it to every lieutenant.
        state.decision = opts.order;
        relay(state, env, opts, [id], opts.order);
        return;
      }
      // The synchronous bound: a path of m+1 hops has arrived by (m+1)·roundMs.
      env.setTimer('decide', (opts.m + 2) * opts.roundMs);
    },
    onMessage(env, from, m) {
      if (state.decision !== null) return; // Too late: the rounds are over.
      if (m.type !== 'Order' || !isValidOrder(m, from, id, nodes, opts)) {
        env.note(`rejected a malformed order from ${from}`);
        return;
      }
      const key = pathKey(m.path);
      if (state.received[key] !== undefined) return; // A duplicate.
      state.received[key] = m.value;
      // Step (2): as commander of OM(m−k), pass the value on to the n−2−k others.
      if (m.path.length <= opts.m) relay(state, env, opts, [...m.path, id], m.value);
    },
    onTimer(env, name) {
      if (name !== 'decide' || state.decision !== null) return;
      state.decision = decide(state.received, nodes, opts.commander, id, opts.m);
      env.output({ type: 'decide', value: state.decision });
    },
  };
}
