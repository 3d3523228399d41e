// Maekawa's √n algorithm (ACM TOCS 1985) with the deadlock-avoidance messages, in the
// corrected form: Sanders (ACM TOCS 5(3), 1987) showed the original can deadlock; here, as in
// Singhal's textbook version, a voter that is LOCKED for one request and receives a request
// of higher priority ((Lamport timestamp, id) order) sends INQUIRE to its holder, and a lower
// priority one gets FAILED; a requester that has received a FAILED yields (RELINQUISH) every
// vote it is asked for, so the higher-priority request can collect its quorum.
//
// Every node votes (voter half) and asks (requester half); its own vote is delivered locally.
// Fault handling (loss, duplication, reordering, crash-restart, partitions): all state is
// durable; requests are re-sent to voters that have not voted; each vote carries the voter's
// grant stamp, and a requester ignores a vote whose stamp it has already given back, so a
// delayed LOCKED can never count after its RELINQUISH. A voter whose lock blocks others keeps
// inquiring its holder; a holder asked about a request it has finished answers RELEASE, so a
// lost RELEASE is repaired too.

import { compareLamport, lamportReceive, lamportTick } from '../../../core/clocks/lamport.js';
import type { Env, NodeId, Process } from '../../../core/process.js';
import { type MutexNodeState, type MutexOptions, type MutexOutput, retryMs } from '../workload.js';
import type { MaekawaMessage } from './messages.js';

interface Ask {
  readonly node: NodeId;
  readonly ts: number;
}

export interface MaekawaState extends MutexNodeState {
  phase: 'idle' | 'wanting' | 'inside';
  inCS: boolean;
  served: number;
  clock: number;
  /** Our current request's timestamp. */
  ts: number;
  /** Votes held for the current request: voter id → grant stamp. */
  votes: Record<string, number>;
  /** A FAILED arrived for the current request: yield whenever asked. */
  failed: boolean;
  /** Voters that inquired while we had no FAILED yet. */
  inquirers: NodeId[];
  /** Highest grant stamp given back to each voter (votes at or below it are stale). */
  yielded: Record<string, number>;
  /** Voter half: the request we are locked for, its stamp, and the waiting requests. */
  lock: (Ask & { readonly stamp: number }) | null;
  queue: Ask[];
  stamps: number;
  /** The voter's `inquire` timer is armed. */
  inquiring: boolean;
}

type E = Env<MaekawaMessage, MutexOutput>;
type Handle = (from: NodeId, m: MaekawaMessage) => void;

const precedes = (a: Ask, b: Ask) =>
  compareLamport({ time: a.ts, id: a.node }, { time: b.ts, id: b.node }) < 0;

function post(env: E, handle: Handle, to: NodeId, m: MaekawaMessage): void {
  if (to === env.id) handle(env.id, m);
  else env.send(to, m);
}

// ---- Voter half ---------------------------------------------------------------------------

function grant(s: MaekawaState, env: E, handle: Handle, ask: Ask): void {
  s.queue = s.queue.filter((q) => q.node !== ask.node);
  s.lock = { ...ask, stamp: ++s.stamps };
  post(env, handle, ask.node, { type: 'Locked', ts: ask.ts, stamp: s.lock.stamp });
}

function grantNext(s: MaekawaState, env: E, handle: Handle): void {
  const next = [...s.queue].sort((a, b) => (precedes(a, b) ? -1 : 1))[0];
  s.lock = null;
  if (next !== undefined) grant(s, env, handle, next);
}

function voterRequest(s: MaekawaState, env: E, handle: Handle, ask: Ask): void {
  const lock = s.lock;
  if (lock?.node === ask.node && lock.ts === ask.ts)
    return post(env, handle, ask.node, { type: 'Locked', ts: ask.ts, stamp: lock.stamp });
  s.queue = s.queue.filter((q) => q.node !== ask.node || q.ts > ask.ts);
  if (!s.queue.some((q) => q.node === ask.node)) s.queue.push(ask);
  if (lock === null || (lock.node === ask.node && lock.ts < ask.ts)) {
    // Free (or its holder has moved on to a newer request): the best waiting request wins.
    grantNext(s, env, handle);
    if (s.lock?.node !== ask.node) post(env, handle, ask.node, { type: 'Failed', ts: ask.ts });
    return;
  }
  const beaten = !precedes(ask, lock) || s.queue.some((q) => precedes(q, ask));
  if (beaten) post(env, handle, ask.node, { type: 'Failed', ts: ask.ts });
  else post(env, handle, lock.node, { type: 'Inquire', ts: lock.ts, stamp: lock.stamp });
}

/** While a lock blocks others, the voter keeps asking its holder (repairs lost messages). */
function keepInquiring(s: MaekawaState, env: E, inquireMs: number): void {
  if (s.inquiring || s.lock === null || s.queue.length === 0) return;
  s.inquiring = true;
  env.setTimer('inquire', inquireMs);
}

function voterMessage(
  s: MaekawaState,
  env: E,
  handle: Handle,
  from: NodeId,
  m: MaekawaMessage,
): void {
  if (m.type === 'Relinquish') {
    if (s.lock?.node !== from || s.lock.stamp !== m.stamp) return;
    s.queue.push({ node: from, ts: s.lock.ts });
    grantNext(s, env, handle);
  } else if (m.type === 'Release') {
    s.queue = s.queue.filter((q) => q.node !== from || q.ts > m.ts);
    if (s.lock?.node === from && s.lock.ts <= m.ts) grantNext(s, env, handle);
  }
}

// ---- Requester half -----------------------------------------------------------------------

function giveBack(s: MaekawaState, env: E, handle: Handle, voter: NodeId, stamp: number): void {
  s.yielded[voter] = Math.max(s.yielded[voter] ?? 0, stamp);
  delete s.votes[voter];
  post(env, handle, voter, { type: 'Relinquish', ts: s.ts, stamp });
}

function requesterMessage(
  s: MaekawaState,
  env: E,
  handle: Handle,
  from: NodeId,
  m: MaekawaMessage,
  quorum: readonly NodeId[],
  opts: MutexOptions,
): void {
  const current = s.phase !== 'idle' && m.ts === s.ts;
  if (m.type === 'Locked') {
    if (!current || s.phase !== 'wanting' || m.stamp <= (s.yielded[from] ?? 0)) return;
    s.votes[from] = Math.max(s.votes[from] ?? 0, m.stamp);
    if (quorum.every((v) => s.votes[v] !== undefined)) enter(s, env, opts);
  } else if (m.type === 'Failed') {
    if (!current || s.phase !== 'wanting') return;
    s.failed = true;
    for (const v of s.inquirers)
      if (s.votes[v] !== undefined) giveBack(s, env, handle, v, s.votes[v]);
    s.inquirers = [];
  } else if (m.type === 'Inquire') {
    if (!current) return post(env, handle, from, { type: 'Release', ts: m.ts }); // Long done.
    if (s.phase === 'inside') return; // Our RELEASE will answer it.
    if (s.failed || s.votes[from] !== m.stamp) giveBack(s, env, handle, from, m.stamp);
    else if (!s.inquirers.includes(from)) s.inquirers.push(from);
  }
}

function enter(s: MaekawaState, env: E, opts: MutexOptions): void {
  s.phase = 'inside';
  s.inCS = true;
  env.cancelTimer('retry');
  env.output({ type: 'enter' });
  env.setTimer('hold', env.random.range(1, 2 * opts.holdMs - 1));
}

function ask(
  s: MaekawaState,
  env: E,
  handle: Handle,
  quorum: readonly NodeId[],
  opts: MutexOptions,
): void {
  env.setTimer('retry', retryMs(env.nodes.length, opts));
  for (const v of quorum)
    if (s.votes[v] === undefined) post(env, handle, v, { type: 'Request', ts: s.ts });
}

function leave(
  s: MaekawaState,
  env: E,
  handle: Handle,
  quorum: readonly NodeId[],
  opts: MutexOptions,
): void {
  s.phase = 'idle';
  s.inCS = false;
  s.served++;
  s.votes = {};
  env.output({ type: 'exit' });
  for (const v of quorum) post(env, handle, v, { type: 'Release', ts: s.ts });
  if (s.served < opts.requests) env.setTimer('think', env.random.range(1, 2 * opts.thinkMs - 1));
}

export function createMaekawa(
  quorum: readonly NodeId[],
  opts: MutexOptions,
): Process<MaekawaMessage, MutexOutput, MaekawaState> {
  const inquireMs = (n: number) => retryMs(n, opts);
  let s: MaekawaState = {
    phase: 'idle',
    inCS: false,
    served: 0,
    clock: 0,
    ts: 0,
    votes: {},
    failed: false,
    inquirers: [],
    yielded: {},
    lock: null,
    queue: [],
    stamps: 0,
    inquiring: false,
  };
  function handle(env: E, from: NodeId, m: MaekawaMessage): void {
    const h: Handle = (f, msg) => handle(env, f, msg);
    s.clock = lamportReceive(s.clock, m.ts);
    if (m.type === 'Request') voterRequest(s, env, h, { node: from, ts: m.ts });
    else if (m.type === 'Relinquish' || m.type === 'Release') voterMessage(s, env, h, from, m);
    else requesterMessage(s, env, h, from, m, quorum, opts);
    keepInquiring(s, env, inquireMs(env.nodes.length));
  }
  return {
    get state() {
      return s;
    },
    onStart(env) {
      const h: Handle = (f, msg) => handle(env, f, msg);
      s = env.storage.get<MaekawaState>('state') ?? s;
      if (s.phase === 'inside') env.setTimer('hold', env.random.range(1, 2 * opts.holdMs - 1));
      else if (s.phase === 'wanting') ask(s, env, h, quorum, opts);
      else if (s.served < opts.requests)
        env.setTimer('think', env.random.range(1, 2 * opts.thinkMs - 1));
      s.inquiring = false; // Timers died with the crash.
      keepInquiring(s, env, inquireMs(env.nodes.length));
      env.storage.set('state', s);
    },
    onMessage(env, from, m) {
      handle(env, from, m);
      env.storage.set('state', s);
    },
    onTimer(env, name) {
      const h: Handle = (f, msg) => handle(env, f, msg);
      if (name === 'think' && s.phase === 'idle') {
        s.clock = lamportTick(s.clock);
        s.ts = s.clock;
        s.phase = 'wanting';
        s.failed = false;
        s.inquirers = [];
        s.votes = {};
        env.output({ type: 'request' });
        ask(s, env, h, quorum, opts);
      } else if (name === 'retry' && s.phase === 'wanting') {
        ask(s, env, h, quorum, opts);
      } else if (name === 'hold' && s.phase === 'inside') {
        leave(s, env, h, quorum, opts);
      } else if (name === 'inquire') {
        s.inquiring = false;
        if (s.lock !== null && s.queue.length > 0)
          post(env, h, s.lock.node, { type: 'Inquire', ts: s.lock.ts, stamp: s.lock.stamp });
      }
      keepInquiring(s, env, inquireMs(env.nodes.length));
      env.storage.set('state', s);
    },
  };
}
