// The centralized mutex process [000, 001 §2.1]: node 1 coordinates, nodes 2..n ask it.
// Request → Grant → Release: exactly 3 messages per entry without faults; first come, first
// served. The coordinator's queue, holder and per-client progress are durable, so a
// restarted coordinator resumes where it stopped (it never re-grants a lock that is held).
// Requests carry a per-client number; a client re-sends its request when no grant came within
// a timeout longer than any fault-free wait, and the coordinator probes a holder that has
// not released long after its grant (the client answers with a Release if it is not inside).
// So loss and duplication cost messages, never safety.
//
// With `--failover` the coordinator role moves (failover.ts); a node that becomes coordinator
// keeps asking for the critical section too, handling its own messages locally (`post`).

import type { Env, NodeId } from '../../../core/process.js';
import type { DetectorTiming } from '../failure-detector.js';
import { type MutexOutput, retryMs } from '../workload.js';
import type {
  CentralizedMessage,
  CentralizedOptions,
  CentralizedState,
  ClientPhase,
} from './messages.js';

export type E = Env<CentralizedMessage, MutexOutput>;

/** Fixed per run. */
export interface Config {
  readonly opts: CentralizedOptions;
  readonly timing: DetectorTiming;
  /** How long an election waits for answers, and a new coordinator for reports. */
  readonly electMs: number;
}

/** Node 1 coordinates at first and never asks for the critical section itself. */
export const ORIGINAL_COORDINATOR: NodeId = 1;

export function isRequester(id: NodeId): boolean {
  return id !== ORIGINAL_COORDINATOR;
}

/** A holder still not released after this long is asked whether it is inside. */
function probeMs(opts: CentralizedOptions): number {
  return 2 * opts.holdMs + 100;
}

/** The request number a client has finished with, given its phase. */
export function finishedReq(req: number, phase: ClientPhase): number {
  return phase === 'idle' ? req : req - 1;
}

export type Receive = (from: NodeId, m: CentralizedMessage) => void;

/** Sends `m`, or handles it at once when it is addressed to this very node. */
export function post(env: E, receive: Receive, to: NodeId, m: CentralizedMessage): void {
  if (to === env.id) receive(env.id, m);
  else env.send(to, m);
}

export function grantNext(s: CentralizedState, env: E, c: Config, receive: Receive): void {
  if (s.book.holder !== null || s.election === 'rebuilding') return;
  const next = s.book.queue.shift();
  if (next === undefined) return;
  s.book.holder = next;
  env.setTimer('probe', probeMs(c.opts));
  post(env, receive, next.node, { type: 'Grant', req: next.req });
}

export function coordinatorMessage(
  s: CentralizedState,
  env: E,
  c: Config,
  from: NodeId,
  m: CentralizedMessage & { type: 'Request' | 'Release' },
  receive: Receive,
): void {
  const book = s.book;
  const done = book.done[from] ?? 0;
  if (m.type === 'Request') {
    if (m.req <= done) return; // A stale retry of a finished request.
    if (book.holder?.node === from && book.holder.req === m.req) {
      post(env, receive, from, { type: 'Grant', req: m.req }); // Our grant was lost: again.
    } else if (!book.queue.some((t) => t.node === from && t.req === m.req)) {
      book.queue.push({ node: from, req: m.req });
      grantNext(s, env, c, receive);
    }
  } else {
    book.done[from] = Math.max(done, m.req);
    book.queue = book.queue.filter((t) => t.node !== from || t.req > m.req);
    if (book.holder?.node === from && book.holder.req <= m.req) {
      book.holder = null;
      grantNext(s, env, c, receive);
    }
  }
  env.storage.set('book', book); // Durable BEFORE the grant leaves (host ordering rule).
}

function setPhase(s: CentralizedState, env: E, phase: ClientPhase): void {
  s.phase = phase;
  s.inCS = phase === 'inside';
  env.storage.set('inside', s.inCS); // So a restart knows the crash ended a critical section.
}

export function clientMessage(
  s: CentralizedState,
  env: E,
  c: Config,
  m: CentralizedMessage & { type: 'Grant' | 'Probe' },
  receive: Receive,
): void {
  // A Probe for the request we wait on means its Grant was lost: it is a grant too.
  if (s.phase === 'waiting' && m.req === s.req) {
    setPhase(s, env, 'inside');
    env.cancelTimer('retry');
    env.output({ type: 'enter' });
    env.setTimer('hold', env.random.range(1, 2 * c.opts.holdMs - 1));
  } else if (!(s.phase === 'inside' && m.req === s.req)) {
    post(env, receive, s.coord, { type: 'Release', req: m.req }); // Not ours: hand it back.
  }
}

function think(s: CentralizedState, env: E, c: Config): void {
  if (s.served < c.opts.requests)
    env.setTimer('think', env.random.range(1, 2 * c.opts.thinkMs - 1));
}

function exit(s: CentralizedState, env: E, c: Config): void {
  setPhase(s, env, 'idle');
  s.served++;
  env.storage.set('served', s.served);
  env.output({ type: 'exit' });
  think(s, env, c);
}

/** Handles the client's timers; returns false for a timer that is not the client's. */
export function clientTimer(
  s: CentralizedState,
  env: E,
  c: Config,
  name: string,
  receive: Receive,
): boolean {
  if (name === 'think' && s.phase === 'idle') {
    setPhase(s, env, 'waiting');
    s.req++;
    env.storage.set('req', s.req);
    env.output({ type: 'request' });
  } else if (name === 'hold' && s.phase === 'inside') {
    exit(s, env, c);
    post(env, receive, s.coord, { type: 'Release', req: s.req });
    return true;
  } else if (name !== 'retry') {
    return name === 'think' || name === 'hold';
  }
  if (s.phase !== 'waiting') return true;
  env.setTimer('retry', retryMs(env.nodes.length, c.opts));
  post(env, receive, s.coord, { type: 'Request', req: s.req });
  return true;
}

export function probeHolder(s: CentralizedState, env: E, c: Config, receive: Receive): void {
  const holder = s.book.holder;
  if (holder === null || s.role !== 'coordinator') return;
  env.setTimer('probe', probeMs(c.opts));
  post(env, receive, holder.node, { type: 'Probe', req: holder.req });
}

/** A restarted client: a crash inside ended that critical section; give back what it held. */
export function restartClient(s: CentralizedState, env: E, c: Config, receive: Receive): void {
  s.served = env.storage.get<number>('served') ?? 0;
  s.req = env.storage.get<number>('req') ?? 0;
  if (env.storage.get<boolean>('inside') === true) exit(s, env, c);
  else think(s, env, c);
  if (s.req > 0) post(env, receive, s.coord, { type: 'Release', req: s.req });
}
