// The PBFT replica process: validates each message's shape (parsePbftMessage), lets a
// Byzantine replica misbehave as configured, and dispatches to the normal case, the view
// change or the client.

import { assertNever } from '../../../core/assert.js';
import type { NodeId, Process } from '../../../core/process.js';
import { byzantineFaults } from '../../../core/quorum.js';
import type { SignatureScheme } from '../signed-messages/signature-scheme.js';
import { onCommittedEntries, onStatus, onStatusTimer } from './catch-up.js';
import { onClientRetry, onReply, onThink, startClient } from './client.js';
import { type PbftMessage, type PbftOutput, parsePbftMessage } from './messages.js';
import { onCommit, onPrePrepare, onPrepare, onRequest } from './normal.js';
import { FUTURE_MAX, type PbftOptions, type PbftState, type Replica, STATUS_MS } from './state.js';
import { onNewView, onViewChange, startViewChange } from './view-change.js';

/** Whether a message is well formed for this cluster (its node ids within 1..n). */
export function isValidMessage(m: PbftMessage, n: number): boolean {
  return parsePbftMessage(m, n) !== undefined;
}

/** A normal-case message for a view not entered yet (or being entered) waits for it. */
function early(r: Replica, m: PbftMessage): boolean {
  if (m.type !== 'PrePrepare' && m.type !== 'Prepare' && m.type !== 'Commit') return false;
  const { s } = r;
  return m.view > s.view || (m.view === s.view && s.status === 'view-change');
}

export function dispatch(r: Replica, from: NodeId, m: PbftMessage): void {
  if (early(r, m)) {
    r.s.future = [...r.s.future, { from, m }].slice(-FUTURE_MAX);
    return;
  }
  switch (m.type) {
    case 'Request':
      return onRequest(r, m.request);
    case 'PrePrepare':
      return onPrePrepare(r, from, m);
    case 'Prepare':
      return onPrepare(r, from, m);
    case 'Commit':
      return onCommit(r, from, m);
    case 'Reply':
      return onReply(r, from, m);
    case 'ViewChange':
      return onViewChange(r, from, m);
    case 'NewView':
      return onNewView(r, from, m);
    case 'Status':
      return onStatus(r, from, m);
    case 'CommittedEntries':
      return onCommittedEntries(r, from, m.entries);
    default:
      assertNever(m, 'PBFT message');
  }
}

function newState(byzantine: boolean): PbftState {
  return {
    byzantine,
    view: 0,
    status: 'normal',
    log: new Map(),
    certs: new Map(),
    committed: new Map(),
    nextSeq: 1,
    lastExecuted: 0,
    counter: 0,
    lastReply: new Map(),
    pending: new Map(),
    viewChanges: new Map(),
    future: [],
    newView: null,
    catchUp: new Map(),
    timerOn: false,
    attempts: 0,
    client: { t: 0, done: 0, pending: null, replies: new Map(), viewHint: 0 },
  };
}

export function createReplica(
  id: NodeId,
  nodes: readonly NodeId[],
  opts: PbftOptions,
  scheme: SignatureScheme,
): Process<PbftMessage, PbftOutput, PbftState> {
  const n = nodes.length;
  const c = { scheme, n, f: byzantineFaults(n) };
  const byzantine = opts.byzantine.includes(id);
  const silent = byzantine && opts.behaviour === 'silent';
  const state = newState(byzantine);
  const replicaOf = (env: Replica['env']): Replica => {
    const r: Replica = {
      id,
      s: state,
      env,
      opts,
      c,
      self: (m) => dispatch(r, id, m),
      replay: (from, m) => dispatch(r, from, m),
    };
    return r;
  };
  return {
    state,
    onStart(env) {
      if (silent) return;
      startClient(replicaOf(env));
      env.setTimer('status', STATUS_MS);
    },
    onMessage(env, from, m) {
      if (silent) return; // A silent Byzantine replica ignores everything.
      if (!isValidMessage(m, n)) {
        env.note(`rejected malformed ${String(m.type)} from ${from}`);
        return;
      }
      dispatch(replicaOf(env), from, m);
    },
    onTimer(env, name) {
      if (silent) return;
      const r = replicaOf(env);
      if (name === 'view-change') {
        state.timerOn = false;
        startViewChange(r, state.view + 1);
      } else if (name === 'client-think') onThink(r);
      else if (name === 'client-retry') onClientRetry(r);
      else if (name === 'status') onStatusTimer(r);
    },
  };
}
