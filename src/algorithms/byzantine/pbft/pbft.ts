// The PBFT replica process (Castro and Liskov 1999): every message type and timer has its
// handler in the normal case (normal.ts), the view change (view-change.ts), catch-up
// (catch-up.ts) or the co-located client (client.ts). Before a handler runs, a silent
// Byzantine replica ignores everything, and a normal-case message for a view not entered
// yet (or being entered) waits in `future` (replayed by enterView). Messages a replica
// sends itself take the same path at once (`deliver`, the config's).
//
// Fault model: see state.ts (≤ f Byzantine replicas; any network fault; crashes excluded).
// Nothing is durable: a crash counts as a Byzantine fault.

import { assert } from '../../../core/assert.js';
import { defineProcess, type MessageHandlers } from '../../../core/kernel.js';
import type { NodeId } from '../../../core/process.js';
import { onCommittedEntries, onStatus, onStatusTimer } from './catch-up.js';
import { onClientRetry, onReply, onThink, startClient } from './client.js';
import type { PbftMessage, PbftOutput } from './messages.js';
import { onCommit, onPrePrepare, onPrepare, onRequest } from './normal.js';
import type { PbftConfig, PbftStep as X } from './options.js';
import { FUTURE_MAX, initPbftState, type PbftState, STATUS_MS } from './state.js';
import { onNewView, onViewChange, startViewChange } from './view-change.js';

type Handlers = MessageHandlers<PbftMessage, PbftOutput, PbftState, PbftConfig>;
type Handler = (x: X, from: NodeId, m: PbftMessage) => void;

/** `view-change`: the request (or view-change) timer; the client's `client-think` and
 *  `client-retry`; `status`: the catch-up report. */
export type PbftTimer = 'view-change' | 'client-think' | 'client-retry' | 'status';

/** A silent Byzantine replica: it never starts, sends or handles anything. */
function isSilent({ s, c }: X): boolean {
  return s.byzantine && c.behaviour === 'silent';
}

/** A normal-case message for a view not entered yet (or being entered) waits for it. */
function early(s: PbftState, m: PbftMessage): boolean {
  if (m.type !== 'PrePrepare' && m.type !== 'Prepare' && m.type !== 'Commit') return false;
  return m.view > s.view || (m.view === s.view && s.status === 'view-change');
}

/** The handler of each message type, as the protocol modules define it. */
const HANDLE: Handlers = {
  Request: (x, _from, m) => onRequest(x, m.request),
  PrePrepare: onPrePrepare,
  Prepare: onPrepare,
  Commit: onCommit,
  Reply: onReply,
  ViewChange: onViewChange,
  NewView: onNewView,
  Status: onStatus,
  CommittedEntries: (x, from, m) => onCommittedEntries(x, from, m.entries),
};

/** Hands `m` to its handler unless the replica is silent or the message is early. */
export function deliverPbft(x: X, from: NodeId, m: PbftMessage): void {
  if (isSilent(x)) return;
  const { s } = x;
  if (early(s, m)) {
    s.future = [...s.future, { from, m }].slice(-FUTURE_MAX);
    return;
  }
  (HANDLE[m.type] as Handler)(x, from, m);
}

/** A message from the network: delivered, then what must hold after every step. */
function fromNetwork(x: X, from: NodeId, m: PbftMessage): void {
  const { s } = x;
  deliverPbft(x, from, m);
  assert(s.future.length <= FUTURE_MAX, 'the buffer of early messages stays bounded');
  // Every step that commits executes what it can (nested deliveries may be mid-way).
  assert(!s.committed.has(s.lastExecuted + 1), 'committed requests are executed in order');
}

/** The kernel's table: every message type from the network goes through fromNetwork. */
const FROM_NETWORK = Object.fromEntries(
  Object.keys(HANDLE).map((type) => [type, fromNetwork]),
) as unknown as Handlers;

export const createPbft = defineProcess<PbftMessage, PbftOutput, PbftState, PbftConfig, PbftTimer>({
  init: (c, id) => initPbftState(c.byzantine.includes(id)),
  onStart(x) {
    const { s, env } = x;
    if (isSilent(x)) return;
    startClient(x);
    env.setTimer('status', STATUS_MS);
    assert(s.view === 0 && s.status === 'normal', 'a replica starts in view 0, normal status');
    assert(s.client.pending === null, 'the client starts idle');
  },
  onMessage: FROM_NETWORK,
  onTimer: {
    'view-change'(x) {
      const { s } = x;
      if (isSilent(x)) return;
      const from = s.view;
      s.timerOn = false;
      startViewChange(x, s.view + 1);
      assert(s.view > from, 'an expired timer moves to a later view');
      assert(s.attempts > 0 || s.status === 'normal', 'a view change under way counts attempts');
    },
    'client-think'(x) {
      const { s, c } = x;
      if (isSilent(x)) return;
      onThink(x);
      assert(s.client.done <= c.requests, 'the client sends no more than its requests');
      assert(
        s.client.pending === null || s.client.pending.t === s.client.t,
        'one request at a time',
      );
    },
    'client-retry'(x) {
      const { s } = x;
      if (isSilent(x)) return;
      onClientRetry(x);
      assert(!s.byzantine, 'only correct replicas run a client');
      assert(s.client.done <= x.c.requests, 'the client sends no more than its requests');
    },
    status(x) {
      const { s } = x;
      if (isSilent(x)) return;
      const view = s.view;
      onStatusTimer(x);
      assert(s.view === view, 'reporting status changes no view');
      assert(s.lastExecuted >= 0, 'execution never goes backwards');
    },
  },
});
