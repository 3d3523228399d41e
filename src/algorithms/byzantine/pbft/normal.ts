// PBFT's normal case (§4.2–4.3): the primary assigns a sequence number with a signed
// PRE-PREPARE; backups accept it and multicast signed PREPAREs; a replica is *prepared*
// with the pre-prepare and 2f matching prepares from other backups, then multicasts COMMIT;
// it is *committed-local* with 2f+1 matching commits, and executes requests strictly in
// sequence order, replying to the client. Backups keep a timer while a request they know of
// is unexecuted; its expiry starts a view change (view-change.ts).

import { assert } from '../../../core/assert.js';
import type { NodeId } from '../../../core/process.js';
import {
  digestOf,
  prePreparePayload,
  preparePayload,
  primaryOf,
  validPrePrepare,
  validPrepare,
} from './crypto.js';
import type { PrePrepare, Prepare, Request } from './messages.js';
import type { PbftStep as X } from './options.js';
import { multicast, sendTo } from './send.js';
import { BACKOFF_DOUBLINGS_MAX, requestKey, type Slot, slotOf } from './state.js';

export function isPrimary(x: X): boolean {
  return primaryOf(x.s.view, x.c.n) === x.env.id;
}

/**
 * The backup's request timer (§4.4): started when it knows of an unexecuted request and the
 * timer is not running; restarted when a request executes and others still wait; stopped
 * when none waits. Retransmitted requests do NOT restart it (else it would never expire).
 */
export function armRequestTimer(x: X, opts: { restart: boolean }): void {
  const { s, env } = x;
  // During a view change the timer waits for the NEW-VIEW instead (view-change.ts).
  if (s.status !== 'normal') return;
  if (s.pending.size === 0 || isPrimary(x)) {
    env.cancelTimer('view-change');
    s.timerOn = false;
    return;
  }
  if (s.timerOn && !opts.restart) return;
  env.setTimer('view-change', x.c.timeoutMs * 2 ** Math.min(s.attempts, BACKOFF_DOUBLINGS_MAX));
  s.timerOn = true;
}

export function signedPrePrepare(
  x: X,
  view: number,
  seq: number,
  request: Request | null,
): PrePrepare {
  const digest = digestOf(request);
  const sig = x.c.scheme.sign(x.env.id, prePreparePayload({ view, seq, digest }));
  return { view, seq, digest, request, sig };
}

/** The primary gives a new request the next sequence number. */
function assign(x: X, request: Request): void {
  const { s, env } = x;
  for (const slot of s.log.values()) {
    if (slot.prePrepare?.request && requestKey(slot.prePrepare.request) === requestKey(request)) {
      if (slot.prePrepare.view === s.view) return; // Already assigned in this view.
    }
  }
  const seq = s.nextSeq++;
  const pp = signedPrePrepare(x, s.view, seq, request);
  const slot = slotOf(s, s.view, seq);
  slot.prePrepare = pp;
  slot.sinceMs = env.now();
  if (!s.byzantine || x.c.behaviour !== 'equivocate') {
    multicast(x, { type: 'PrePrepare', ...pp });
    return;
  }
  // An equivocating primary: every backup but the first gets its own conflicting request
  // under the same number, so no digest can gather 2f prepares.
  const [first] = env.peers;
  for (const to of env.peers) {
    const forged = { client: x.env.id, t: 1_000_000 + seq * x.c.n + to, op: 0 };
    env.send(to, {
      type: 'PrePrepare',
      ...(to === first ? pp : signedPrePrepare(x, s.view, seq, forged)),
    });
  }
}

export function onRequest(x: X, request: Request): void {
  const { s } = x;
  const last = s.lastReply.get(request.client);
  if (last !== undefined && request.t <= last.t) {
    // Already executed: answer again (§4.1), the reply may have been lost.
    if (request.t === last.t)
      sendTo(x, request.client, { type: 'Reply', view: s.view, t: last.t, result: last.result });
    return;
  }
  s.pending.set(requestKey(request), request);
  if (s.status === 'normal' && isPrimary(x)) assign(x, request);
  else if (s.status === 'normal') {
    sendTo(x, primaryOf(s.view, x.c.n), { type: 'Request', request });
    armRequestTimer(x, { restart: false });
  }
  const executed = (s.lastReply.get(request.client)?.t ?? 0) >= request.t;
  assert(executed || s.pending.has(requestKey(request)), 'a new request waits until executed');
  assert(s.status !== 'normal' || isPrimary(x) || s.timerOn, 'a backup times what it waits for');
}

export function onPrePrepare(x: X, from: NodeId, m: PrePrepare): void {
  const { s, c } = x;
  if (s.status !== 'normal' || m.view !== s.view || from !== primaryOf(m.view, c.n)) return;
  if (!validPrePrepare(c, m)) return;
  const slot = slotOf(s, m.view, m.seq);
  if (slot.prePrepare !== null) return; // A conflicting second pre-prepare is ignored.
  slot.prePrepare = m;
  slot.sinceMs = x.env.now();
  // The timer runs only for requests a CLIENT sent (§4.4): a request seen only inside a
  // pre-prepare may be the primary's invention.
  sendPrepare(x, slot, m);
  assert(slot.prepares.has(x.env.id), 'an accepted pre-prepare is answered with a prepare');
  assert(s.view === m.view && slot.prePrepare === m, 'the pre-prepare is kept in its view');
}

/** A backup's signed PREPARE for a pre-prepare it accepted (also used after a NEW-VIEW). */
export function sendPrepare(x: X, slot: Slot, pp: PrePrepare): void {
  const { s } = x;
  const id = x.env.id;
  const digest = s.byzantine && x.c.behaviour === 'equivocate' ? digestOf(null) : pp.digest;
  const body = { view: pp.view, seq: pp.seq, digest, replica: id };
  const prepare: Prepare = { ...body, sig: x.c.scheme.sign(id, preparePayload(body)) };
  slot.prepares.set(id, prepare);
  multicast(x, { type: 'Prepare', ...prepare });
  checkPrepared(x, slot);
}

export function onPrepare(x: X, from: NodeId, m: Prepare): void {
  const { s, c } = x;
  if (s.status !== 'normal' || m.view !== s.view || m.replica !== from || !validPrepare(c, m))
    return;
  const slot = slotOf(s, m.view, m.seq);
  if (!slot.prepares.has(from)) slot.prepares.set(from, m);
  checkPrepared(x, slot);
  assert(slot.prepares.has(from), 'a valid prepare is recorded');
  assert(!slot.prepared || slot.prePrepare !== null, 'prepared means a pre-prepare is known');
}

function checkPrepared(x: X, slot: Slot): void {
  const { s, c } = x;
  const pp = slot.prePrepare;
  if (slot.prepared || pp === null) return;
  const matching = [...slot.prepares.values()].filter(
    (p) => p.digest === pp.digest && p.replica !== primaryOf(pp.view, c.n),
  );
  if (matching.length < 2 * c.f) return;
  slot.prepared = true;
  const known = s.certs.get(pp.seq);
  if (known === undefined || known.prePrepare.view < pp.view)
    s.certs.set(pp.seq, { prePrepare: pp, prepares: matching.slice(0, 2 * c.f) });
  multicast(x, { type: 'Commit', view: pp.view, seq: pp.seq, digest: pp.digest });
  addCommit(x, slot, x.env.id, pp.digest);
}

export function onCommit(
  x: X,
  from: NodeId,
  m: { view: number; seq: number; digest: string },
): void {
  const { s } = x;
  if (m.view !== s.view || s.status !== 'normal') return;
  const slot = slotOf(s, m.view, m.seq);
  addCommit(x, slot, from, m.digest);
  assert(slot.commits.get(m.digest)?.has(from) === true, 'a commit is counted for its digest');
  assert(
    !slot.committed || slot.prePrepare === null || s.committed.has(slot.prePrepare.seq),
    'committed-local means committed',
  );
}

function addCommit(x: X, slot: Slot, from: NodeId, digest: string): void {
  const set = slot.commits.get(digest) ?? new Set<NodeId>();
  slot.commits.set(digest, set);
  set.add(from);
  const pp = slot.prePrepare;
  if (slot.committed || !slot.prepared || pp === null) return;
  if ((slot.commits.get(pp.digest)?.size ?? 0) < 2 * x.c.f + 1) return;
  slot.committed = true;
  if (!x.s.committed.has(pp.seq)) x.s.committed.set(pp.seq, pp.request);
  execute(x);
}

/** Executes committed requests in sequence order (§4.3) and replies to their clients. */
export function execute(x: X): void {
  const { s, env } = x;
  const before = s.lastExecuted;
  for (let seq = s.lastExecuted + 1; s.committed.has(seq); seq = s.lastExecuted + 1) {
    const request = s.committed.get(seq) ?? null;
    s.lastExecuted = seq;
    let result: number | null = null;
    const last = request === null ? undefined : s.lastReply.get(request.client);
    if (request !== null && (last === undefined || request.t > last.t)) {
      s.counter += request.op;
      result = s.counter;
      s.lastReply.set(request.client, { t: request.t, result });
      s.pending.delete(requestKey(request));
    }
    env.output({ type: 'executed', seq, digest: digestOf(request), request, result });
    // AFTER the output: a co-located client may accept this very reply at once.
    if (request !== null && result !== null)
      sendTo(x, request.client, { type: 'Reply', view: s.view, t: request.t, result });
  }
  armRequestTimer(x, { restart: s.lastExecuted > before });
}
