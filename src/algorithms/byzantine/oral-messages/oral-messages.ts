// The OM(m) general (Lamport, Shostak and Pease 1982, §3): a commander that sends its order,
// lieutenants that relay every value they receive along a path of fewer than m+1 generals to
// everyone not yet on it, and decide at the synchronous deadline by evaluating the path tree
// (paths.ts). Traitors run the same code but distort every value they send (generals.ts
// strategies).
//
// Fault model: the paper's synchronous oral-message system (generals.ts): no durable state
// is kept because loyal generals do not crash in that model; a crashed general is a traitor.

import { assert } from '../../../core/assert.js';
import { defineProcess, type Step } from '../../../core/kernel.js';
import type { NodeId } from '../../../core/process.js';
import { type DecideOutput, isOrder, type Order, traitorOrder } from '../generals.js';
import type { OrderMessage } from './messages.js';
import type { OralMessagesConfig, OralMessagesOptions } from './options.js';
import { decide, pathKey } from './paths.js';
import { initOralMessagesState, type OralMessagesState } from './state.js';

type X = Step<OrderMessage, DecideOutput, OralMessagesState, OralMessagesConfig>;

/** The one timer: the synchronous deadline at which a lieutenant decides. */
export type OralMessagesTimer = 'decide';

/** Whether a received message is one OM(m) can produce: A2 — the last sender is `from`. */
export function isValidOrder(
  m: OrderMessage,
  from: NodeId,
  self: NodeId,
  nodes: readonly NodeId[],
  opts: OralMessagesOptions,
): boolean {
  const path = m.path;
  if (!isOrder(m.value) || !Array.isArray(path)) return false;
  if (path.length < 1 || path.length > opts.m + 1) return false;
  if (path[0] !== opts.commander || path.at(-1) !== from) return false;
  if (path.includes(self) || new Set(path).size !== path.length) return false;
  return path.every((id) => Number.isInteger(id) && nodes.includes(id));
}

/** Sends `v` along `path` to every general not on it (and not this one). */
function relay({ s, env, c }: X, path: NodeId[], v: Order): void {
  assert(path.at(-1) === env.id, 'a general relays along a path that ends with itself');
  for (const to of env.peers) {
    if (path.includes(to)) continue;
    const value = s.traitor ? traitorOrder(c.strategy, v, to, env) : v;
    if (value !== null) env.send(to, { type: 'Order', value, path });
  }
}

export const createOralMessages = defineProcess<
  OrderMessage,
  DecideOutput,
  OralMessagesState,
  OralMessagesConfig,
  OralMessagesTimer
>({
  init: initOralMessagesState,
  onStart(x) {
    const { s, env, c } = x;
    if (env.id === c.commander) {
      // A loyal commander obeys its own order; OM(m) step (1) sends it to every lieutenant.
      s.decision = c.order;
      relay(x, [env.id], c.order);
      assert(s.decision === c.order, 'the commander obeys its own order');
      return;
    }
    // The synchronous bound: a path of m+1 hops has arrived by (m+1)·roundMs.
    env.setTimer('decide', (c.m + 2) * c.roundMs);
    assert(s.decision === null, 'a lieutenant decides only at the deadline');
  },
  onMessage: {
    Order(x, from, m) {
      const { s, env, c } = x;
      if (s.decision !== null) return; // Too late: the rounds are over.
      if (!isValidOrder(m, from, env.id, c.nodes, c)) {
        env.note(`rejected a malformed order from ${from}`);
        return;
      }
      const key = pathKey(m.path);
      if (s.received[key] !== undefined) return; // A duplicate.
      s.received[key] = m.value;
      // Step (2): as commander of OM(m−k), pass the value on to the n−2−k others.
      if (m.path.length <= c.m) relay(x, [...m.path, env.id], m.value);
      assert(env.id !== c.commander, 'no valid path leads back to the commander');
      assert(s.received[key] === m.value, 'the first copy along a path is kept');
    },
  },
  onTimer: {
    decide(x) {
      const { s, env, c } = x;
      if (s.decision !== null) return;
      s.decision = decide(s.received, c.nodes, c.commander, env.id, c.m);
      env.output({ type: 'decide', value: s.decision });
      assert(env.id !== c.commander, 'only lieutenants wait for the deadline');
      assert(isOrder(s.decision), 'a lieutenant decides on an order');
    },
  },
});
