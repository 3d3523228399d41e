// A client of locks/znode-queue (nodes 2..n): the ZooKeeper lock recipe's client side. It
// keeps a session alive with Pings; each Pong tells it its session lives at the coordinator
// at least until the ping's send time plus the session budget (../timing.ts), and past that
// it must assume the session expired — it gives the lock up (if it holds it) and opens a
// new session, whose entry goes to the back of the queue (Curator's "lock lost"). To
// acquire: Create an entry; if it is the lowest, hold; else wait for the watch on the
// entry before it (Notify), then Check again. Release: Delete, retried until Deleted.
// Every request is retried after `retryMs` if its reply was lost; so is a watch that
// never fired.

import { thinkDelayMs } from '../workload.js';
import type { X } from './options.js';
import { COORDINATOR } from './state.js';

export function think(x: X): void {
  const { s, env, c } = x;
  if (s.served < c.opts.requests) env.setTimer('think', thinkDelayMs(env.random, c.opts.thinkMs));
}

function setPhase(x: X, phase: X['s']['phase']): void {
  x.s.phase = phase;
  x.s.inCS = phase === 'inside';
}

/** Sends the request of the current phase, and arms its retry. */
function sendForPhase(x: X): void {
  const { s, env, c } = x;
  if (s.phase === 'creating')
    env.send(COORDINATOR, { type: 'Create', session: s.session, req: s.req });
  else if (s.phase === 'checking' || s.phase === 'watching')
    env.send(COORDINATOR, { type: 'Check', seq: s.seq });
  else if (s.phase === 'deleting') env.send(COORDINATOR, { type: 'Delete', seq: s.seq });
  else return;
  env.setTimer('retry', c.retryMs);
}

export function clientPing(x: X): void {
  const { s, env, c } = x;
  env.send(COORDINATOR, { type: 'Ping', session: s.session, atMs: env.now() });
  env.setTimer('ping', c.opts.pingMs);
}

/**
 * Opens a new session: not yet confirmed by any Pong, so no lock may be held under it; if
 * none comes for two session timeouts (the coordinator may have expired it unheard), the
 * `lapse` timer opens another.
 */
function openSession(x: X): void {
  const { s, env, c } = x;
  s.session++;
  s.validUntilMs = env.now();
  env.setTimer('lapse', 2 * c.opts.sessionTimeoutMs);
  clientPing(x);
}

export function clientStart(x: X): void {
  openSession(x);
  think(x);
}

export function clientAsk(x: X): void {
  const { s, env } = x;
  if (s.phase !== 'idle') return;
  s.req++;
  s.seq = 0;
  env.output({ type: 'request' });
  setPhase(x, 'creating');
  sendForPhase(x);
}

export function clientPong(x: X, session: number, atMs: number): void {
  const { s, env, c } = x;
  if (session !== s.session || atMs > env.now()) return;
  const validUntilMs = atMs + c.sessionBudgetMs;
  if (validUntilMs <= s.validUntilMs) return;
  s.validUntilMs = validUntilMs;
  env.setTimer('lapse', Math.max(0, validUntilMs - env.now()));
  if (s.phase === 'confirming' && env.now() < validUntilMs) enter(x);
}

/** Our entry's place, from a Created or CheckReply: hold, or wait for the watch. */
export function clientPlace(x: X, seq: number, pred: number): void {
  const { s, env, c } = x;
  if (s.phase !== 'creating' && s.phase !== 'checking' && s.phase !== 'watching') return;
  s.seq = seq;
  if (pred !== 0) {
    s.pred = pred;
    setPhase(x, 'watching');
    env.setTimer('retry', c.retryMs); // A watch event lost: Check again in a while.
    return;
  }
  env.cancelTimer('retry');
  s.pred = 0;
  // The lowest entry — but hold only while our session is confirmed alive (a Pong): our
  // entry lives exactly as long as the session, and no lower entry can appear.
  if (env.now() >= s.validUntilMs) return setPhase(x, 'confirming');
  enter(x);
}

function enter(x: X): void {
  const { s, env, c } = x;
  setPhase(x, 'inside');
  env.output({ type: 'enter', token: s.seq });
  env.setTimer('hold', env.random.range(1, Math.max(1, 2 * c.opts.holdMs - 1)));
}

export function clientNotify(x: X, seq: number): void {
  const { s } = x;
  if (s.phase !== 'watching' || seq !== s.pred) return;
  setPhase(x, 'checking');
  sendForPhase(x);
}

export function clientRelease(x: X): void {
  const { s, env } = x;
  if (s.phase !== 'inside') return;
  s.served++;
  env.output({ type: 'exit' });
  setPhase(x, 'deleting');
  sendForPhase(x);
}

export function clientDeleted(x: X, seq: number): void {
  const { s, env } = x;
  if (s.phase !== 'deleting' || seq !== s.seq) return;
  env.cancelTimer('retry');
  setPhase(x, 'idle');
  think(x);
}

export function clientRetry(x: X): void {
  if (x.s.phase === 'watching') setPhase(x, 'checking');
  sendForPhase(x);
}

/**
 * Our session may have expired (no Pong for too long, or our entry is gone): a holder has
 * lost the lock; a new session starts, and a pending request is made again under it.
 */
export function clientRenew(x: X): void {
  const { s, env } = x;
  const pending = s.phase !== 'idle' && s.phase !== 'deleting';
  if (s.phase === 'inside') env.output({ type: 'exit' });
  env.cancelTimer('hold');
  env.cancelTimer('retry');
  setPhase(x, 'idle');
  openSession(x);
  if (pending) clientAsk(x);
  else think(x);
}

/** The `lapse` timer: past the session budget since the last Pong, the session may be gone. */
export function clientLapse(x: X): void {
  if (x.env.now() >= x.s.validUntilMs) clientRenew(x);
}

/** A CheckReply saying our entry is gone: its session expired. */
export function clientGone(x: X, seq: number): void {
  const { s } = x;
  if ((s.phase === 'checking' || s.phase === 'watching') && seq === s.seq) clientRenew(x);
}
