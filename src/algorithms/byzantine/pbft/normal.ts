// PBFT's normal case (§4.2–4.3): the primary assigns a sequence number with a signed
// PRE-PREPARE; backups accept it and multicast signed PREPAREs; a replica is *prepared*
// with the pre-prepare and 2f matching prepares from other backups, then multicasts COMMIT;
// it is *committed-local* with 2f+1 matching commits, and executes requests strictly in
// sequence order, replying to the client. Backups keep a timer while a request they know of
// is unexecuted; its expiry starts a view change (view-change.ts).

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
import {
  BACKOFF_DOUBLINGS_MAX,
  multicast,
  type Replica,
  requestKey,
  type Slot,
  sendTo,
  slotOf,
} from './state.js';

export function isPrimary(r: Replica): boolean {
  return primaryOf(r.s.view, r.c.n) === r.id;
}

/**
 * The backup's request timer (§4.4): started when it knows of an unexecuted request and the
 * timer is not running; restarted when a request executes and others still wait; stopped
 * when none waits. Retransmitted requests do NOT restart it (else it would never expire).
 */
export function armRequestTimer(r: Replica, opts: { restart: boolean }): void {
  const { s, env } = r;
  // During a view change the timer waits for the NEW-VIEW instead (view-change.ts).
  if (s.status !== 'normal') return;
  if (s.pending.size === 0 || isPrimary(r)) {
    env.cancelTimer('view-change');
    s.timerOn = false;
    return;
  }
  if (s.timerOn && !opts.restart) return;
  env.setTimer('view-change', r.opts.timeoutMs * 2 ** Math.min(s.attempts, BACKOFF_DOUBLINGS_MAX));
  s.timerOn = true;
}

export function signedPrePrepare(
  r: Replica,
  view: number,
  seq: number,
  request: Request | null,
): PrePrepare {
  const digest = digestOf(request);
  const sig = r.c.scheme.sign(r.id, prePreparePayload({ view, seq, digest }));
  return { view, seq, digest, request, sig };
}

/** The primary gives a new request the next sequence number. */
function assign(r: Replica, request: Request): void {
  const { s, env } = r;
  for (const slot of s.log.values()) {
    if (slot.prePrepare?.request && requestKey(slot.prePrepare.request) === requestKey(request)) {
      if (slot.prePrepare.view === s.view) return; // Already assigned in this view.
    }
  }
  const seq = s.nextSeq++;
  const pp = signedPrePrepare(r, s.view, seq, request);
  const slot = slotOf(s, s.view, seq);
  slot.prePrepare = pp;
  slot.sinceMs = env.now();
  if (!s.byzantine || r.opts.behaviour !== 'equivocate') {
    multicast(r, { type: 'PrePrepare', ...pp });
    return;
  }
  // An equivocating primary: every backup but the first gets its own conflicting request
  // under the same number, so no digest can gather 2f prepares.
  const [first] = env.peers;
  for (const to of env.peers) {
    const forged = { client: r.id, t: 1_000_000 + seq * r.c.n + to, op: 0 };
    env.send(to, {
      type: 'PrePrepare',
      ...(to === first ? pp : signedPrePrepare(r, s.view, seq, forged)),
    });
  }
}

export function onRequest(r: Replica, request: Request): void {
  const { s } = r;
  const last = s.lastReply.get(request.client);
  if (last !== undefined && request.t <= last.t) {
    // Already executed: answer again (§4.1), the reply may have been lost.
    if (request.t === last.t)
      sendTo(r, request.client, { type: 'Reply', view: s.view, t: last.t, result: last.result });
    return;
  }
  s.pending.set(requestKey(request), request);
  if (s.status !== 'normal') return;
  if (isPrimary(r)) assign(r, request);
  else {
    sendTo(r, primaryOf(s.view, r.c.n), { type: 'Request', request });
    armRequestTimer(r, { restart: false });
  }
}

export function onPrePrepare(r: Replica, from: NodeId, m: PrePrepare): void {
  const { s, c } = r;
  if (s.status !== 'normal' || m.view !== s.view || from !== primaryOf(m.view, c.n)) return;
  if (!validPrePrepare(c, m)) return;
  const slot = slotOf(s, m.view, m.seq);
  if (slot.prePrepare !== null) return; // A conflicting second pre-prepare is ignored.
  slot.prePrepare = m;
  slot.sinceMs = r.env.now();
  // The timer runs only for requests a CLIENT sent (§4.4): a request seen only inside a
  // pre-prepare may be the primary's invention.
  sendPrepare(r, slot, m);
}

/** A backup's signed PREPARE for a pre-prepare it accepted (also used after a NEW-VIEW). */
export function sendPrepare(r: Replica, slot: Slot, pp: PrePrepare): void {
  const { s, id } = r;
  const digest = s.byzantine && r.opts.behaviour === 'equivocate' ? digestOf(null) : pp.digest;
  const body = { view: pp.view, seq: pp.seq, digest, replica: id };
  const prepare: Prepare = { ...body, sig: r.c.scheme.sign(id, preparePayload(body)) };
  slot.prepares.set(id, prepare);
  multicast(r, { type: 'Prepare', ...prepare });
  checkPrepared(r, slot);
}

export function onPrepare(r: Replica, from: NodeId, m: Prepare): void {
  const { s, c } = r;
  if (s.status !== 'normal' || m.view !== s.view || m.replica !== from || !validPrepare(c, m))
    return;
  const slot = slotOf(s, m.view, m.seq);
  if (!slot.prepares.has(from)) slot.prepares.set(from, m);
  checkPrepared(r, slot);
}

function checkPrepared(r: Replica, slot: Slot): void {
  const { s, c } = r;
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
  multicast(r, { type: 'Commit', view: pp.view, seq: pp.seq, digest: pp.digest });
  addCommit(r, slot, r.id, pp.digest);
}

export function onCommit(
  r: Replica,
  from: NodeId,
  m: { view: number; seq: number; digest: string },
): void {
  const { s } = r;
  if (m.view !== s.view || s.status !== 'normal') return;
  addCommit(r, slotOf(s, m.view, m.seq), from, m.digest);
}

function addCommit(r: Replica, slot: Slot, from: NodeId, digest: string): void {
  const set = slot.commits.get(digest) ?? new Set<NodeId>();
  slot.commits.set(digest, set);
  set.add(from);
  const pp = slot.prePrepare;
  if (slot.committed || !slot.prepared || pp === null) return;
  if ((slot.commits.get(pp.digest)?.size ?? 0) < 2 * r.c.f + 1) return;
  slot.committed = true;
  if (!r.s.committed.has(pp.seq)) r.s.committed.set(pp.seq, pp.request);
  execute(r);
}

/** Executes committed requests in sequence order (§4.3) and replies to their clients. */
export function execute(r: Replica): void {
  const { s, env } = r;
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
      sendTo(r, request.client, { type: 'Reply', view: s.view, t: request.t, result });
  }
  armRequestTimer(r, { restart: s.lastExecuted > before });
}
