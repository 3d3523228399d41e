// Catching up, in place of PBFT's checkpoints and state transfer (§4.3–4.4, simplified: the
// log is never truncated). Every STATUS_MS a replica tells its peers its view and how far it
// executed. A peer that is ahead answers with the committed requests the sender lacks, and a
// peer in a later view re-sends the NEW-VIEW that started it. A lagging replica takes an
// entry once f+1 replicas report the same request at that number — one of them is correct,
// and a correct replica reports only what it executed.

import { assert } from '../../../core/assert.js';
import type { NodeId } from '../../../core/process.js';
import { digestOf, primaryOf } from './crypto.js';
import type { Request } from './messages.js';
import { execute } from './normal.js';
import type { PbftStep as X } from './options.js';
import { CATCH_UP_BATCH, STATUS_MS } from './state.js';

export function onStatusTimer(x: X): void {
  x.env.broadcast({ type: 'Status', view: x.s.view, lastExecuted: x.s.lastExecuted });
  x.env.setTimer('status', STATUS_MS);
}

export function onStatus(x: X, from: NodeId, m: { view: number; lastExecuted: number }): void {
  const { s, env } = x;
  const { view, lastExecuted } = s;
  if (m.view < s.view && s.status === 'normal' && s.newView !== null) env.send(from, s.newView);
  if (m.view === s.view && s.status === 'normal') retransmit(x, from, m.lastExecuted);
  if (m.lastExecuted < s.lastExecuted) statusSendEntries(x, from, m.lastExecuted);
  assert(s.view === view, 'answering a status changes no view');
  assert(s.lastExecuted === lastExecuted, 'answering a status executes nothing');
}

/** The committed entries after `peerExecuted` that this replica has, a batch at most. */
function statusSendEntries(x: X, from: NodeId, peerExecuted: number): void {
  const { s, env } = x;
  const entries: { seq: number; request: Request | null }[] = [];
  for (
    let seq = peerExecuted + 1;
    seq <= s.lastExecuted && entries.length < CATCH_UP_BATCH;
    seq++
  ) {
    if (s.committed.has(seq)) entries.push({ seq, request: s.committed.get(seq) ?? null });
  }
  if (entries.length > 0) env.send(from, { type: 'CommittedEntries', entries });
}

export function onCommittedEntries(
  x: X,
  from: NodeId,
  entries: readonly { seq: number; request: Request | null }[],
): void {
  const { s, c } = x;
  const before = s.lastExecuted;
  for (const { seq, request } of entries) {
    if (seq <= s.lastExecuted || s.committed.has(seq)) continue;
    const bySeq =
      s.catchUp.get(seq) ?? new Map<string, { request: Request | null; from: Set<NodeId> }>();
    s.catchUp.set(seq, bySeq);
    const digest = digestOf(request);
    const votes = bySeq.get(digest) ?? { request, from: new Set<NodeId>() };
    bySeq.set(digest, votes);
    votes.from.add(from);
    if (votes.from.size >= c.f + 1) {
      s.committed.set(seq, request);
      s.catchUp.delete(seq);
    }
  }
  execute(x);
  assert(s.lastExecuted >= before, 'catching up never undoes execution');
  assert(!s.committed.has(s.lastExecuted + 1), 'what catch-up commits is executed in order');
}

/**
 * Re-sends this replica's own normal-case messages of the current view for the numbers the
 * peer has not executed: messages are lost, and PBFT assumes retransmission until delivery.
 */
function retransmit(x: X, to: NodeId, lastExecuted: number): void {
  const { s, env } = x;
  const id = env.id;
  for (let seq = lastExecuted + 1; seq < lastExecuted + 1 + CATCH_UP_BATCH; seq++) {
    const slot = s.log.get(`${s.view}:${seq}`);
    const pp = slot?.prePrepare;
    if (slot === undefined || pp === null || pp === undefined) continue;
    // Only slots unfinished for a whole status period: a fault-free run re-sends nothing.
    if (env.now() - slot.sinceMs < STATUS_MS) continue;
    if (primaryOf(s.view, x.c.n) === id) env.send(to, { type: 'PrePrepare', ...pp });
    const own = slot.prepares.get(id);
    if (own !== undefined) env.send(to, { type: 'Prepare', ...own });
    if (slot.prepared) env.send(to, { type: 'Commit', view: pp.view, seq, digest: pp.digest });
  }
}
