// The requester half of a Maekawa node (maekawa.ts explains the protocol): ask every voter
// of the quorum, enter with all their votes, give a vote back (RELINQUISH) when inquired
// after a FAILED, and RELEASE every voter on leaving.

import { lamportTick } from '../../../core/clocks/lamport.js';
import type { NodeId } from '../../../core/process.js';
import { armThink, enterCriticalSection, meanHoldMaxMs } from '../critical-section.js';
import { post } from '../local-delivery.js';
import { retryMs } from '../workload.js';
import type { X } from './options.js';
import { hasAllVotes } from './state.js';

function giveBack(x: X, voter: NodeId, stamp: number): void {
  const { s } = x;
  s.yielded[voter] = Math.max(s.yielded[voter] ?? 0, stamp);
  delete s.votes[voter];
  post(x, voter, { type: 'Relinquish', ts: s.ts, stamp });
}

/** Whether `ts` names the request in progress. */
function current(x: X, ts: number): boolean {
  return x.s.phase !== 'idle' && ts === x.s.ts;
}

function enter({ s, env, c }: X): void {
  enterCriticalSection(s, env, { waiting: 'retry', holdMaxMs: meanHoldMaxMs(c.opts) });
}

export function requesterLocked(x: X, from: NodeId, ts: number, stamp: number): void {
  const { s } = x;
  if (!current(x, ts) || s.phase !== 'wanting' || stamp <= (s.yielded[from] ?? 0)) return;
  s.votes[from] = Math.max(s.votes[from] ?? 0, stamp);
  if (hasAllVotes(s)) enter(x);
}

export function requesterFailed(x: X, ts: number): void {
  const { s } = x;
  if (!current(x, ts) || s.phase !== 'wanting') return;
  s.failed = true;
  for (const v of s.inquirers) if (s.votes[v] !== undefined) giveBack(x, v, s.votes[v]);
  s.inquirers = [];
}

export function requesterInquire(x: X, from: NodeId, ts: number, stamp: number): void {
  const { s } = x;
  if (!current(x, ts)) return post(x, from, { type: 'Release', ts }); // Long done.
  if (s.phase === 'inside') return; // Our RELEASE will answer it.
  if (s.failed || s.votes[from] !== stamp) giveBack(x, from, stamp);
  else if (!s.inquirers.includes(from)) s.inquirers.push(from);
}

/** Asks every voter that has not voted yet, and re-asks later. */
export function ask(x: X): void {
  const { s, env, c } = x;
  env.setTimer('retry', retryMs(env.nodes.length, c.opts));
  for (const v of s.quorum) if (s.votes[v] === undefined) post(x, v, { type: 'Request', ts: s.ts });
}

/** The `think` timer: a new request with a fresh timestamp. */
export function request(x: X): void {
  const { s, env } = x;
  s.clock = lamportTick(s.clock);
  s.ts = s.clock;
  s.phase = 'wanting';
  s.failed = false;
  s.inquirers = [];
  s.votes = {};
  env.output({ type: 'request' });
  ask(x);
}

export function leave(x: X): void {
  const { s, env, c } = x;
  s.phase = 'idle';
  s.inCS = false;
  s.served++;
  s.votes = {};
  env.output({ type: 'exit' });
  for (const v of s.quorum) post(x, v, { type: 'Release', ts: s.ts });
  if (s.served < c.opts.requests) armThink(env, c.opts);
}
