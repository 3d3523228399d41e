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
import { type Config, type E, finishedReq, grantNext, post, type Receive } from './centralized.js';
import type { CentralizedMessage, CentralizedState } from './messages.js';

type FailoverMessage = CentralizedMessage & {
  type: 'Heartbeat' | 'Elect' | 'Alive' | 'Victory' | 'Report';
};

function saveLeadership(s: CentralizedState, env: E): void {
  env.storage.set('coord', { coord: s.coord, epoch: s.epoch, seen: s.epochSeen });
}

export function loadLeadership(s: CentralizedState, env: E): void {
  const stored = env.storage.get<{ coord: NodeId; epoch: number; seen: number }>('coord');
  if (stored === undefined) return;
  s.coord = stored.coord;
  s.epoch = stored.epoch;
  s.epochSeen = stored.seen;
}

/** Follows `coord` from now on, watching its heartbeats. */
function follow(s: CentralizedState, env: E, coord: NodeId, epoch: number): void {
  if (s.role === 'coordinator') env.cancelTimer('beat');
  s.role = 'client';
  s.coord = coord;
  s.epoch = epoch;
  s.election = 'none';
  s.detector = freshDetector([coord], env.now());
  env.cancelTimer('elect');
  env.cancelTimer('victory');
  saveLeadership(s, env);
}

function startElection(s: CentralizedState, env: E, c: Config): void {
  s.election = 'electing';
  const epoch = Math.max(s.epoch, s.epochSeen);
  for (const lower of env.peers.filter((p) => p < env.id))
    env.send(lower, { type: 'Elect', epoch });
  env.setTimer('elect', c.electMs);
}

/** Nobody lower answered: this node coordinates, once the clients have reported. */
function win(s: CentralizedState, env: E, c: Config): void {
  s.role = 'coordinator';
  s.coord = env.id;
  s.epoch = Math.max(s.epoch, s.epochSeen) + 1;
  s.epochSeen = s.epoch;
  s.election = 'rebuilding';
  s.detector = null;
  s.book = { holder: null, queue: [], done: {} };
  report(s, env.id, { type: 'Report', epoch: s.epoch, req: s.req, phase: s.phase });
  env.storage.set('book', s.book);
  saveLeadership(s, env);
  env.broadcast({ type: 'Victory', epoch: s.epoch });
  env.setTimer('rebuild', c.electMs);
  env.setTimer('beat', c.timing.heartbeatMs);
}

/** Folds one client's report into the book (during the rebuild or any time after). */
function report(s: CentralizedState, from: NodeId, m: FailoverMessage & { type: 'Report' }): void {
  const book = s.book;
  book.done[from] = Math.max(book.done[from] ?? 0, finishedReq(m.req, m.phase));
  const queued = book.queue.some((t) => t.node === from && t.req === m.req);
  const holds = book.holder?.node === from && book.holder.req === m.req;
  if (m.phase === 'inside' && book.holder === null) book.holder = { node: from, req: m.req };
  else if (m.phase === 'waiting' && !queued && !holds) book.queue.push({ node: from, req: m.req });
  else if (m.phase === 'idle' && book.holder?.node === from) book.holder = null;
}

export function failoverMessage(
  s: CentralizedState,
  env: E,
  c: Config,
  from: NodeId,
  m: FailoverMessage,
  receive: Receive,
): void {
  s.epochSeen = Math.max(s.epochSeen, m.epoch);
  switch (m.type) {
    case 'Heartbeat':
    case 'Victory':
      if (m.epoch <= s.epoch) return; // An old coordinator's, or the one we follow.
      follow(s, env, from, m.epoch);
      post(env, receive, from, { type: 'Report', epoch: m.epoch, req: s.req, phase: s.phase });
      return;
    case 'Elect':
      if (from < env.id) return; // Elections only ask lower ids.
      env.send(from, { type: 'Alive', epoch: s.epoch });
      if (s.election === 'none') startElection(s, env, c);
      return;
    case 'Alive':
      if (s.election !== 'electing') return;
      s.election = 'awaiting-victory';
      env.setTimer('victory', 2 * c.electMs);
      return;
    case 'Report':
      if (s.role !== 'coordinator' || m.epoch !== s.epoch) return;
      report(s, from, m);
      env.storage.set('book', s.book);
      grantNext(s, env, c, receive);
      return;
  }
}

/** Handles the failover timers; returns false for a timer that is not one of them. */
export function failoverTimer(
  s: CentralizedState,
  env: E,
  c: Config,
  name: string,
  receive: Receive,
): boolean {
  switch (name) {
    case 'beat':
      if (s.role !== 'coordinator') return true;
      env.broadcast({ type: 'Heartbeat', epoch: s.epoch });
      env.setTimer('beat', c.timing.heartbeatMs);
      return true;
    case 'watch': {
      env.setTimer('watch', c.timing.heartbeatMs);
      if (s.role === 'coordinator' || s.election !== 'none' || s.detector === null) return true;
      // A restarted ex-coordinator follows itself: it hears nothing, and so elects.
      if (suspectSilent(s.detector, [s.coord], env.now(), c.timing).length > 0)
        startElection(s, env, c);
      return true;
    }
    case 'elect':
      if (s.election === 'electing') win(s, env, c);
      return true;
    case 'victory':
      if (s.election === 'awaiting-victory') startElection(s, env, c);
      return true;
    case 'rebuild':
      if (s.election !== 'rebuilding') return true;
      s.election = 'none';
      grantNext(s, env, c, receive);
      return true;
    default:
      return false;
  }
}

/** Starts the failover machinery: the first coordinator heartbeats, everyone else watches. */
export function startFailover(s: CentralizedState, env: E, c: Config): void {
  s.detector = freshDetector([s.coord], env.now());
  env.setTimer('watch', c.timing.heartbeatMs);
  if (s.role === 'coordinator') env.setTimer('beat', c.timing.heartbeatMs);
}
