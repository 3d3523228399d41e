// A client of locks/lease-lock (nodes 3..n): think, Acquire, hold the lease for `writes`
// units of work each ending in a write to the storage, Release. It believes it holds the
// lock while its own clock says the lease budget (../timing.ts) has not run out since the
// Acquire the grant answers. It checks that budget BEFORE each unit of work — never between
// the work and the write, just as a real client's check and its I/O are never one atomic
// step: a process pause (a GC pause) during the work is what the budget's pause bound covers,
// and what scenario `gc-pause` exceeds.
//
// It releases only once every write it sent has been answered, so no write of its is still
// in flight when the next holder is granted; a client whose write goes unanswered past its
// budget gives the lease up silently and lets it run out on the server.

import { thinkDelayMs } from '../workload.js';
import type { X } from './options.js';
import { LOCK_SERVER, REMEMBERED_ATTEMPTS, STORAGE } from './state.js';

export function think(x: X): void {
  const { s, env, c } = x;
  if (s.served < c.opts.requests) env.setTimer('think', thinkDelayMs(env.random, c.opts.thinkMs));
}

function sendAcquire(x: X): void {
  const { s, env, c } = x;
  s.attempt++;
  s.sent.push({ attempt: s.attempt, atMs: env.now() });
  if (s.sent.length > REMEMBERED_ATTEMPTS) s.sent.shift();
  env.send(LOCK_SERVER, { type: 'Acquire', attempt: s.attempt });
  env.setTimer('retry', c.acquireRetryMs);
}

export function clientAsk(x: X): void {
  const { s, env } = x;
  if (s.phase !== 'idle') return;
  s.phase = 'waiting';
  s.sent = [];
  env.output({ type: 'request' });
  sendAcquire(x);
}

/** The lock is free and reserved for us: ask afresh, so the lease is measured from now. */
export function clientReady(x: X): void {
  sendAcquire(x);
}

/** Ends the current hold: with a Release only when nothing of ours is in flight. */
function finish(x: X, opts: { release: boolean }): void {
  const { s, env } = x;
  const held = s.held;
  if (held === null) return;
  if (opts.release) env.send(LOCK_SERVER, { type: 'Release', token: held.token });
  env.cancelTimer('retry');
  env.cancelTimer('work');
  s.held = null;
  s.inCS = false;
  s.phase = 'idle';
  s.served++;
  env.output({ type: 'exit' });
  think(x);
}

/** The check before a unit of work: enough budget left for the work, else release. */
function startUnit(x: X): void {
  const { s, env, c } = x;
  const held = s.held;
  if (held === null) return;
  if (s.unit >= c.opts.writes || env.now() + c.opts.workMs > held.validUntilMs) {
    finish(x, { release: true }); // Every write so far was answered: nothing in flight.
    return;
  }
  s.phase = 'working';
  env.setTimer('work', c.opts.workMs);
}

export function clientGranted(x: X, attempt: number, token: number, ttlMs: number): void {
  const { s, env, c } = x;
  if (s.phase !== 'waiting' || ttlMs !== c.opts.ttlMs) return;
  const sent = s.sent.find((a) => a.attempt === attempt);
  if (sent === undefined) return; // An attempt we no longer know: let that lease run out.
  env.cancelTimer('retry');
  s.held = { token, validUntilMs: sent.atMs + c.budgetMs };
  s.unit = 0;
  s.inCS = true;
  env.output({ type: 'enter', token });
  startUnit(x);
}

/** The unit of work is done: write, with no second look at the clock. */
export function clientWork(x: X): void {
  const { s, env, c } = x;
  if (s.phase !== 'working' || s.held === null) return;
  s.phase = 'writing';
  env.send(STORAGE, { type: 'Write', token: s.held.token, unit: s.unit });
  env.setTimer('retry', c.writeRetryMs);
}

export function clientWriteReply(x: X, token: number, unit: number, accepted: boolean): void {
  const { s, env } = x;
  if (s.phase !== 'writing' || s.held?.token !== token || unit !== s.unit) return;
  env.cancelTimer('retry');
  s.unit++;
  // Refused: the storage has seen a newer holder, so ours is gone (no Release to send).
  if (accepted) startUnit(x);
  else finish(x, { release: false });
}

export function clientRetry(x: X): void {
  const { s, env, c } = x;
  if (s.phase === 'waiting') sendAcquire(x);
  else if (s.phase === 'writing' && s.held !== null) {
    // Writing again is a fresh check and send in one step: only within the budget.
    if (env.now() > s.held.validUntilMs) finish(x, { release: false });
    else {
      env.send(STORAGE, { type: 'Write', token: s.held.token, unit: s.unit });
      env.setTimer('retry', c.writeRetryMs);
    }
  }
}
