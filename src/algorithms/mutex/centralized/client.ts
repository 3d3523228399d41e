// The client's side of mutex/centralized [000, 001 §2.1]: think, Request, wait for the
// Grant, hold, Release. A client re-sends its request when no grant came within a timeout
// longer than any fault-free wait (workload.ts retryMs); a Grant or Probe that is not for
// the request it waits on is handed back with a Release. Its request number, served count
// and whether it is inside are durable (state.ts).

import { post } from '../local-delivery.js';
import { retryMs } from '../workload.js';
import type { ClientPhase } from './messages.js';
import type { X } from './options.js';

/** The request number a client has finished with, given its phase. */
export function finishedReq(req: number, phase: ClientPhase): number {
  return phase === 'idle' ? req : req - 1;
}

function setPhase(x: X, phase: ClientPhase): void {
  x.s.phase = phase;
  x.s.inCS = phase === 'inside';
}

/** A Grant — or a Probe, which for the request we wait on means its Grant was lost. */
export function clientGranted(x: X, req: number): void {
  const { s, env, c } = x;
  if (s.phase === 'waiting' && req === s.req) {
    setPhase(x, 'inside');
    env.cancelTimer('retry');
    env.output({ type: 'enter' });
    env.setTimer('hold', env.random.range(1, 2 * c.opts.holdMs - 1));
  } else if (!(s.phase === 'inside' && req === s.req)) {
    post(x, s.coord, { type: 'Release', req }); // Not ours: hand it back.
  }
}

function think(x: X): void {
  if (x.s.served < x.c.opts.requests)
    x.env.setTimer('think', x.env.random.range(1, 2 * x.c.opts.thinkMs - 1));
}

function exit(x: X): void {
  setPhase(x, 'idle');
  x.s.served++;
  x.env.output({ type: 'exit' });
  think(x);
}

export function clientAsk(x: X): void {
  if (x.s.phase !== 'idle') return;
  setPhase(x, 'waiting');
  x.s.req++;
  x.env.output({ type: 'request' });
  clientRetry(x);
}

export function clientRelease(x: X): void {
  if (x.s.phase !== 'inside') return;
  exit(x);
  post(x, x.s.coord, { type: 'Release', req: x.s.req });
}

/** (Re-)sends the request we wait on, and waits for its grant. */
export function clientRetry(x: X): void {
  const { s, env, c } = x;
  if (s.phase !== 'waiting') return;
  env.setTimer('retry', retryMs(env.nodes.length, c.opts));
  post(x, s.coord, { type: 'Request', req: s.req });
}

/** A restarted client: a crash inside ended that critical section; give back what it held. */
export function clientRestart(x: X): void {
  // The kernel restored `inCS` from before the crash; the phase (volatile) is idle.
  if (x.s.inCS) exit(x);
  else think(x);
  if (x.s.req > 0) post(x, x.s.coord, { type: 'Release', req: x.s.req });
}
