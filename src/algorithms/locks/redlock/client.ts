// A client of locks/redlock: Redlock's acquire as antirez describes it. Draw how long to
// hold; note the time; send Lock with a fresh nonce to every instance; as soon as a
// majority granted, the validity left is the budget (../timing.ts) less the time elapsed —
// if the hold fits in it, hold, else fail. A failed attempt (no majority within
// `acquireTimeoutMs`, a majority impossible, or too little validity left) releases
// everywhere and retries after a random delay. A hold ends with an Unlock to every
// instance. Late replies to an old nonce are ignored.

import { thinkDelayMs } from '../workload.js';
import type { X } from './options.js';

export function think(x: X): void {
  const { s, env, c } = x;
  if (s.served < c.opts.requests) env.setTimer('think', thinkDelayMs(env.random, c.opts.thinkMs));
}

function unlockEverywhere(x: X): void {
  for (const id of x.c.instances) x.env.send(id, { type: 'Unlock', nonce: x.s.nonce });
}

function attempt(x: X): void {
  const { s, env, c } = x;
  s.phase = 'acquiring';
  s.nonce++;
  s.attempts++;
  s.startedAtMs = env.now();
  s.answered = [];
  s.granted = [];
  env.output({ type: 'attempt' });
  for (const id of c.instances) env.send(id, { type: 'Lock', nonce: s.nonce, ttlMs: c.opts.ttlMs });
  env.setTimer('timeout', c.opts.acquireTimeoutMs);
}

export function clientAsk(x: X): void {
  const { s, env, c } = x;
  if (s.phase !== 'idle') return;
  s.holdMs = env.random.range(1, Math.max(1, 2 * c.opts.holdMs - 1));
  env.output({ type: 'request' });
  attempt(x);
}

/** Gives the attempt up: release everywhere, retry after a random delay. */
export function clientFail(x: X): void {
  const { s, env, c } = x;
  if (s.phase !== 'acquiring') return;
  env.cancelTimer('timeout');
  unlockEverywhere(x);
  s.phase = 'backoff';
  env.setTimer('retry', thinkDelayMs(env.random, c.opts.thinkMs));
}

export function clientRetry(x: X): void {
  if (x.s.phase === 'backoff') attempt(x);
}

export function clientLockReply(x: X, from: number, nonce: number, ok: boolean): void {
  const { s, env, c } = x;
  if (s.phase !== 'acquiring' || nonce !== s.nonce || s.answered.includes(from)) return;
  s.answered.push(from);
  if (ok) s.granted.push(from);
  if (s.granted.length >= c.majority) {
    const elapsed = env.now() - s.startedAtMs;
    if (elapsed + s.holdMs > c.budgetMs) return clientFail(x); // Too little validity left.
    env.cancelTimer('timeout');
    s.phase = 'holding';
    s.inCS = true;
    env.output({ type: 'enter', token: s.nonce });
    env.setTimer('hold', s.holdMs);
  } else if (s.answered.length - s.granted.length > c.instances.length - c.majority) {
    clientFail(x); // A majority can no longer grant this attempt.
  }
}

export function clientRelease(x: X): void {
  const { s, env } = x;
  if (s.phase !== 'holding') return;
  s.phase = 'idle';
  s.inCS = false;
  s.served++;
  env.output({ type: 'exit' });
  unlockEverywhere(x);
  think(x);
}
