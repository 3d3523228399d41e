// Coordinator failover for mutex/centralized (`--failover`), beyond the notes' single point
// of failure [001 §2.1]. The coordinator sends a Heartbeat every `heartbeatMs`; a node that
// misses them runs a Bully election (Elect to every lower id, Alive back, Victory from the
// winner) in which the lowest live id wins, with an epoch higher than any it has seen. The
// winner rebuilds its queue from the clients' Reports (what each asked for, and whether it is
// inside) and only then grants again.
//
// Fault model: the perfect failure detector of failure-detector.ts. With latency bounded and
// no losses, every Report reaches the new coordinator before it grants, so the one client
// that is inside is known; a partition instead elects a second coordinator and breaks mutual
// exclusion (scenario `failover-split-brain`).

import type { NodeId } from '../../../core/process.js';
import { freshDetector, suspectSilent } from '../failure-detector.js';
import { post } from '../local-delivery.js';
import { finishedReq } from './client.js';
import { grantNext } from './coordinator.js';
import type { CentralizedMessage } from './messages.js';
import type { X } from './options.js';

type ReportMessage = CentralizedMessage & { type: 'Report' };

/** Follows `coord` from now on, watching its heartbeats. */
function follow(x: X, coord: NodeId, epoch: number): void {
  const { s, env } = x;
  if (s.role === 'coordinator') env.cancelTimer('beat');
  s.role = 'client';
  s.coord = coord;
  s.epoch = epoch;
  s.election = 'none';
  s.detector = freshDetector([coord], env.now());
  env.cancelTimer('elect');
  env.cancelTimer('victory');
}

export function startElection(x: X): void {
  const { s, env, c } = x;
  s.election = 'electing';
  const epoch = Math.max(s.epoch, s.epochSeen);
  for (const lower of env.peers.filter((p) => p < env.id))
    env.send(lower, { type: 'Elect', epoch });
  env.setTimer('elect', c.electMs);
}

/** Nobody lower answered: this node coordinates, once the clients have reported. */
export function win(x: X): void {
  const { s, env, c } = x;
  s.role = 'coordinator';
  s.coord = env.id;
  s.epoch = Math.max(s.epoch, s.epochSeen) + 1;
  s.epochSeen = s.epoch;
  s.election = 'rebuilding';
  s.detector = null;
  s.book = { holder: null, queue: [], done: {} };
  foldReport(x, env.id, { type: 'Report', epoch: s.epoch, req: s.req, phase: s.phase });
  env.broadcast({ type: 'Victory', epoch: s.epoch });
  env.setTimer('rebuild', c.electMs);
  env.setTimer('beat', c.timing.heartbeatMs);
}

/** Folds one client's report into the book (during the rebuild or any time after). */
export function foldReport(x: X, from: NodeId, m: ReportMessage): void {
  const book = x.s.book;
  book.done[from] = Math.max(book.done[from] ?? 0, finishedReq(m.req, m.phase));
  const queued = book.queue.some((t) => t.node === from && t.req === m.req);
  const holds = book.holder?.node === from && book.holder.req === m.req;
  if (m.phase === 'inside' && book.holder === null) book.holder = { node: from, req: m.req };
  else if (m.phase === 'waiting' && !queued && !holds) book.queue.push({ node: from, req: m.req });
  else if (m.phase === 'idle' && book.holder?.node === from) book.holder = null;
}

/** A Heartbeat or Victory: a coordinator of a newer epoch than ours takes over. */
export function failoverClaim(x: X, from: NodeId, epoch: number): void {
  const { s } = x;
  if (epoch <= s.epoch) return; // An old coordinator's, or the one we follow.
  follow(x, from, epoch);
  post(x, from, { type: 'Report', epoch, req: s.req, phase: s.phase });
}

export function failoverElect(x: X, from: NodeId): void {
  const { s, env } = x;
  if (from < env.id) return; // Elections only ask lower ids.
  env.send(from, { type: 'Alive', epoch: s.epoch });
  if (s.election === 'none') startElection(x);
}

export function failoverAlive(x: X): void {
  if (x.s.election !== 'electing') return;
  x.s.election = 'awaiting-victory';
  x.env.setTimer('victory', 2 * x.c.electMs);
}

export function failoverReport(x: X, from: NodeId, m: ReportMessage): void {
  if (x.s.role !== 'coordinator' || m.epoch !== x.s.epoch) return;
  foldReport(x, from, m);
  grantNext(x);
}

/** The `watch` timer: a silent coordinator is suspected, and this node elects. */
export function failoverWatch(x: X): void {
  const { s, env, c } = x;
  env.setTimer('watch', c.timing.heartbeatMs);
  if (s.role === 'coordinator' || s.election !== 'none' || s.detector === null) return;
  // A restarted ex-coordinator follows itself: it hears nothing, and so elects.
  if (suspectSilent(s.detector, [s.coord], env.now(), c.timing).length > 0) startElection(x);
}

/** Starts the failover machinery: the first coordinator heartbeats, everyone else watches. */
export function startFailover(x: X): void {
  const { s, env, c } = x;
  s.detector = freshDetector([s.coord], env.now());
  env.setTimer('watch', c.timing.heartbeatMs);
  if (s.role === 'coordinator') env.setTimer('beat', c.timing.heartbeatMs);
}
