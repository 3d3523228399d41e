// PBFT's view change (§4.4): a backup whose request timer expires moves to view v+1 and
// multicasts a signed VIEW-CHANGE carrying its prepared certificates; the new primary, with
// 2f+1 of them, multicasts NEW-VIEW with those view changes and a PRE-PREPARE for every
// sequence number up to the highest prepared one — the request of the highest-view
// certificate, or the null request for a gap. Backups recompute that set before accepting
// it. A replica that sees f+1 view changes for higher views joins the smallest (§4.5.2), and
// a view change that does not complete in time moves on with a doubled timeout.

import { assert } from '../../../core/assert.js';
import type { NodeId } from '../../../core/process.js';
import {
  digestOf,
  primaryOf,
  validPrePrepare,
  validViewChange,
  viewChangePayload,
} from './crypto.js';
import type { PrePrepare, Prepared, ViewChange } from './messages.js';
import {
  armRequestTimer,
  execute,
  isPrimary,
  onRequest,
  sendPrepare,
  signedPrePrepare,
} from './normal.js';
import type { PbftStep as X } from './options.js';
import { multicast } from './send.js';
import { BACKOFF_DOUBLINGS_MAX, slotOf } from './state.js';

export function startViewChange(x: X, newView: number): void {
  const { s, env, c } = x;
  const id = env.id;
  if (newView < s.view || (newView === s.view && s.status === 'view-change')) return;
  s.view = newView;
  s.status = 'view-change';
  s.timerOn = false;
  s.attempts++;
  const body = {
    newView,
    replica: id,
    prepared: [...s.certs.values()].sort((a, b) => a.prePrepare.seq - b.prePrepare.seq),
  };
  const vc: ViewChange = { ...body, sig: x.c.scheme.sign(id, viewChangePayload(body)) };
  multicast(x, { type: 'ViewChange', ...vc });
  env.setTimer('view-change', c.timeoutMs * 2 ** Math.min(s.attempts, BACKOFF_DOUBLINGS_MAX));
  onViewChange(x, id, vc);
}

export function onViewChange(x: X, from: NodeId, m: ViewChange): void {
  const { s, c } = x;
  if (m.replica !== from || m.newView < s.view || (m.newView === s.view && s.status === 'normal'))
    return;
  if (!validViewChange(c, m)) return;
  const before = s.view;
  const forView = s.viewChanges.get(m.newView) ?? new Map<NodeId, ViewChange>();
  s.viewChanges.set(m.newView, forView);
  forView.set(from, m);
  // f+1 replicas want a higher view: at least one is correct, so follow (liveness).
  const higher = [...s.viewChanges].filter(([v, vcs]) => v > s.view && vcs.size > 0);
  const voters = new Set(higher.flatMap(([, vcs]) => [...vcs.keys()]));
  if (voters.size >= c.f + 1 && higher.length > 0)
    startViewChange(x, Math.min(...higher.map(([v]) => v)));
  else if (
    s.status === 'view-change' &&
    m.newView === s.view &&
    primaryOf(s.view, c.n) === x.env.id &&
    forView.size >= 2 * c.f + 1
  )
    sendNewView(x, [...forView.values()].slice(0, 2 * c.f + 1));
  assert(s.viewChanges.get(m.newView)?.has(from) === true, 'a valid view change is recorded');
  assert(s.view >= before, 'views only move forward');
}

/** The pre-prepares a NEW-VIEW must carry, computed from its view changes (§4.4). */
export function newViewPrePrepares(vcs: readonly ViewChange[]): Map<number, Prepared | null> {
  const best = new Map<number, Prepared>();
  for (const vc of vcs) {
    for (const cert of vc.prepared) {
      const known = best.get(cert.prePrepare.seq);
      if (known === undefined || cert.prePrepare.view > known.prePrepare.view)
        best.set(cert.prePrepare.seq, cert);
    }
  }
  const maxSeq = Math.max(0, ...best.keys());
  const out = new Map<number, Prepared | null>();
  for (let seq = 1; seq <= maxSeq; seq++) out.set(seq, best.get(seq) ?? null);
  return out;
}

function sendNewView(x: X, vcs: ViewChange[]): void {
  const { s } = x;
  const prePrepares: PrePrepare[] = [];
  for (const [seq, cert] of newViewPrePrepares(vcs))
    prePrepares.push(signedPrePrepare(x, s.view, seq, cert?.prePrepare.request ?? null));
  const message = { type: 'NewView', view: s.view, viewChanges: vcs, prePrepares } as const;
  multicast(x, message);
  s.newView = message;
  enterView(x, s.view, prePrepares);
}

export function onNewView(
  x: X,
  from: NodeId,
  m: { view: number; viewChanges: readonly ViewChange[]; prePrepares: readonly PrePrepare[] },
): void {
  const { s, c } = x;
  if (
    m.view < s.view ||
    (m.view === s.view && s.status === 'normal') ||
    from !== primaryOf(m.view, c.n)
  )
    return;
  const senders = new Set(m.viewChanges.map((v) => v.replica));
  if (senders.size < 2 * c.f + 1 || senders.size !== m.viewChanges.length) return;
  if (!m.viewChanges.every((v) => v.newView === m.view && validViewChange(c, v))) return;
  // Recompute O and check the primary sent exactly that, each pre-prepare signed by it.
  const expected = newViewPrePrepares(m.viewChanges);
  if (expected.size !== m.prePrepares.length) return;
  for (const pp of m.prePrepares) {
    const cert = expected.get(pp.seq);
    if (cert === undefined || pp.view !== m.view || !validPrePrepare(c, pp)) return;
    if (pp.digest !== digestOf(cert?.prePrepare.request ?? null)) return;
  }
  x.s.newView = { type: 'NewView', ...m };
  enterView(x, m.view, m.prePrepares);
  assert(s.view === m.view && s.status === 'normal', 'a valid NEW-VIEW enters its view');
  assert(s.attempts === 0, 'entering a view ends the failed attempts');
}

function enterView(x: X, view: number, prePrepares: readonly PrePrepare[]): void {
  const { s, env } = x;
  s.view = view;
  s.status = 'normal';
  s.attempts = 0;
  env.output({ type: 'view', view });
  s.nextSeq = Math.max(s.lastExecuted, ...prePrepares.map((p) => p.seq)) + 1;
  for (const pp of prePrepares) {
    const slot = slotOf(s, view, pp.seq);
    slot.prePrepare = pp;
    slot.sinceMs = env.now();
    if (!isPrimary(x)) sendPrepare(x, slot, pp);
  }
  // Normal-case messages of this view that arrived before the NEW-VIEW count now.
  const waiting = s.future.filter((x) => 'view' in x.m && x.m.view === view);
  s.future = s.future.filter((x) => 'view' in x.m && x.m.view > view);
  for (const { from, m } of waiting) x.c.deliver(x, from, m);
  execute(x);
  // Requests still waiting get a number in the new view: the primary assigns them, backups
  // pass them on to it (and keep their timers running).
  for (const request of [...s.pending.values()]) onRequest(x, request);
  armRequestTimer(x, { restart: true });
}
