// mutex/centralized — the notes' central server [000, 001 §2.1]: node 1 coordinates, nodes
// 2..n ask it. Request → Grant → Release: exactly 3 messages per entry without faults;
// first come, first served. The coordinator's queue, holder and per-client progress are
// durable, so a restarted coordinator resumes where it stopped (it never re-grants a lock
// that is held). Requests carry a per-client number; a client re-sends its request when no
// grant came within a timeout longer than any fault-free wait, and the coordinator probes a
// holder that has not released long after its grant (the client answers with a Release if
// it is not inside). So loss and duplication cost messages, never safety, and a fault-free
// run sends exactly Request, Grant, Release.
//
// Weaknesses (scenarios): every message passes through node 1 (`coordinatorMessages` grows
// as 3 per entry: 100 programs → 300 messages), and while node 1 is down everyone stalls.

import { defineAlgorithm } from '../../../core/algorithm.js';
import type { Env, NodeId, Process } from '../../../core/process.js';
import {
  everyRequestServed,
  type MutexNodeState,
  type MutexOptions,
  type MutexOutput,
  mutexMetrics,
  mutexOptionSpecs,
  mutualExclusion,
  noUnaskedGrant,
  retryMs,
} from '../workload.js';

export type CentralizedMessage =
  | { readonly type: 'Request'; readonly req: number }
  | { readonly type: 'Grant'; readonly req: number }
  | { readonly type: 'Release'; readonly req: number }
  | { readonly type: 'Probe'; readonly req: number };

interface Ticket {
  readonly node: NodeId;
  readonly req: number;
}

interface CoordinatorBook {
  holder: Ticket | null;
  /** Waiting requests in arrival order (FIFO). */
  queue: Ticket[];
  /** Highest request number each client has finished or abandoned, by node id. */
  done: Record<string, number>;
}

export interface CentralizedState extends MutexNodeState {
  role: 'coordinator' | 'client';
  phase: 'idle' | 'waiting' | 'inside';
  inCS: boolean;
  served: number;
  /** The client's current request number (durable, grows by one per request). */
  req: number;
  book: CoordinatorBook;
}

const COORDINATOR: NodeId = 1;

/** A holder still not released after this long is asked whether it is inside. */
function probeMs(opts: MutexOptions): number {
  return 2 * opts.holdMs + 100;
}

type E = Env<CentralizedMessage, MutexOutput>;

function grantNext(s: CentralizedState, env: E, opts: MutexOptions): void {
  const next = s.book.queue.shift();
  if (s.book.holder !== null || next === undefined) return;
  s.book.holder = next;
  env.send(next.node, { type: 'Grant', req: next.req });
  env.setTimer('probe', probeMs(opts));
}

function coordinatorMessage(
  s: CentralizedState,
  env: E,
  from: NodeId,
  m: CentralizedMessage,
  opts: MutexOptions,
): void {
  const book = s.book;
  const done = book.done[from] ?? 0;
  if (m.type === 'Request') {
    if (m.req <= done) return; // A stale retry of a finished request.
    if (book.holder?.node === from && book.holder.req === m.req) {
      env.send(from, { type: 'Grant', req: m.req }); // Our grant was lost: grant again.
    } else if (!book.queue.some((t) => t.node === from && t.req === m.req)) {
      book.queue.push({ node: from, req: m.req });
      if (book.holder === null) grantNext(s, env, opts);
    }
  } else if (m.type === 'Release') {
    book.done[from] = Math.max(done, m.req);
    book.queue = book.queue.filter((t) => t.node !== from || t.req > m.req);
    if (book.holder?.node === from && book.holder.req <= m.req) {
      book.holder = null;
      grantNext(s, env, opts);
    }
  }
  env.storage.set('book', book); // Durable BEFORE the grant leaves (host ordering rule).
}

function clientMessage(
  s: CentralizedState,
  env: E,
  m: CentralizedMessage,
  opts: MutexOptions,
): void {
  // A Probe for the request we wait on means its Grant was lost: it is a grant too.
  if (m.type === 'Grant' || m.type === 'Probe') {
    if (s.phase === 'waiting' && m.req === s.req) {
      s.phase = 'inside';
      s.inCS = true;
      env.cancelTimer('retry');
      env.output({ type: 'enter' });
      env.setTimer('hold', env.random.range(1, 2 * opts.holdMs - 1));
    } else if (!(s.phase === 'inside' && m.req === s.req)) {
      env.send(COORDINATOR, { type: 'Release', req: m.req }); // Not ours any more: hand it back.
    }
  }
}

function think(s: CentralizedState, env: E, opts: MutexOptions): void {
  if (s.served < opts.requests) env.setTimer('think', env.random.range(1, 2 * opts.thinkMs - 1));
}

function clientTimer(s: CentralizedState, env: E, name: string, opts: MutexOptions): void {
  if (name === 'think' && s.phase === 'idle') {
    s.phase = 'waiting';
    s.req++;
    env.storage.set('req', s.req);
    env.output({ type: 'request' });
  } else if (name === 'hold' && s.phase === 'inside') {
    s.phase = 'idle';
    s.inCS = false;
    s.served++;
    env.storage.set('served', s.served);
    env.output({ type: 'exit' });
    env.send(COORDINATOR, { type: 'Release', req: s.req });
    think(s, env, opts);
    return;
  }
  if (s.phase !== 'waiting' || (name !== 'think' && name !== 'retry')) return;
  env.send(COORDINATOR, { type: 'Request', req: s.req });
  env.setTimer('retry', retryMs(env.nodes.length, opts));
}

function coordinatorTimer(s: CentralizedState, env: E, opts: MutexOptions): void {
  const holder = s.book.holder;
  if (holder === null) return;
  env.send(holder.node, { type: 'Probe', req: holder.req });
  env.setTimer('probe', probeMs(opts));
}

function create(
  id: NodeId,
  opts: MutexOptions,
): Process<CentralizedMessage, MutexOutput, CentralizedState> {
  const state: CentralizedState = {
    role: id === COORDINATOR ? 'coordinator' : 'client',
    phase: 'idle',
    inCS: false,
    served: 0,
    req: 0,
    book: { holder: null, queue: [], done: {} },
  };
  return {
    state,
    onStart(env) {
      if (state.role === 'coordinator') {
        state.book = env.storage.get<CoordinatorBook>('book') ?? state.book;
        if (state.book.holder !== null) env.setTimer('probe', probeMs(opts));
        return;
      }
      state.served = env.storage.get<number>('served') ?? 0;
      state.req = env.storage.get<number>('req') ?? 0;
      // A restarted client abandons whatever it asked for before the crash.
      if (state.req > 0) env.send(COORDINATOR, { type: 'Release', req: state.req });
      think(state, env, opts);
    },
    onMessage(env, from, m) {
      if (state.role === 'coordinator') coordinatorMessage(state, env, from, m, opts);
      else clientMessage(state, env, m, opts);
    },
    onTimer(env, name) {
      if (state.role === 'client') clientTimer(state, env, name, opts);
      else coordinatorTimer(state, env, opts);
    },
  };
}

export const centralized = defineAlgorithm<
  CentralizedMessage,
  MutexOutput,
  CentralizedState,
  MutexOptions
>({
  name: 'mutex/centralized',
  family: 'mutex',
  summary: 'Central coordinator with a FIFO queue: request, grant, release (3 messages per entry)',
  seed: '000; 001 §2.1',
  nodes: { default: 5, min: 2, max: 256 },
  durationMs: 5_000,
  livenessDeadlineMs: 5_000,
  options: mutexOptionSpecs,
  create: (id, ctx) => create(id, ctx.options),
  invariants: () => [mutualExclusion(), noUnaskedGrant()],
  liveness: (ctx) => [everyRequestServed(ctx.options.requests, (id) => id !== COORDINATOR)],
  metrics: (view) => ({
    ...mutexMetrics(view),
    coordinatorMessages: (view.stats.sentBy[0] ?? 0) + (view.stats.receivedBy[0] ?? 0),
  }),
  messageCount: {
    formula: '3 per entry (Request, Grant, Release)',
    compare: (view) => {
      const entries = view.outputs.filter((o) => o.output.type === 'enter').length;
      return { expected: 3 * entries, measured: view.stats.sent };
    },
  },
  scenarios: [
    {
      name: 'coordinator-load',
      description:
        '100 programs each enter once: the coordinator handles 300 messages (3 per entry).',
      faults: '',
      nodes: 101,
      options: { requests: 1, holdMs: 1, thinkMs: 20 },
      expect: { safety: 'hold', liveness: 'hold' },
    },
    {
      name: 'coordinator-crash',
      description:
        'The coordinator crashes for good: nobody enters again (single point of failure).',
      faults: 'crash 1 @200',
      expect: { safety: 'hold', liveness: 'violated' },
    },
    {
      name: 'coordinator-restart',
      description: 'The coordinator restarts; its durable queue lets everyone finish.',
      faults: 'crash 1 @200; restart 1 @600',
      expect: { safety: 'hold', liveness: 'hold' },
    },
  ],
});
