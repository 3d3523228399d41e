// The PBFT replica process: validates each message's shape, lets a Byzantine replica
// misbehave as configured, and dispatches to the normal case, the view change or the client.

import { assertNever } from '../../../core/assert.js';
import type { NodeId, Process } from '../../../core/process.js';
import type { SignatureScheme } from '../signed-messages/signature-scheme.js';
import { onCommittedEntries, onStatus, onStatusTimer } from './catch-up.js';
import { onClientRetry, onReply, onThink, startClient } from './client.js';
import type {
  PbftMessage,
  PbftOutput,
  PrePrepare,
  Prepare,
  Request,
  ViewChange,
} from './messages.js';
import { onCommit, onPrePrepare, onPrepare, onRequest } from './normal.js';
import { FUTURE_MAX, type PbftOptions, type PbftState, type Replica, STATUS_MS } from './state.js';
import { onNewView, onViewChange, startViewChange } from './view-change.js';

const isInt = (x: unknown, min: number): x is number =>
  Number.isSafeInteger(x) && (x as number) >= min;
const isText = (x: unknown): x is string => typeof x === 'string' && x.length <= 256;

function isRequest(r: unknown, n: number): r is Request {
  const x = r as Request | null;
  return (
    typeof x === 'object' &&
    x !== null &&
    isInt(x.client, 1) &&
    x.client <= n &&
    isInt(x.t, 1) &&
    isInt(x.op, 0)
  );
}

function isPrePrepare(p: unknown, n: number): p is PrePrepare {
  const x = p as PrePrepare | null;
  return (
    typeof x === 'object' &&
    x !== null &&
    isInt(x.view, 0) &&
    isInt(x.seq, 1) &&
    isText(x.digest) &&
    isText(x.sig) &&
    (x.request === null || isRequest(x.request, n))
  );
}

function isPrepare(p: unknown, n: number): p is Prepare {
  const x = p as Prepare | null;
  return (
    typeof x === 'object' &&
    x !== null &&
    isInt(x.view, 0) &&
    isInt(x.seq, 1) &&
    isText(x.digest) &&
    isInt(x.replica, 1) &&
    x.replica <= n &&
    isText(x.sig)
  );
}

function isViewChange(v: unknown, n: number): v is ViewChange {
  const x = v as ViewChange | null;
  return (
    typeof x === 'object' &&
    x !== null &&
    isInt(x.newView, 1) &&
    isInt(x.replica, 1) &&
    x.replica <= n &&
    isText(x.sig) &&
    Array.isArray(x.prepared) &&
    x.prepared.every(
      (c) =>
        isPrePrepare(c?.prePrepare, n) &&
        Array.isArray(c.prepares) &&
        c.prepares.every((p: unknown) => isPrepare(p, n)),
    )
  );
}

export function isValidMessage(m: PbftMessage, n: number): boolean {
  switch (m.type) {
    case 'Request':
      return isRequest(m.request, n);
    case 'PrePrepare':
      return isPrePrepare(m, n);
    case 'Prepare':
      return isPrepare(m, n);
    case 'Commit':
      return isInt(m.view, 0) && isInt(m.seq, 1) && isText(m.digest);
    case 'Reply':
      return isInt(m.view, 0) && isInt(m.t, 1) && Number.isSafeInteger(m.result);
    case 'ViewChange':
      return isViewChange(m, n);
    case 'Status':
      return isInt(m.view, 0) && isInt(m.lastExecuted, 0);
    case 'CommittedEntries':
      return (
        Array.isArray(m.entries) &&
        m.entries.length <= 1_000 &&
        m.entries.every((e) => isInt(e?.seq, 1) && (e.request === null || isRequest(e.request, n)))
      );
    case 'NewView':
      return (
        isInt(m.view, 1) &&
        Array.isArray(m.viewChanges) &&
        m.viewChanges.every((v) => isViewChange(v, n)) &&
        Array.isArray(m.prePrepares) &&
        m.prePrepares.every((p) => isPrePrepare(p, n))
      );
    default:
      return assertNever(m, 'PBFT message');
  }
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
  const c = { scheme, n, f: Math.floor((n - 1) / 3) };
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
