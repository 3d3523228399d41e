// The Suzuki–Kasami broadcast token algorithm (Suzuki & Kasami, "A Distributed Mutual
// Exclusion Algorithm", ACM TOCS 3(4), 1985). A node that wants the critical section and has
// no token broadcasts REQUEST(i, sn) and waits; every node keeps RN[j], the highest request
// number heard from j. The token carries LN[j], the number of j's last served request, and a
// queue Q. On leaving, the holder sets LN[i] = RN[i], appends every j with RN[j] = LN[j] + 1
// that is not queued yet, and hands the token to the head of Q. Cost per entry: 0 messages
// when the token is already here, otherwise n−1 REQUESTs and 1 token.
//
// Fault handling beyond the paper (loss, duplication, reordering, crash-restart, partitions):
// - Everything is durable (RN, phase, the token), so a restarted node resumes.
// - A REQUEST still unanswered is re-broadcast after a timeout longer than any fault-free
//   wait; RN makes duplicates harmless (max of sequence numbers).
// - The hand-off is acknowledged: the sender keeps an outgoing copy and re-sends it until
//   the receiver acknowledges. Each hand-off is stamped with the token's transfer count, and
//   a node accepts only a stamp above every stamp it has accepted, so a re-sent or duplicated
//   token can never be used twice. The sender stops holding at the moment it sends.
// A holder that crashes for good takes the token with it: everyone else stalls (scenario
// `holder-crash-stalls`); regenerating it safely needs more (see mutex/token-ring).

import type { Env, NodeId, Process } from '../../../core/process.js';
import { type MutexNodeState, type MutexOptions, type MutexOutput, retryMs } from '../workload.js';
import type { SuzukiKasamiMessage, Token } from './messages.js';

export interface SuzukiKasamiState extends MutexNodeState {
  phase: 'idle' | 'wanting' | 'inside';
  inCS: boolean;
  served: number;
  /** RN[j − 1]: the highest request number heard from node j (our own included). */
  rn: number[];
  /** The token, while this node holds it; null otherwise. */
  token: Token | null;
  /** A token handed to `to` and not yet acknowledged (we no longer hold it). */
  outgoing: { readonly to: NodeId; readonly token: Token } | null;
  /** The highest hand-off stamp this node has accepted. */
  accepted: number;
}

type E = Env<SuzukiKasamiMessage, MutexOutput>;

/** Node 1 holds the token at the start. */
export const FIRST_HOLDER: NodeId = 1;

/** A hand-off not acknowledged within this long is sent again (many fault-free round trips). */
const HANDOFF_RETRY_MS = 100;

function save(s: SuzukiKasamiState, env: E): void {
  env.storage.set('state', s);
}

function enter(s: SuzukiKasamiState, env: E, opts: MutexOptions): void {
  s.phase = 'inside';
  s.inCS = true;
  env.cancelTimer('retry');
  env.output({ type: 'enter' });
  env.setTimer('hold', env.random.range(1, 2 * opts.holdMs - 1));
}

function handOff(s: SuzukiKasamiState, env: E, to: NodeId, token: Token): void {
  const stamped = { ...token, transfers: token.transfers + 1 };
  s.token = null;
  s.outgoing = { to, token: stamped };
  env.send(to, { type: 'Token', token: stamped });
  env.setTimer('handoff', HANDOFF_RETRY_MS);
}

/** An idle holder passes the token on to a node whose request is outstanding. */
function serveOutstanding(s: SuzukiKasamiState, env: E): void {
  const token = s.token;
  if (token === null || s.phase !== 'idle') return;
  let queue = [...token.queue];
  for (const j of env.nodes) {
    const waiting = (s.rn[j - 1] ?? 0) === (token.ln[j - 1] ?? 0) + 1;
    if (waiting && j !== env.id && !queue.includes(j)) queue.push(j);
  }
  const next = queue[0];
  if (next === undefined) return;
  queue = queue.slice(1);
  handOff(s, env, next, { ...token, queue });
}

function leave(s: SuzukiKasamiState, env: E, opts: MutexOptions): void {
  const token = s.token;
  if (token === null) return;
  s.phase = 'idle';
  s.inCS = false;
  s.served++;
  env.output({ type: 'exit' });
  const ln = [...token.ln];
  ln[env.id - 1] = s.rn[env.id - 1] ?? 0;
  s.token = { ...token, ln };
  serveOutstanding(s, env);
  if (s.served < opts.requests) env.setTimer('think', env.random.range(1, 2 * opts.thinkMs - 1));
}

function request(s: SuzukiKasamiState, env: E, opts: MutexOptions): void {
  s.phase = 'wanting';
  env.output({ type: 'request' });
  if (s.token !== null) return enter(s, env, opts); // The token is here: no messages.
  s.rn[env.id - 1] = (s.rn[env.id - 1] ?? 0) + 1;
  env.broadcast({ type: 'Request', sn: s.rn[env.id - 1] ?? 0 });
  env.setTimer('retry', retryMs(env.nodes.length, opts));
}

function onMessage(
  s: SuzukiKasamiState,
  env: E,
  from: NodeId,
  m: SuzukiKasamiMessage,
  opts: MutexOptions,
): void {
  switch (m.type) {
    case 'Request':
      s.rn[from - 1] = Math.max(s.rn[from - 1] ?? 0, m.sn);
      serveOutstanding(s, env);
      return;
    case 'Token':
      env.send(from, { type: 'TokenAck', transfers: m.token.transfers });
      if (m.token.transfers <= s.accepted || m.token.ln.length !== env.nodes.length) return;
      s.accepted = m.token.transfers;
      s.token = m.token;
      if (s.phase === 'wanting') enter(s, env, opts);
      else serveOutstanding(s, env); // Queued for a request we no longer have: pass it on.
      return;
    case 'TokenAck':
      if (s.outgoing?.to === from && s.outgoing.token.transfers === m.transfers) {
        s.outgoing = null;
        env.cancelTimer('handoff');
      }
      return;
  }
}

function onTimer(s: SuzukiKasamiState, env: E, name: string, opts: MutexOptions): void {
  if (name === 'think' && s.phase === 'idle') {
    request(s, env, opts);
  } else if (name === 'hold' && s.phase === 'inside') {
    leave(s, env, opts);
  } else if (name === 'retry' && s.phase === 'wanting' && s.token === null) {
    env.broadcast({ type: 'Request', sn: s.rn[env.id - 1] ?? 0 });
    env.setTimer('retry', retryMs(env.nodes.length, opts));
  } else if (name === 'handoff' && s.outgoing !== null) {
    env.send(s.outgoing.to, { type: 'Token', token: s.outgoing.token });
    env.setTimer('handoff', HANDOFF_RETRY_MS);
  }
}

export function createSuzukiKasami(
  id: NodeId,
  n: number,
  opts: MutexOptions,
): Process<SuzukiKasamiMessage, MutexOutput, SuzukiKasamiState> {
  let state: SuzukiKasamiState = {
    phase: 'idle',
    inCS: false,
    served: 0,
    rn: new Array<number>(n).fill(0),
    token:
      id === FIRST_HOLDER ? { ln: new Array<number>(n).fill(0), queue: [], transfers: 0 } : null,
    outgoing: null,
    accepted: 0,
  };
  return {
    get state() {
      return state;
    },
    onStart(env) {
      const stored = env.storage.get<SuzukiKasamiState>('state');
      state = stored ?? state;
      const think = () => env.setTimer('think', env.random.range(1, 2 * opts.thinkMs - 1));
      if (state.outgoing !== null) env.setTimer('handoff', HANDOFF_RETRY_MS);
      if (state.phase === 'inside') env.setTimer('hold', env.random.range(1, 2 * opts.holdMs - 1));
      else if (state.phase === 'wanting') env.setTimer('retry', 0);
      else if (state.served < opts.requests) think();
      save(state, env);
    },
    onMessage(env, from, m) {
      onMessage(state, env, from, m, opts);
      save(state, env);
    },
    onTimer(env, name) {
      onTimer(state, env, name, opts);
      save(state, env);
    },
  };
}
